"""The secret statistique against an attacker, on the demo and on seeded départements.

- The attack of the issue: with « < 3 » for a small cell and « secret » for a cell hidden
  to protect it, a reader subtracted cells back (the Victor Hugo row of the demo: 4 students,
  individuelle « secret » so ≥ 3, mutualisée « < 3 », hence mutualisée = 1).
- The statistics office's audit (reports/tests/audit.py): for every hidden cell of every
  report each role can open on the day, the smallest and largest values a mixed-integer
  programme allows, on the demo and on seeded départements (several seeds).
- Headline first: the reader's own territory is never hidden to protect a part.
- Need to know: the pôle's coordination and pilots read their pôle whole.
- The weekly figures of the day publish what the day's report publishes.
"""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from eleves.models import Student
from pial import privacy
from pial.enums import Role
from pial.models import Circonscription, Membership, Pole, School
from pial.scope import SESSION_KEY, Scope
from reports import snapshots
from reports.report import HIDDEN_LABEL, build, coverage_of, read_tree
from reports.tests.audit import audit, reachable_reports, visible_cells
from reports.tree import HEADLINE, cell_id, unit_problem

SEEDED_DAY = datetime.date(2026, 12, 2)
SEEDS = (1, 2, 3)


def readers(roles=(Role.INSPECTOR, Role.GESTIONNAIRE, Role.COORDINATOR, Role.PILOT), national=True):
    scopes = [Scope.of(m) for m in Membership.objects.filter(role__in=roles).select_related(
        "pole", "circonscription", "departement").order_by("pk")]
    return [*scopes, Scope.national()] if national else scopes


def label_attack(rows: list[list[str]]) -> list[str]:
    """What the issue's reader did: « < N » is 1..N−1, « secret » is ≥ N, and each row adds up
    (students = individuelle + mutualisée; waiting = sans AESH + partielle)."""
    found = []
    for row in rows:
        cells = dict(row)
        for whole, parts in (("Élèves notifié·es", ("dont aide individuelle", "dont aide mutualisée")),
                             ("En attente", ("dont sans AESH", "dont couverture partielle"))):
            if whole not in cells or not all(p in cells for p in parts) or not cells[whole].isdigit():
                continue
            ranges = []
            for part in parts:
                text = cells[part]
                small = re.fullmatch(r"< (\d+)", text)
                ranges.append((int(text), int(text)) if text.isdigit() else (1, int(small[1]) - 1) if small
                              else (3, 10**6) if text == "secret" else (1, 10**6))
            total = int(cells[whole])
            for index, part in enumerate(parts):
                other = ranges[1 - index]
                low, high = max(ranges[index][0], total - other[1]), min(ranges[index][1], total - other[0])
                if low == high and not cells[part].isdigit():
                    found.append(f"{cells['Territoire']} · {part} = {low}")
    return found


def xlsx_rows(content: bytes) -> list[list[tuple[str, str]]]:
    from openpyxl import load_workbook

    rows = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        values = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(values_only=True)]
        if not values:
            continue
        header = ["Territoire", *values[0][1:]]
        rows += [list(zip(header, r, strict=True)) for r in values[1:]]
    return rows


def login(client, email: str) -> Membership:
    from pial.tests.factories import TotpFactory

    membership = Membership.objects.select_related("user").filter(user__email=email).order_by("pk").first()
    TotpFactory(user=membership.user)
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()
    return membership


def test_the_attack_of_the_issue_recovers_nothing_from_the_inspectors_export(demo, client):
    inspector = login(client, "ien@demo.pial.fr")
    pages = [reverse("reports:export", args=["xlsx"])]
    pages += [reverse("reports:export", args=["xlsx"]) + f"?pole={p.pk}" for p in Pole.objects.visible_to(
        Scope.of(inspector)).order_by("pk")]
    rows = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        rows += xlsx_rows(response.content)
    assert label_attack(rows) == []
    texts = {value for row in rows for _, value in row}
    assert not any(re.fullmatch(r"< \d+", t) for t in texts)  # one label for every hidden cell
    # Victor Hugo (4 students) publishes no split by aid kind: nothing to subtract.
    victor = [row for row in rows if "Victor Hugo" in row[0][1]]
    assert all(dict(row).get("dont aide mutualisée") is None for row in victor)


def test_no_hidden_cell_of_the_demo_can_be_narrowed_by_any_role(demo):
    day = timezone.localdate()
    checked = 0
    for scope in readers(roles=(Role.INSPECTOR, Role.GESTIONNAIRE)):
        result = audit(scope, day)
        assert result.findings == [], (scope.label, [str(f) for f in result.findings])
        assert result.inconsistent == [], scope.label  # a cell reads the same on every page
        checked += result.hidden
    assert checked > 20  # the demo does hide cells: the audit had something to attack


