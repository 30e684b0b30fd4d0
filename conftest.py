"""Shared test fixtures: factories, logged-in clients per role, real-service guards."""

import copy
import os
import socket
import uuid

import pytest

from pial.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("PIAL_REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Tests run tasks inline, even with REDIS_URL set; a worker test opts out."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PLANNER_EMBEDDED_RUN = "inline"  # a journey of the embedded run opts out ("thread")
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _planner_by_rounds(settings):
    """Fewer balancing rounds in the tests (quicker); runs are bounded by steps, never the clock."""
    settings.PIAL = {**settings.PIAL, "PLANNER_MAX_ROUNDS": 500}


@pytest.fixture(autouse=True)
def _cache_per_test(settings):
    """Each test its own cache key prefix: parallel test processes share one Redis database."""
    caches = copy.deepcopy(settings.CACHES)
    for alias in caches.values():
        alias["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _session_refresh_pinned(settings):
    """No idle-expiry refresh falls inside a test by the clock (query counts stay exact); the
    refresh's own test sets its period."""
    settings.SESSION_REFRESH_SECONDS = 10**10


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _plain_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    """Tests see the production rule: MFA mandatory for roles that see student data."""
    settings.MFA_REQUIRED = True


def skip_or_fail(reason: str):
    """Skips with a printed reason, or fails when CI said the services must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PIAL_REQUIRE_SERVICES=1 : le service doit répondre)")
    pytest.skip(reason)


def redis_answers(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    if not redis_answers(url):
        skip_or_fail(f"Aucun Redis ne répond à {url}")
    return url


@pytest.fixture
def postgres_db(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail(f"Test réservé à PostgreSQL (base actuelle : {connection.vendor})")


def _cost_rank(item) -> int:
    """Longest families first: the browser journeys, then the whole-site sweeps, then the rest."""
    if item.get_closest_marker("browser"):
        return 0
    if item.get_closest_marker("sweep"):
        return 1
    return 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Long tests start first, so that with `--dist worksteal` the two processes end together
    instead of one finishing the journeys alone while the other waits (the order within a family
    and a module is kept: module-scoped fixtures are built once per module and process)."""
    items.sort(key=_cost_rank)


pytest_plugins = ["pial.tests.fixtures", "pial.tests.strictness"]
