"""The inspector's report on a real PostgreSQL streaming replica, and its fallbacks.

The machine's cluster refuses replication connections, so the test starts its own pair
(reports/tests/replica_pair.py, deploy/pgpair.py: initdb, pg_basebackup -R -X stream, both on
127.0.0.1 and free ports), copies the test database into the primary and points `default` at it
for the test's duration; `replica` is the standby. Data is committed (transactional test): a
standby sees nothing else.
"""

import datetime
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connections
from django.urls import reverse

from eleves.tests.factories import NotificationFactory, StudentFactory
from pial.scope import Scope
from reports import db
from reports.report import build
from reports.tests import test_reports
from reports.tests.replica_pair import default_on_pair
from reports.tests.test_reports import DAY, inspector_scope

dataset = test_reports.dataset  # the hand-computed circonscriptions A and B, as a fixture here too

REPORT_TABLES = ("eleves_notification", "missions_assignment")  # read by every report statement family


@pytest.fixture(autouse=True)
def _pinned_now():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def pair(postgres_db, settings):
    settings.REPLICA_CHECK_SECONDS = 60  # health re-read only when the test says so
    with default_on_pair() as started:
        yield started


def _figures(report) -> list:
    tables = [*report.student_tables, report.aesh_table]
    return [[c.text for c in cells] for table in tables for _, cells in table.lines]


def _get_report(client, url=None):
    """The report page, and the statements sent to each alias (execute_wrapper: nothing connects
    to a replica that is down just to listen)."""
    sent = {"default": [], "replica": []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            sent[alias].append(sql)
            return execute(sql, params, many, context)
        return record

    with connections["default"].execute_wrapper(recorder("default")), \
            connections["replica"].execute_wrapper(recorder("replica")):
        response = client.get(url or reverse("reports:report"))
    assert response.status_code == 200
    return response, sent["default"], sent["replica"]


def _reads_report_tables(statements) -> bool:
    return any(table in sql for sql in statements for table in REPORT_TABLES)


# With DATABASE_REPLICA_URL set, `replica` is a configured alias (a test mirror): the test must name it.
DATABASES = ["default", "replica"] if "replica" in django_settings.DATABASES else ["default"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_inspector_report_reads_the_replica_and_falls_back_to_the_primary(pair, client_as, dataset, world,
                                                                           settings, caplog):
    started = time.monotonic()
    pair.wait_replayed()
    on_primary = _figures(build(Scope.of(inspector_scope(world)), DAY))
    client = client_as("inspector_a")

    # 1. Fresh replica: every report statement there, the same figures; the journal on the primary.
    response, default_sql, replica_sql = _get_report(client)
    assert db.reading_alias() == "replica"
    assert _reads_report_tables(replica_sql) and not _reads_report_tables(default_sql)
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica_sql)
    assert any("eleves_accesslog" in sql and sql.startswith("INSERT") for sql in default_sql)
    assert _figures(response.context["report"]) == on_primary
    _, default_sql, replica_sql = _get_report(client, reverse("reports:export", args=["csv"]))
    assert _reads_report_tables(replica_sql) and not _reads_report_tables(default_sql)  # the exports too

    # 2. Lagging replica: replay paused, a new waiting pupil committed on the primary; beyond
    # PIAL_REPLICA_MAX_LAG_SECONDS the report reads the primary, and counts the pupil.
    settings.REPLICA_MAX_LAG_SECONDS = 1
    pair.replica.psql("SELECT pg_wal_replay_pause()")
    newcomer = StudentFactory(first_name="Nouveau", school=world.schools_a[0])
    NotificationFactory(student=newcomer, aid_kind="INDIVIDUELLE", weekly_hours=6,
                        start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31))
    while pair.replica.psql("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) > 1") != "t":
        time.sleep(0.1)
    db.forget_health()
    response, default_sql, replica_sql = _get_report(client)
    assert db.reading_alias() == "default" and replica_sql == [db.HEALTH_SQL]  # the check, nothing else
    with_newcomer = _figures(build(Scope.of(inspector_scope(world)), DAY))
    assert with_newcomer != on_primary and _figures(response.context["report"]) == with_newcomer
    pair.replica.psql("SELECT pg_wal_replay_resume()")
    pair.wait_replayed()
    db.forget_health()
    response, default_sql, replica_sql = _get_report(client)
    assert _reads_report_tables(replica_sql) and _figures(response.context["report"]) == with_newcomer

    # 3. Replica stopped while still believed healthy: its statement fails once, the report is
    # read again on the primary, no error page; the next check finds it down (connect refused).
    pair.replica.stop("immediate")
    response, default_sql, _ = _get_report(client)
    assert "replica failed during a report, read again on the primary" in caplog.text
    assert _reads_report_tables(default_sql) and _figures(response.context["report"]) == with_newcomer
    db.forget_health()
    response, default_sql, replica_sql = _get_report(client)
    assert db.reading_alias() == "default" and not replica_sql  # the check could not even connect
    assert _reads_report_tables(default_sql) and _figures(response.context["report"]) == with_newcomer
    assert time.monotonic() - started < 30
