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
