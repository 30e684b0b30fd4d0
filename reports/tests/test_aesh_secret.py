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
