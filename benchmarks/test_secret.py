"""The secret statistique at a larger scale than `make test` runs it: the attacker's audit
(reports/tests/audit.py) of every role of a seeded département of 6 circonscriptions and 14
pôles (70 schools of 1 to 15 students, a third of the pôles across two circonscriptions), on
several seeds, with what each reader still sees and what the protection costs cold.

`make bench` runs it; PIAL_BENCH_SECRET_SEEDS="1 2 3 4 5" chooses the seeds.
"""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.core.cache import cache

from benchmarks import report_seed
from pial.enums import Role
from pial.models import Circonscription, Pole, School
from pial.scope import Scope
from pial.tests.factories import MembershipFactory
from reports.report import read_tree
from reports.tests.audit import audit, visible_cells

DAY = datetime.date(2026, 12, 2)
SEEDS = [int(s) for s in os.environ.get("PIAL_BENCH_SECRET_SEEDS", "1 2 3").split()]


def departement(seed: int) -> int:
    scale = report_seed.Scale("secret", departements=1, circonscriptions=6, poles=14, schools_per_pole=5, aesh=120,
                              students=420, weeks=1)
    seeded = report_seed.seed(scale, DAY, seed_value=seed, base=30_000_000 + seed * 10_000)
    circs = list(Circonscription.objects.filter(departement_id=seeded.departement_id).order_by("pk"))
    for index, pole in enumerate(Pole.objects.filter(departement_id=seeded.departement_id).order_by("pk")):
        if index % 3 == 0:
            school = School.objects.filter(pole=pole).order_by("pk").first()
            school.circonscription = circs[(circs.index(pole.circonscription) + 1) % len(circs)]
            school.save(update_fields=["circonscription"])
    return seeded.departement_id


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS)
def test_every_role_of_a_seeded_departement(seed):
    dep = departement(seed)
    scopes = [("gestionnaire", Scope.of(MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement_id=dep)))]
    for circ in Circonscription.objects.filter(departement_id=dep).order_by("pk"):
        scopes.append((circ.name, Scope.of(MembershipFactory(role=Role.INSPECTOR, pole=None, circonscription=circ))))
    scopes.append(("national", Scope.national()))
    findings = 0
    for name, scope in scopes:
        cache.clear()
        started = time.perf_counter()
        _, tree = read_tree(scope, DAY)
        cold = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        result = audit(scope, DAY)
        audited = time.perf_counter() - started
        shown, hidden = visible_cells(tree)
        findings += len(result.findings) + len(result.inconsistent)
        print(f"\n[secret, graine {seed}] {name:24} cases visibles {shown:4} / masquées {hidden:4} · "
              f"{result.pages:3} rapports, {result.hidden:4} cases masquées auditées, "
              f"{len(result.findings)} resserrée(s) · protection à froid {cold:6.0f} ms "
              f"({len(tree.units)} unités) · audit {audited:5.1f} s")
    assert findings == 0
