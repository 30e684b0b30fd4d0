"""What one cache store missed while Redis was down is not served again once it is back.

The three reproductions of the adversarial pass (branch `breaker`, pial/tests/test_breaker_findings.py)
with their fixtures, and the cache layer's own rules (pial.cache epochs)."""

import re

import pytest
from django.test import Client


@pytest.fixture
def redis_with_fallback(settings, redis_url):
    """The production shape (pial.settings, DEBUG off): Redis first, the database's cache while
    Redis is down (here a local memory cache plays it), sessions cached_db."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "pial.cache.ResilientRedisCache", "LOCATION": redis_url,
                    "KEY_PREFIX": f"test-breaker-{uuid.uuid4().hex}",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
        "fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    _disconnect()


def _disconnect():
    """Django's Redis cache never closes its pools: their sockets would be collected open."""
    from django.core.cache import caches

    for pool in caches["default"]._cache._pools.values():
        pool.disconnect()


@pytest.fixture
def outage(monkeypatch):
    """`with outage():` Redis refuses every operation (as when it is down), then answers again
    with what it held before."""
    import contextlib

    from redis.exceptions import ConnectionError as RedisConnectionError

    from pial import cache as pial_cache

    @contextlib.contextmanager
    def down():
        def refuse(self, key=None, *, write=False):
            raise RedisConnectionError("Redis down (test)")

        with monkeypatch.context() as patch:
            patch.setattr(pial_cache._ReusedClient, "get_client", refuse)
            yield

    return down


def test_a_role_removed_during_a_redis_outage_comes_back_with_redis(world, redis_with_fallback, outage):
    """The removal's forget() goes to the fallback while Redis is down; Redis still holds the
    scopes cached before, and serves them again when it is back: the removed coordinator acts
    on pôle B for up to an hour more. Expected: back from an outage, nothing cached before it is
    trusted (or the forgets are replayed)."""
    from pial import access

    user = world.users["coordinator_b"]
    membership = user.memberships.get()
    removed = membership.pk
    access.user_access(user)  # cached in Redis
    with outage():
        membership.delete()
        assert removed not in [s.membership_id for s in access.user_access(user)[0]]  # right meanwhile
    assert removed not in [s.membership_id for s in access.user_access(user)[0]]


def test_a_session_closed_during_a_redis_outage_is_open_again_with_redis(world, redis_with_fallback, outage):
    """Sessions are cached_db: a logout (or an MFA reset closing the sessions) during an outage
    deletes the database row and the fallback's entry; Redis keeps the session, and the stolen or
    abandoned cookie works again when Redis is back."""
    from django.conf import settings

    member = Client()
    member.force_login(world.users["coordinator_a"])
    cookie = member.cookies[settings.SESSION_COOKIE_NAME].value
    assert member.get("/eleves/").status_code == 200
    with outage():
        member.logout()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get("/eleves/").status_code == 302  # to the login page


def test_a_change_made_during_a_redis_outage_shows_once_redis_is_back(world, redis_with_fallback, outage):
    """The dashboard's figures are kept under data versions; a write during the outage renews
    the versions in the fallback only, Redis keeps the old ones with the old figures: back from
    the outage, the page shows the figures of before it (up to an hour here, 26 h for « Ma
    semaine » and the week previews) until another write renews the same versions."""
    import datetime
    from decimal import Decimal

    from eleves.tests.factories import NotificationFactory, StudentFactory

    client = Client()
    client.force_login(world.users["coordinator_a"])
    today = datetime.date.today()

    def notified():
        student = StudentFactory(school=world.schools_a[0])
        NotificationFactory(student=student, start_date=today - datetime.timedelta(days=30),
                            end_date=today + datetime.timedelta(days=200), weekly_hours=Decimal("6"))

    def shown() -> int:
        html = client.get("/missions/").content.decode()
        return int(re.search(r'pial-stat">(\d+)</p><p class="fr-tile__detail">élèves avec une notification', html)[1])

    notified()
    assert shown() == 1
    with outage():
        notified()  # a second pupil notified while Redis is down
        assert shown() == 2
    assert shown() == 2


# --- The rules of pial.cache's epochs --------------------------------------------------------------

def test_another_process_s_failed_write_is_seen_within_the_period(redis_with_fallback, settings):
    """A process whose Redis write failed renewed the Redis epoch in the fallback: the others
    stop reading what Redis held once they re-read it (CACHE_EPOCH_CHECK_SECONDS)."""
    from django.core.cache import cache, caches

    from pial.cache import REDIS_EPOCH

    settings.CACHE_EPOCH_CHECK_SECONDS = 3600
    cache.set("k", "avant", 60)
    caches["fallback"].set(REDIS_EPOCH, "renouvelee-ailleurs", None)  # another process, its write lost
    assert cache.get("k") == "avant"  # within the period: the window
    settings.CACHE_EPOCH_CHECK_SECONDS = 0
    assert cache.get("k") is None


