"""Which database a report reads: the replica when one is configured, reachable and fresh,
else the primary.

`reading_alias()` checks the replica at most once per REPLICA_CHECK_SECONDS per process (one
short statement; a connection refused or timed out, under DATABASE_REPLICA_CONNECT_TIMEOUT,
counts as « not usable »). `read_report(fn, ...)` runs a report's reads on that alias and, if the
replica fails in the middle, once more on the primary: a reader never sees an error because the
replica went away. Writes (the access journal) never happen inside: the caller journals after.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils.connection import ConnectionDoesNotExist

from pial.db_router import DEFAULT, current_reading_alias, reading_on

REPLICA = "replica"
logger = logging.getLogger(__name__)

# Lag in seconds, or None when the standby has everything it received and still receives: an
# idle primary writes nothing, so the last replayed transaction grows old without any lag.
HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


@dataclass(frozen=True)
class Health:
    in_recovery: bool
    caught_up: bool        # everything received is replayed
    receiving: bool        # the WAL receiver is connected to the primary
    replay_age: float | None  # seconds since the last replayed transaction's commit on the primary


def is_fresh(health: Health, max_lag: float) -> bool:
    """May reports read there? A promoted or plain server is as fresh as it gets; a standby is
    when it has replayed all it received from a live connection, or replayed recently enough."""
    if not health.in_recovery:
        return True
    if health.caught_up and health.receiving:
        return True
    return health.replay_age is not None and health.replay_age <= max_lag


_checked: dict[str, float | str] = {"at": float("-inf"), "alias": DEFAULT}


def forget_health() -> None:
    """The next `reading_alias()` checks the replica again (tests, and after a failure)."""
    _checked.update(at=float("-inf"), alias=DEFAULT)


def _same_database(alias: str) -> bool:
    """The alias names the primary's own database (a test mirror, or a configuration that gives
    the primary twice): reading there is reading the primary through a second connection."""
    ours, theirs = connections[DEFAULT].settings_dict, connections[alias].settings_dict
    return all(ours.get(key) == theirs.get(key) for key in ("NAME", "HOST", "PORT"))


def _read_health() -> Health | None:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(HEALTH_SQL)
            in_recovery, caught_up, receiving, age = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unreachable, reports read on the primary: %s", type(error).__name__)
        connections[REPLICA].close()
        return None
    return Health(bool(in_recovery), bool(caught_up), bool(receiving), None if age is None else float(age))


def replica_configured() -> bool:
    """DATABASE_REPLICA_URL gave the alias (or a test opened a connection under that name)."""
    try:
        connections[REPLICA]
    except ConnectionDoesNotExist:
        return False
    return True


def primary_only() -> bool:
    """Reports read on the primary whatever happens: no replica, or one naming the same database."""
    return not replica_configured() or _same_database(REPLICA)


def reading_alias() -> str:
    """The alias a report reads on now."""
    if primary_only():
        return DEFAULT
    now = time.monotonic()
    if now - float(_checked["at"]) < settings.REPLICA_CHECK_SECONDS:
        return str(_checked["alias"])
    health = _read_health()
    fresh = health is not None and is_fresh(health, settings.REPLICA_MAX_LAG_SECONDS)
    if health is not None and not fresh:
        logger.warning("replica lagging (%s s), reports read on the primary", health.replay_age)
    _checked.update(at=now, alias=REPLICA if fresh else DEFAULT)
    return str(_checked["alias"])


def read_report(fn, *args, **kwargs):
    """fn(*args, **kwargs) with its reads on `reading_alias()`; on the primary once more if the
    replica fails meanwhile (its health is then « unusable » until the next check)."""
    alias = reading_alias()
    if alias == DEFAULT:
        return fn(*args, **kwargs)
    try:
        with reading_on(alias):
            return fn(*args, **kwargs)
    except (OperationalError, InterfaceError) as error:  # lost, refused, or a recovery conflict
        logger.warning("replica failed during a report, read again on the primary: %s", type(error).__name__)
        connections[alias].close()
        _checked.update(at=time.monotonic(), alias=DEFAULT)
        return fn(*args, **kwargs)


def cursor():
    """A cursor on the database the current block reads (raw statements of reports.selectors)."""
    return connections[current_reading_alias()].cursor()


def vendor() -> str:
    return connections[current_reading_alias()].vendor
