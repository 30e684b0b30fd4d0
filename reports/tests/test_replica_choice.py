"""Which database a report reads (reports.db): the choice, the lag rule, the fallbacks, and the
router's promise that writes and the request's own machinery stay on the primary. The real
streaming replica is tests/test_replica.py."""

import pytest
from django.db import OperationalError, connections

from eleves.models import AccessLog
from pial.db_router import ReplicaRouter, current_reading_alias, reading_on
from pial.models import School
from reports import db
from reports.db import Health, is_fresh


@pytest.fixture(autouse=True)
def _fresh_health():
    db.forget_health()
    yield
    db.forget_health()


def test_without_a_replica_alias_everything_reads_on_the_primary(settings, monkeypatch):
    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)  # DATABASE_REPLICA_URL unset
    assert db.reading_alias() == "default"


@pytest.fixture
def replica_alias(monkeypatch):
    """A `replica` alias with the primary's own settings (as a test mirror has)."""
    from django.conf import settings

    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    yield
    connections["replica"].close()
    del connections["replica"]


def test_a_replica_that_names_the_primary_database_is_read_as_the_primary(replica_alias):
    """A test mirror (TEST MIRROR default) or a replica URL equal to the primary's: no second
    connection, and no query on an alias the test did not open."""
    assert db.reading_alias() == "default"


@pytest.mark.parametrize(("health", "fresh"), [
    (Health(in_recovery=False, caught_up=True, receiving=False, replay_age=None), True),   # a primary
    (Health(in_recovery=True, caught_up=True, receiving=True, replay_age=3600.0), True),   # idle primary
    (Health(in_recovery=True, caught_up=False, receiving=True, replay_age=5.0), True),     # within the lag
    (Health(in_recovery=True, caught_up=False, receiving=True, replay_age=31.0), False),   # behind
    (Health(in_recovery=True, caught_up=True, receiving=False, replay_age=3600.0), False),  # cut off
    (Health(in_recovery=True, caught_up=True, receiving=False, replay_age=None), False),
])
def test_lag_rule(health, fresh):
    """An idle primary leaves the last replayed transaction old: a standby that replayed all it
    received over a live connection is fresh whatever its age; one cut off from its primary is
    judged by its age only."""
    assert is_fresh(health, max_lag=30) is fresh


def test_health_is_read_once_per_period_and_unreachable_means_primary(replica_alias, monkeypatch, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    monkeypatch.setattr(db, "_same_database", lambda alias: False)
    reads = []
    monkeypatch.setattr(db, "_read_health", lambda: reads.append(1))  # None: unreachable
    assert db.reading_alias() == "default"
    assert db.reading_alias() == "default"
    assert len(reads) == 1
    monkeypatch.setattr(db, "_read_health", lambda: Health(True, False, True, 31.0))
    db.forget_health()
    assert db.reading_alias() == "default"  # lagging beyond PIAL_REPLICA_MAX_LAG_SECONDS
    monkeypatch.setattr(db, "_read_health", lambda: Health(True, True, True, None))
    db.forget_health()
    assert db.reading_alias() == "replica"


def test_a_replica_failing_during_a_report_is_read_again_on_the_primary(replica_alias, monkeypatch):
    monkeypatch.setattr(db, "_same_database", lambda alias: False)
    monkeypatch.setattr(db, "_read_health", lambda: Health(True, True, True, None))
    seen = []

    def report():
        seen.append(current_reading_alias())
        if len(seen) == 1:
            raise OperationalError("connection refused")
        return "chiffres"

    assert db.read_report(report) == "chiffres"
    assert seen == ["replica", "default"]
    assert db.reading_alias() == "default"  # marked unusable until the next check


def test_router_sends_only_the_blocks_reads_and_never_a_write():
    router = ReplicaRouter()
    assert router.db_for_read(School) is None
    with reading_on("replica"):
        assert router.db_for_read(School) == "replica"
        assert router.db_for_write(School) == "default"
        assert router.db_for_write(AccessLog) == "default"
        from django.contrib.sessions.models import Session
        assert router.db_for_read(Session) is None  # a fresh session is never looked up on a standby
    assert router.db_for_read(School) is None
    assert router.allow_migrate("replica", "eleves") is False
    assert router.allow_migrate("default", "eleves") is True
