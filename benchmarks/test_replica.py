"""Reports on a real streaming replica at département scale (PostgreSQL only).

A primary and its standby of our own (reports/tests/replica_pair.py): the département's territory
is seeded on the primary, replayed by the standby, then the inspector's and the département's
reports are built on each and must agree cell for cell. Prints the best time on each side and the
replay of the seed. Smoke mode: the tiny scale, same checks, no timing of note.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection, connections

from benchmarks import report_seed
from benchmarks.timing import SMOKE, best_ms
from pial.enums import Role
from pial.scope import Scope
from pial.tests.factories import MembershipFactory
from reports import db
from reports.report import build
from reports.tests.replica_pair import default_on_pair

DAY = datetime.date.today()


@pytest.fixture(scope="module")
def on_pair(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("La réplique se mesure sur PostgreSQL : make bench-pg")
    with django_db_blocker.unblock(), default_on_pair() as pair:
        seeded = report_seed.seed(report_seed.SMOKE if SMOKE else report_seed.DEPARTEMENT, DAY,
                                  seed_value=11, base=30_000_000)
        started = time.perf_counter()
        pair.wait_replayed(timeout=120)
        replayed = time.perf_counter() - started
        print(f"\n[réplique, postgresql] {seeded.rows} lignes semées sur le primaire en {seeded.seconds:.1f} s, "
              f"rejouées par la réplique {replayed:.1f} s plus tard")
        memberships = {
            "circonscription": MembershipFactory(user__email="bench-replica-ien@ac-test.fr", role=Role.INSPECTOR,
                                                 pole=None, circonscription_id=seeded.circonscription_id),
            "departement": MembershipFactory(user__email="bench-replica-dasen@ac-test.fr", role=Role.GESTIONNAIRE,
                                             pole=None, departement_id=seeded.departement_id),
        }
        pair.wait_replayed()
        yield seeded, memberships


def _cells(report) -> list:
    tables = [*report.student_tables, *([report.aesh_table] if report.aesh_table else [])]
    return [[c.text for c in cells] for table in tables for _, cells in table.lines]


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["circonscription", "departement"])
def test_report_on_the_replica_equals_the_primary(on_pair, level, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    seeded, memberships = on_pair
    scope = Scope.of(memberships[level])
    assert db.reading_alias() == "replica"
    sent = []
    with connections["replica"].execute_wrapper(lambda run, sql, *args: sent.append(sql) or run(sql, *args)):
        on_replica = db.read_report(build, scope, seeded.day)
    assert sent, "no statement reached the replica"
    assert _cells(on_replica) == _cells(build(scope, seeded.day))
    primary_ms = best_ms(lambda: build(scope, seeded.day), runs=5)
    replica_ms = best_ms(lambda: db.read_report(build, scope, seeded.day), runs=5)
    print(f"\n[réplique, {'smoke' if SMOKE else 'département'}] rapport {level} : primaire {primary_ms:.0f} ms, "
          f"réplique {replica_ms:.0f} ms ({len(sent)} instructions sur la réplique)")