def headline_hidden_without_being_small(node, threshold: int) -> set[str]:
    """The territory's own totals (waiting, students, hours) that are hidden though not small."""
    few = 0 < node.values["individuelle"] < threshold
    return {m for m in HEADLINE if m in node.hidden and not 0 < node.values[m] < threshold
            and not (m in ("notified_minutes", "placed_minutes") and few)}


def assert_forced(unit, measures: set[str], tree) -> None:
    """Kept published, those totals would leave a small count that no hiding can protect."""
    problem = unit_problem(unit, tree.threshold, tree.kinds)
    problem.kept = {(cell_id(unit), m) for m in measures}
    assert privacy.protect(problem).unprotected, (unit, measures)


def test_the_readers_own_totals_are_never_hidden_to_protect_a_part_on_the_demo(demo):
    """What the inspector came for — the circonscription's own totals — is never hidden to protect
    a part: when one pôle's part of Lys-Nord is small, the other part is hidden, not the headline
    (the demo's counts move with its data: the rule is checked on whatever they are)."""
    day = timezone.localdate()
    lys_nord = None
    for scope in readers(roles=(Role.INSPECTOR, Role.GESTIONNAIRE)):
        _, tree = read_tree(scope, day)
        assert headline_hidden_without_being_small(tree.root, tree.threshold) == set(), scope.label
        for unit in tree.units:  # each circonscription's own totals, as its inspector reads them
            assert headline_hidden_without_being_small(unit, tree.threshold) == set(), (scope.label, unit)
        if scope.role == Role.INSPECTOR and scope.label.endswith("Lys-Nord"):
            lys_nord = tree
    assert lys_nord is not None
    assert not lys_nord.root.is_hidden("waiting") and lys_nord.root.values["waiting"] >= lys_nord.threshold
    parts = list(lys_nord.root.children)
    small = [part for part in parts if 0 < part.values["waiting"] < lys_nord.threshold]
    for part in small:  # a small count is hidden...
        assert part.is_hidden("waiting"), part
    if len(small) == 1 and len(parts) == 2:  # ...and its complement with it: the part, not the headline
        assert all(part.is_hidden("waiting") for part in parts)


def test_the_poles_coordination_and_pilots_read_their_pole_whole(demo, client):
    """Need to know, not blindness: whoever reads every student's record of the pôle reads its
    report without a hidden cell and with every school on its own row."""
    day = timezone.localdate()
    pole_readers = readers(roles=(Role.COORDINATOR, Role.PILOT), national=False)
    assert pole_readers
    for scope in pole_readers:
        territory, reports = reachable_reports(scope, day)
        counted = Student.objects.filter(school__in=territory.root.schools, left_on__isnull=True,
                                         notifications__state="NOTIFIED", notifications__start_date__lte=day,
                                         notifications__end_date__gte=day).distinct()
        readable = Student.objects.visible_to(scope)
        assert counted.count() == territory.root.values["students"]
        assert not counted.exclude(pk__in=readable).exists(), scope.label  # every student counted is one they read
        for report in reports:
            for table in report.student_tables:
                assert not any(row.hidden or row.node.hidden for row in table.all_rows), (scope.label, table.title)
                assert not any(row.node.kind == "others" for row in table.all_rows)
        schools = set(School.objects.filter(pole_id=scope.pole_id, pk__in=territory.root.schools).values_list(
            "pk", flat=True))
        assert {leaf.ref for leaf in territory.root.leaves()} == schools
    coordinator = login(client, "coordination@demo.pial.fr")
    page = client.get(reverse("reports:report")).content.decode()
    assert "chaque établissement sur sa ligne" in page and "pial-secret" not in page
    assert coordinator.role == Role.COORDINATOR


def test_the_inspector_and_the_gestionnaire_keep_the_secret_on_the_same_pole(demo):
    """The same pôle under two readers: its coordinator reads it whole, the inspector of its
    circonscription under the secret statistique."""
    day = timezone.localdate()
    inspector = next(s for s in readers(roles=(Role.INSPECTOR,), national=False))
    _, tree = read_tree(inspector, day)
    assert any(node.hidden for node in tree.root.walk())


def seeded_departement(seed: int, circonscriptions: int = 2, poles: int = 5):
    """A small département (circonscriptions × pôles of 4 schools of 1 to 12 students), a third
    of the pôles across two circonscriptions (benchmarks.report_seed)."""
    from benchmarks import report_seed

    scale = report_seed.Scale("audit", departements=1, circonscriptions=circonscriptions, poles=poles,
                              schools_per_pole=4, aesh=8 * poles, students=24 * poles, weeks=1)
    seeded = report_seed.seed(scale, SEEDED_DAY, seed_value=seed, base=7_000_000 + seed * 10_000)
    dep = seeded.departement_id
    circs = list(Circonscription.objects.filter(departement_id=dep).order_by("pk"))
    for index, pole in enumerate(Pole.objects.filter(departement_id=dep).order_by("pk")):
        if index % 3 == 0:  # a pôle straddling two circonscriptions
            school = School.objects.filter(pole=pole).order_by("pk").first()
            school.circonscription = circs[(circs.index(pole.circonscription) + 1) % len(circs)]
            school.save(update_fields=["circonscription"])
    return dep


