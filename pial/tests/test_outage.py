"""Redis down: pages keep answering, work waits in the database, the sweep sends it when Redis is back."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from pial.cache import ResilientRedisCache
from pial.celery import app as celery_app
from pial.models import Reminder, ReminderState
from pial.periodic import sweep_reminders
from pial.queue import enqueue
from pial.tasks import send_reminder

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # a closed port: connection refused at once


def _reset_pools():
    """New connections for the broker URL in force (Celery keeps a pool of the old ones)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = NOBODY_LISTENS
    _reset_pools()
    yield
    celery_app.conf.broker_url = previous
    _reset_pools()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "pial.cache.ResilientRedisCache", "LOCATION": NOBODY_LISTENS,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    caches["default"].close()


def test_cache_outage_is_a_miss_not_an_error(caplog):
    cache = ResilientRedisCache(NOBODY_LISTENS, {})
    assert cache.get("k", "défaut") == "défaut"
    cache.set("k", 1)
    assert cache.add("k", 1) is False and cache.get_many(["k"]) == {} and cache.incr("n") == 1
    assert "Cache Redis injoignable" in caplog.text


def test_one_redis_client_serves_every_operation(redis_url):
    """Django builds a redis.Redis per operation; ours keeps one per connection pool, and it still
    answers after the server closed its connections (the pool reconnects)."""
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": "pial-test-reused-client"})
    cache.set("k", "v", 30)
    first = cache._cache.get_client(None)
    assert cache.get("k") == "v" and cache._cache.get_client(None, write=True) is first
    first.client_kill_filter(_id=first.client_id())  # the server drops this connection
    assert cache.get("k") == "v"
    cache.delete("k")
    for pool in cache._cache._pools.values():  # closed now, not collected open later
        pool.disconnect()


@pytest.mark.django_db
def test_pages_answer_with_redis_down(client_as, cache_down, world):
    client = client_as("coordinator_a")  # the session lives in the database as well
    assert client.get(reverse("aesh:list")).status_code == 200
    assert client.get(reverse("missions:dashboard")).status_code == 200


@pytest.mark.django_db
def test_enqueue_with_broker_down_warns_and_returns(broker_down, caplog):
    caplog.set_level(logging.WARNING)
    assert enqueue(send_reminder, 12345) is False
    assert "File de tâches injoignable : pial.tasks.send_reminder(12345)" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_redis_is_down_is_notified_once_it_is_back(client_as, world, broker_down):
    from aesh.tests.factories import AeshFactory, ContractFactory

    aesh = AeshFactory(home_pole=world.pole_a, email="aesh_a@ac-test.fr")
    ContractFactory(aesh=aesh, start_date=datetime.date.today() - datetime.timedelta(days=30),
                    end_date=datetime.date.today() + datetime.timedelta(days=300))
    response = client_as("coordinator_a").post(reverse("missions:slot_create", args=[aesh.pk]), {
        "weekday": 0, "start_time": "08:30", "end_time": "11:30", "school": world.schools_a[0].pk,
        "kind": "TRAVEL", "week": "", "valid_from": datetime.date.today().isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = Reminder.objects.filter(job="timetable_change", state=ReminderState.PENDING)
    assert sorted(pending.values_list("recipient", flat=True)) == ["aesh_a@ac-test.fr", "pilot_a@ac-test.fr"]
    assert mail.outbox == []
    # Redis is back: the periodic sweep enqueues what waited; each notice leaves once.
    celery_app.conf.task_always_eager = True
    sweep_reminders()
    sweep_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == ["aesh_a@ac-test.fr", "pilot_a@ac-test.fr"]
    assert not Reminder.objects.filter(state=ReminderState.PENDING).exists()
