"""The secret statistique against an attacker, on the demo and on a seeded département.

- The attack of the issue: with « < 3 » for a small cell and « secret » for a cell hidden
  to protect it, a reader subtracted cells back (the Victor Hugo row of the demo: 4 pupils,
  individuelle « secret » so ≥ 3, mutualisée « < 3 », hence mutualisée = 1).
- The statistics office's audit (reports/tests/audit.py): for every hidden cell of everything
  each role can read on the day, the smallest and largest values a linear programme allows.
- The weekly figures of the day publish what the day's report publishes.
"""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from pial.enums import Role
from pial.models import Circonscription, Membership, Pole, School
from pial.scope import SESSION_KEY, Scope
from reports import snapshots
from reports.report import HIDDEN_LABEL, build, coverage_of, read_tree
from reports.tests.audit import audit, visible_cells

DEMO_DAY = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)  # the demo follows the clock: pinned


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        settings.DEBUG = False
        yield


def readers():
    scopes = [Scope.of(m) for m in Membership.objects.filter(
        role__in=[Role.INSPECTOR, Role.GESTIONNAIRE, Role.COORDINATOR, Role.PILOT]).select_related(
        "pole", "circonscription", "departement").order_by("pk")]
    return [*scopes, Scope.national()]


def label_attack(rows: list[list[str]]) -> list[str]:
    """What the issue's reader did: « < N » is 1..N−1, « secret » is ≥ N, and each row adds up
    (pupils = individuelle + mutualisée; waiting = sans AESH + partielle)."""
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
        Scope.of(inspector))]
    rows = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        rows += xlsx_rows(response.content)
    assert label_attack(rows) == []
    texts = {value for row in rows for _, value in row}
    assert not any(re.fullmatch(r"< \d+", t) for t in texts)  # one label for every hidden cell
    # Victor Hugo (4 pupils) publishes no split by aid kind: nothing to subtract.
    victor = [row for row in rows if "Victor Hugo" in row[0][1]]
    assert all(dict(row).get("dont aide mutualisée") is None for row in victor)


def test_no_hidden_cell_of_the_demo_can_be_narrowed_by_any_role(demo):
    checked = 0
    for scope in readers():
        _, tree = read_tree(scope, DEMO_DAY.date())
        result = audit(tree)
        assert result.findings == [], (scope.label, [str(f) for f in result.findings])
        checked += result.hidden
    assert checked > 20  # the demo does hide cells: the audit had something to attack


def seeded_departement(seed: int):
    """A département of 6 circonscriptions and 14 pôles, 70 schools of 1 to 15 pupils, some
    pôles across two circonscriptions (benchmarks.report_seed, at a small scale)."""
    from benchmarks import report_seed

    scale = report_seed.Scale("audit", departements=1, circonscriptions=6, poles=14, schools_per_pole=5, aesh=120,
                              pupils=420, weeks=2)
    seeded = report_seed.seed(scale, DEMO_DAY.date(), seed_value=seed, base=7_000_000 + seed * 10_000)
    dep = seeded.departement_id
    circs = list(Circonscription.objects.filter(departement_id=dep).order_by("pk"))
    for index, pole in enumerate(Pole.objects.filter(departement_id=dep).order_by("pk")):
        if index % 3 == 0:  # a pôle straddling two circonscriptions
            school = School.objects.filter(pole=pole).order_by("pk").first()
            school.circonscription = circs[(circs.index(pole.circonscription) + 1) % len(circs)]
            school.save(update_fields=["circonscription"])
    return dep


@pytest.mark.xfail(strict=True, reason=(
    "Connu : sur un département généré (6 circonscriptions, 14 pôles), l'heuristique de suppression "
    "laisse encore des cellules que l'audit LP resserre (rapport du gestionnaire : une attente de 1 "
    "bornée à [1, 1] dans un pôle) ; l'audit le montre, la correction reste à faire."))
@pytest.mark.parametrize("seed", [1, 2])
def test_no_hidden_cell_of_a_seeded_departement_can_be_narrowed(db, seed):
    from pial.tests.factories import MembershipFactory

    dep = seeded_departement(seed)
    scopes = [Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep))]
    for circ in Circonscription.objects.filter(departement_id=dep).order_by("pk")[:3]:
        scopes.append(Scope.of(MembershipFactory(role=Role.INSPECTOR, pole=None, circonscription=circ)))
    for pole in Pole.objects.filter(departement_id=dep).order_by("pk")[:3]:
        scopes.append(Scope.of(MembershipFactory(role=Role.COORDINATOR, pole=pole)))
    hidden = 0
    for scope in scopes:
        _, tree = read_tree(scope, DEMO_DAY.date())
        result = audit(tree)
        assert result.findings == [], (scope.label, [str(f) for f in result.findings])
        hidden += result.hidden
        shown, _ = visible_cells(tree)
        assert shown > 0
    assert hidden > 0


def test_the_weekly_figures_of_the_day_publish_what_the_day_publishes(demo):
    with time_machine.travel(DEMO_DAY, tick=False):
        snapshots.store(DEMO_DAY.date())
        for scope in readers():
            report = build(scope, DEMO_DAY.date())
            week = report.evolution[-1]
            summary = report.summary
            assert week["waiting"] == (None if summary.is_hidden("waiting") else summary.values["waiting"]), scope.label
            assert week["coverage"] == (None if summary.is_hidden("coverage") else coverage_of(summary.values))
            for child in report.node.children:
                shown = None if child.is_hidden("waiting") else child.values["waiting"]
                assert week["parts"][child.label][0] == shown, (scope.label, child.label)


def test_every_hidden_cell_reads_the_same_label_on_the_page(demo, client):
    login(client, "gestionnaire@demo.pial.fr")
    page = client.get(reverse("reports:report")).content.decode()
    cells = re.findall(r'<td class="pial-secret">([^<]*)</td>', page)
    assert cells and set(cells) == {HIDDEN_LABEL}
    assert "&lt; 3" not in page.split("<main")[1].split("Confidentialité")[0]