def audit_seeded(scopes) -> int:
    hidden = 0
    for scope in scopes:
        result = audit(scope, SEEDED_DAY)
        assert result.findings == [], (scope.label, [str(f) for f in result.findings])
        assert result.inconsistent == [], scope.label
        hidden += result.hidden
        _, tree = read_tree(scope, SEEDED_DAY)
        shown, _ = visible_cells(tree)
        assert shown > 0 and tree.stats.get("unprotected", 0) == 0, scope.label
        for unit in tree.units:  # a circonscription's own total goes only when nothing else can
            forced = headline_hidden_without_being_small(unit, tree.threshold)
            if forced:
                assert_forced(unit, forced, tree)
        assert tree.root.hidden <= {m for unit in tree.units for m in unit.hidden}
    return hidden


def test_no_hidden_cell_of_a_seeded_departement_can_be_narrowed_by_any_role(db):
    from pial.tests.factories import MembershipFactory

    cache.clear()
    dep = seeded_departement(SEEDS[0])
    scopes = [Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep))]
    for circ in Circonscription.objects.filter(departement_id=dep).order_by("pk"):
        scopes.append(Scope.of(MembershipFactory(role=Role.INSPECTOR, pole=None, circonscription=circ)))
    scopes.append(Scope.national())
    assert audit_seeded(scopes) > 0


@pytest.mark.parametrize("seed", SEEDS[1:])
def test_no_hidden_cell_of_other_seeded_departements_can_be_narrowed(db, seed):
    """The national level reads every cell the gestionnaire and each inspector of the
    département read (the same units, the same hidden cells): what it cannot narrow, they
    cannot either."""
    cache.clear()
    seeded_departement(seed)
    assert audit_seeded([Scope.national()]) > 0


def test_a_units_protection_is_computed_once_for_the_same_figures(db):
    from pial.tests.factories import MembershipFactory

    cache.clear()
    dep = seeded_departement(4, circonscriptions=2, poles=3)
    scope = Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep))
    _, first = read_tree(scope, SEEDED_DAY)
    assert first.stats["protected"] == len(first.units) and not first.stats.get("cached")
    _, again = read_tree(scope, SEEDED_DAY)
    assert again.stats.get("protected", 0) == 0 and again.stats["cached"] == len(again.units)
    assert [n.hidden for n in again.root.walk()] == [n.hidden for n in first.root.walk()]
    # A figure changes: that unit alone is protected again.
    student = Student.objects.filter(school__departement_id=dep).order_by("pk").first()
    student.left_on = SEEDED_DAY - datetime.timedelta(days=1)
    student.save(update_fields=["left_on"])
    _, changed = read_tree(scope, SEEDED_DAY)
    assert changed.stats["protected"] == 1 and changed.stats["cached"] == len(changed.units) - 1


def test_the_nightly_job_protects_every_unit_before_the_first_reader(db):
    from pial.tests.factories import MembershipFactory
    from reports.tasks import store_weekly_figures

    cache.clear()
    dep = seeded_departement(5, circonscriptions=2, poles=3)
    store_weekly_figures(SEEDED_DAY.isoformat())
    scope = Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep))
    report = build(scope, SEEDED_DAY)
    _, tree = read_tree(scope, SEEDED_DAY)
    assert tree.stats.get("protected", 0) == 0 and tree.stats["cached"] == len(tree.units)
    assert report.evolution[-1]["week_start"] == snapshots.monday_of(SEEDED_DAY)


def test_the_weekly_figures_of_the_day_publish_what_the_day_publishes(demo):
    day = timezone.localdate()
    snapshots.store(day)
    for scope in readers():
        report = build(scope, day)
        week = report.evolution[-1]
        summary = report.summary
        assert week["waiting"] == (None if summary.is_hidden("waiting") else summary.values["waiting"]), scope.label
        assert week["coverage"] == (None if summary.is_hidden("coverage") else coverage_of(summary.values))
        for child in report.node.children:
            shown = None if child.is_hidden("waiting") else child.values["waiting"]
            assert week["parts"][child.label][0] == shown, (scope.label, child.label)


def test_every_hidden_cell_reads_the_same_label_on_the_page(demo, client):
    login(client, "gestionnaire@demo.pial.fr")
    page = client.get(reverse("reports:report") + "?circonscription=" + str(
        Circonscription.objects.order_by("pk").first().pk)).content.decode()
    cells = re.findall(r'<td[^>]* class="pial-secret">([^<]*)</td>', page)
    assert cells and set(cells) == {HIDDEN_LABEL}
    assert "&lt; 3" not in page.split("<main")[1].split("Confidentialité")[0]
