"""The AESH table's placed hours under the students' secret statistique (reports.aesh_secret):
hidden beside hidden pupil hours, in every table, part, chart and export a reader can open, and
never given back by a total or another row."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from reports import aesh_secret
from reports.report import HIDDEN_LABEL, build

TODAY = datetime.date.today()
START, END = TODAY - datetime.timedelta(days=60), TODAY + datetime.timedelta(days=200)


def _placed(aesh, pupil, school, hours: int):
    from missions.models import Assignment, AssignmentKind, TimeSlot

    assignment = Assignment.objects.create(aesh=aesh, student=pupil, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=START, end_date=END)
    slot = TimeSlot.objects.create(aesh=aesh, weekday=0, start_time=datetime.time(8, 0),
                                   end_time=datetime.time(8 + hours, 0), school=school, valid_from=START,
                                   valid_until=END)
    slot.assignments.set([assignment])


def _aesh(pole):
    from aesh.tests.factories import AeshFactory, ContractFactory

    aesh = AeshFactory(home_pole=pole)
    ContractFactory(aesh=aesh, start_date=START - datetime.timedelta(days=365), end_date=END,
                    weekly_hours=Decimal("24"))
    return aesh


@pytest.fixture
def one_pupil(world):
    """Pôle A: one pupil, 4 h placed by an AESH of pôle A. Pôle B: five pupils, 3 h each."""
    from eleves.tests.factories import NotificationFactory, StudentFactory

    pupil = StudentFactory(school=world.schools_a[0])
    NotificationFactory(student=pupil, start_date=START, end_date=END, weekly_hours=Decimal("6"))
    _placed(_aesh(world.pole_a), pupil, world.schools_a[0], 4)
    aesh_b = _aesh(world.pole_b)
    for i in range(5):
        other = StudentFactory(school=world.schools_b[i % 2])
        NotificationFactory(student=other, start_date=START, end_date=END, weekly_hours=Decimal("3"))
        _placed(aesh_b if i < 3 else _aesh(world.pole_b), other, world.schools_b[i % 2], 3)
    return world


def _report(user, drill=None):
    from pial.scope import Scope

    return build(Scope.of(user.memberships.first()), TODAY, drill)


def _placed_cells(table):
    return {row.label: (row.is_hidden("placed_minutes"), row.is_hidden("placed_etp"), row.values["placed_minutes"])
            for row in table.all_rows}


def _safe(table):
    """No hidden placed hours are the published total less the published rows."""
    rows = list(table.rows)
    hidden = [row for row in rows if row.is_hidden("placed_minutes")]
    if table.total is None or not rows:
        return True
    return table.total.is_hidden("placed_minutes") or len(hidden) != 1


def test_the_inspector_reads_no_placed_hours_of_the_one_pupil_pole(one_pupil):
    world = one_pupil
    report = _report(world.users["inspector_a"])
    cells = _placed_cells(report.aesh_table)
    assert cells[world.pole_a.name][:2] == (True, True)
    assert _safe(report.aesh_table)
    # The pôle's own report (a drill-down): the same sum of AESH, hidden too.
    drilled = _report(world.users["inspector_a"], ("pole", world.pole_a.pk))
    assert drilled.aesh_table.total.is_hidden("placed_minutes")
    # The chart reads the same cells.
    from reports.report import chart_data

    data = chart_data(report)
    assert all(placed is None for label, _, placed in data.etp if label in (world.pole_a.name, report.territory))
    assert HIDDEN_LABEL in data.etp_summary


def test_the_gestionnaire_cannot_subtract_it_back(one_pupil):
    world = one_pupil
    report = _report(world.users["gestionnaire"])
    table = report.aesh_table
    rows = {row.label: row for row in table.rows}
    circ_a = next(label for label in rows if "Nord" in label)
    assert rows[circ_a].is_hidden("placed_minutes") and rows[circ_a].is_hidden("placed_etp")
    assert _safe(table)  # the total or another row hidden too
    for kind, ref in (("circonscription", world.pole_a.circonscription_id), ("pole", world.pole_a.pk)):
        drilled = _report(world.users["gestionnaire"], (kind, ref))
        assert drilled.aesh_table.total.is_hidden("placed_minutes"), kind
        assert _safe(drilled.aesh_table)


def test_the_exports_hide_the_same_cells(one_pupil):
    world = one_pupil
    client = Client()
    client.force_login(world.users["inspector_a"])
    text = client.get("/rapports/export.csv").content.decode("utf-8-sig")
    line = next(line for line in text.splitlines() if line.startswith(world.pole_a.name + ";")
                and line.count(";") >= 11)
    header = next(h for h in text.splitlines() if "Heures / semaine placées" in h).split(";")
    values = line.split(";")
    assert values[header.index("Heures / semaine placées")] == HIDDEN_LABEL
    assert values[header.index("ETP placés")] == HIDDEN_LABEL
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/rapports/export.xlsx").content))
    sheet = next(s for s in book.worksheets if any(c.value == "Heures / semaine placées" for c in s[1]))
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == world.pole_a.name:
            assert row[header.index("Heures / semaine placées")] == HIDDEN_LABEL
            assert row[header.index("ETP placés")] == HIDDEN_LABEL


def test_the_coordination_reads_every_figure(one_pupil):
    report = _report(one_pupil.users["coordinator_a"])
    assert not any(row.is_hidden("placed_minutes") for row in report.aesh_table.all_rows)


def test_a_second_row_is_hidden_where_the_total_would_give_one_back():
    """Pure: one pôle beside hidden pupil hours, two others and their total published."""
    a, b, c = aesh_secret.Poles({1}), aesh_secret.Poles({2}), aesh_secret.Poles({3})
    sight = aesh_secret.Sight(placed={1: 240.0, 2: 900.0, 3: 1200.0}, available={1: 1440.0, 2: 1440.0, 3: 1440.0})
    sight.add({1}, True)
    sight.add({2}, False)
    sight.add({3}, False)
    sight.add({1, 2, 3}, False, own=True)
    hidden = aesh_secret.hidden_cells(sight, 3)
    assert a in hidden and (b in hidden or c in hidden) and aesh_secret.Poles({1, 2, 3}) not in hidden
    assert aesh_secret.hidden_cells(aesh_secret.Sight(placed={1: 240.0}), 3) == set()


# --- The attacker's audit of the AESH tables (independent of reports.aesh_secret) -----------------

def aesh_audit(scope, day) -> tuple[list[str], int]:
    """Every AESH table the reader can open (reports.tests.audit.reachable_reports), as a linear
    programme over the placed minutes of each home pôle (the directory says which pôle is in which
    territory): a published cell fixes the sum of its pôles, every cell's placed hours lie between 0
    and its published contract hours. For each hidden cell, its smallest and largest value: the
    placed hours beside hidden pupil hours must stay uncertain by a quarter of themselves, any
    other hidden cell by more than nothing. Returns the findings, the hidden cells, all cells."""
    import numpy as np
    from scipy.optimize import linprog

    from pial.models import Pole
    from reports.tests.audit import reachable_reports

    _, reports = reachable_reports(scope, day)
    places = {pk: {"pole": pk, "circonscription": circ, "departement": dep} for pk, circ, dep in
              Pole.objects.visible_to(scope).values_list("pk", "circonscription_id", "departement_id")}
    cells: dict[frozenset, dict] = {}
    for report in reports:
        table = report.aesh_table
        if table is None:
            continue
        if report.drilled:
            universe = {n.ref for n in report.node.walk() if n.kind == "pole" and n.ref}
            universe |= {report.node.ref} if report.node.kind == "pole" else set()
        else:
            universe = set(places)
        students = {row.label: row for t in report.student_tables for row in t.rows}
        for row in table.all_rows:
            if row.is_total:
                poles, beside = universe, report.summary.is_hidden("placed_minutes")
            else:
                poles = {p for p in universe if places.get(p, {}).get(table.grouping) == row.key}
                beside = row.label in students and students[row.label].is_hidden("placed_minutes")
            key = frozenset(poles)
            entry = cells.setdefault(key, {"value": float(row.values["placed_minutes"]), "hidden": None,
                                           "available": float(row.values["available_minutes"]), "beside": False})
            hidden = row.is_hidden("placed_minutes")
            assert row.is_hidden("placed_etp") == hidden  # the one gives the other back
            assert entry["hidden"] in (None, hidden), f"{row.label}: shown on one page, hidden on another"
            entry["hidden"], entry["beside"] = hidden, entry["beside"] or beside
    poles = sorted({p for key in cells for p in key})
    if not poles:
        return [], 0, 0
    index = {p: i for i, p in enumerate(poles)}

    def vector(key):
        v = np.zeros(len(poles))
        for p in key:
            v[index[p]] = 1.0
        return v

    equal = [(vector(k), c["value"]) for k, c in cells.items() if not c["hidden"]]
    upper = [(vector(k), c["available"]) for k, c in cells.items()]
    findings, hidden_count = [], 0
    for key, cell in cells.items():
        if not cell["hidden"]:
            continue
        hidden_count += 1
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(sign * vector(key), A_ub=np.array([u for u, _ in upper]),
                             b_ub=np.array([b for _, b in upper]),
                             A_eq=np.array([e for e, _ in equal]) if equal else None,
                             b_eq=np.array([b for _, b in equal]) if equal else None,
                             bounds=[(0, None)] * len(poles), method="highs")
            assert result.status == 0, result.message
            ends.append(sign * result.fun)
        low, high = ends
        needed = 0.25 * max(cell["value"], 1.0) if cell["beside"] else 1e-6
        if high - low + 1e-6 < needed:
            findings.append(f"{sorted(key)} = {cell['value']:g} ∈ [{low:g}, {high:g}]")
    return findings, hidden_count, len(cells)


def test_no_hidden_aesh_cell_can_be_narrowed_by_the_gestionnaire(one_pupil):
    from pial.scope import Scope

    for who in ("gestionnaire", "inspector_a"):
        findings, hidden, _ = aesh_audit(Scope.of(one_pupil.users[who].memberships.first()), TODAY)
        assert findings == [] and hidden > 0, who


@pytest.mark.parametrize("seed", (1, 2))
def test_no_hidden_aesh_cell_of_a_seeded_departement_can_be_narrowed(db, seed):
    """A département of small pôles (a few pupils each, some pôles across two circonscriptions,
    benchmarks.report_seed): the gestionnaire, each inspector and the national level."""
    from django.core.cache import cache

    from benchmarks import report_seed
    from pial.enums import Role
    from pial.models import Circonscription, Pole, School
    from pial.scope import Scope
    from pial.tests.factories import MembershipFactory

    cache.clear()
    day = datetime.date(2026, 12, 2)
    scale = report_seed.Scale("aesh-audit", departements=1, circonscriptions=2, poles=6, schools_per_pole=2,
                              aesh=12, students=14, weeks=1)
    dep = report_seed.seed(scale, day, seed_value=seed, base=7_500_000 + seed * 10_000).departement_id
    circs = list(Circonscription.objects.filter(departement_id=dep).order_by("pk"))
    for index, pole in enumerate(Pole.objects.filter(departement_id=dep).order_by("pk")):
        if index % 3 == 0:  # a pôle straddling two circonscriptions
            school = School.objects.filter(pole=pole).order_by("pk").first()
            school.circonscription = circs[(circs.index(pole.circonscription) + 1) % len(circs)]
            school.save(update_fields=["circonscription"])
    scopes = [Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep))]
    scopes += [Scope.of(MembershipFactory(role=Role.INSPECTOR, pole=None, circonscription=circ)) for circ in circs]
    hidden = 0
    for scope in [*scopes, Scope.national()]:
        findings, found, _ = aesh_audit(scope, day)
        assert findings == [], (scope.label, findings)
        hidden += found
    assert hidden > 0