def test_a_failed_read_keeps_what_redis_holds(redis_with_fallback, outage):
    """A read Redis did not answer lost nothing: the cache is not thrown away for it."""
    from django.core.cache import cache

    cache.set("k", "gardé", 60)
    with outage():
        assert cache.get("k") is None  # the fallback never had it
    assert cache.get("k") == "gardé"


def test_the_fallback_s_entries_of_an_earlier_outage_are_not_read_in_the_next(redis_with_fallback, outage):
    """Written to the fallback during one outage, deleted in Redis between two: the next outage
    does not find the old entry (a session closed meanwhile stays closed)."""
    from django.core.cache import cache

    with outage():
        cache.set("session", "ouverte", 600)
        assert cache.get("session") == "ouverte"
    cache.delete("session")  # Redis answers: the fallback does not hear of it
    with outage():
        assert cache.get("session") is None


def test_the_login_limits_count_across_one_outage_in_the_fallback(redis_with_fallback, outage):
    """The epochs do not split an outage: what the fallback counts during it stays counted."""
    from django.core.cache import cache

    with outage():
        cache.set("tentatives", 1, 300)
        for _ in range(4):
            cache.set("tentatives", cache.get("tentatives") + 1, 300)
        assert cache.get("tentatives") == 5


def test_one_redis_round_trip_and_no_fallback_read_between_checks(redis_with_fallback, settings, monkeypatch):
    """The hot path: one Redis command per operation; the epochs are read once per period."""
    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache
    from redis import Redis

    settings.CACHE_EPOCH_CHECK_SECONDS = 3600
    cache.set("k", "v", 60)
    calls = {"redis": 0, "fallback": 0}

    def count(name, original):
        def counted(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        return counted

    monkeypatch.setattr(Redis, "execute_command", count("redis", Redis.execute_command))
    for method in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(LocMemCache, method, count("fallback", getattr(LocMemCache, method)))
    for _ in range(5):
        assert cache.get("k") == "v"
    assert cache.get_many(["k", "autre"]) == {"k": "v"}
    assert calls == {"redis": 6, "fallback": 0}


def test_without_a_fallback_the_keys_are_django_s(redis_url, settings):
    """The embedded default and DEBUG: no epoch, nothing read elsewhere."""
    from django.core.cache.backends.redis import RedisCache

    from pial.cache import ResilientRedisCache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    params = {"KEY_PREFIX": "pial-test-keys"}
    assert ResilientRedisCache(redis_url, params).make_key("k") == RedisCache(redis_url, params).make_key("k")


def test_the_database_fallback_s_epoch_is_renewed_when_the_request_commits(
        db, redis_url, settings, outage, django_capture_on_commit_callbacks):
    """Production's fallback, the database's cache: the renewal waits for the request's commit
    (its row is never locked for a whole request) and draws its token then; the process that
    failed stops reading Redis's old entries at once."""
    import uuid

    from django.core.cache import cache, caches
    from django.core.management import call_command

    from pial.cache import REDIS_EPOCH

    settings.CACHES = {
        "default": {"BACKEND": "pial.cache.ResilientRedisCache", "LOCATION": redis_url,
                    "KEY_PREFIX": f"test-epoch-{uuid.uuid4().hex}",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
        "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pial_cache",
                     "KEY_PREFIX": f"test-epoch-{uuid.uuid4().hex}"},
    }
    call_command("createcachetable", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        cache.get("k")  # the first read of the epochs writes them (drawn at the commit)
    published = caches["fallback"].get(REDIS_EPOCH)
    cache.set("k", "avant", 60)
    assert published is not None and cache.get("k") == "avant"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with outage():
            cache.delete("k")
        assert caches["fallback"].get(REDIS_EPOCH) == published  # not before the commit
        assert cache.get("k") is None  # this process already reads apart
    assert len(callbacks) == 2  # Redis's epoch (the delete lost), the fallback's (Redis back)
    renewed = caches["fallback"].get(REDIS_EPOCH)
    assert renewed not in (published, None)
    assert cache.get("k") is None and cache.make_key("k").startswith(f"{cache.key_prefix}:{renewed}:")
    _disconnect()


def test_a_cache_table_not_made_yet_fails_soft_and_leaves_the_transaction_usable(db, redis_url, settings):
    """The first `migrate` of a production database runs before `createcachetable`: the epochs'
    read finds no table. It is a warning, the cache still answers, and the caller's transaction
    (a migration's, on PostgreSQL) is not aborted by the failed read."""
    import uuid

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction

    settings.CACHES = {
        "default": {"BACKEND": "pial.cache.ResilientRedisCache", "LOCATION": redis_url,
                    "KEY_PREFIX": f"test-notable-{uuid.uuid4().hex}",
                    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
        "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                     "LOCATION": f"pial_cache_absent_{uuid.uuid4().hex[:8]}"},
    }
    with transaction.atomic():
        cache.set("k", "v", 60)
        assert cache.get("k") == "v"
        assert get_user_model().objects.count() >= 0  # the transaction still answers
    _disconnect()
