"""A real worker: Celery against the real Redis, sending through a real SMTP server.

The test starts a worker subprocess on its own queue, sends it a job through
Redis, and waits for the e-mails to reach an SMTP sink (aiosmtpd) on 127.0.0.1.
Skipped with a printed reason when no Redis answers; CI makes sure one does.
"""

import asyncio
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.db import connection

from aesh.tests.factories import AeshFactory, TrainingFactory
from pial.models import Reminder, ReminderState

ROOT = Path(__file__).resolve().parents[2]


class Sink:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class StallingSink(Sink):
    """Holds the first message without answering, as a slow SMTP server would, until told to go on."""

    def __init__(self):
        super().__init__()
        self.stalled = False

    async def handle_DATA(self, server, session, envelope):
        if not self.stalled:
            self.stalled = True
            await asyncio.sleep(20)
            return "451 Trop tard"  # the worker was killed before this: nothing was accepted
        return await super().handle_DATA(server, session, envelope)


def start_worker(env: dict, queue: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pial", "worker", "--pool=solo", "--loglevel=warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{name}@127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    worker.stdout.close()


@contextmanager
def handled_to_the_end(redis_url: str, queue: str, timeout: float = 90):
    """Waits, after the block has sent its messages to `queue`, until each was worked on to its end:
    none left in the queue's list, none in kombu's `unacked` hash (acks late: a message stays there
    until its task returns) but those already there before the block (a killed worker's, which
    Redis hands back only after the visibility timeout). Seen idle twice in a row, 0.2 s apart: a
    message just popped may not be in the hash yet."""
    import redis

    broker = redis.Redis.from_url(redis_url)

    def working() -> set[bytes]:
        return {tag for tag, value in broker.hgetall("unacked").items() if queue.encode() in value}

    stale = working()
    try:
        yield
        deadline = time.monotonic() + timeout
        idle = 0
        while time.monotonic() < deadline:
            idle = 0 if broker.llen(queue) or working() - stale else idle + 1
            if idle == 2:
                return
            time.sleep(0.2)
        raise AssertionError(f"la file {queue} n'a pas été traitée en {timeout} s")
    finally:
        broker.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_reminders_through_redis_to_smtp(redis_url, world):
    today = datetime.date.today()
    recruit = AeshFactory(home_pole=world.pole_a, email="recrue@ac-test.fr",
                          training_due_date=today + datetime.timedelta(days=20))
    TrainingFactory(aesh=recruit, hours=Decimal("12"))

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "CELERY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "DEBUG": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pial", "worker", "--pool=solo", "--loglevel=warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        client = Celery("pial-test", broker=redis_url, set_as_current=False)
        client.send_task("pial.periodic.run_job", args=["training_due"], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(sink.messages) < 2:
            assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
            time.sleep(0.5)
        recipients = sorted(r for rcpts, _ in sink.messages for r in rcpts)
        assert recipients == ["coordinator_a@ac-test.fr", "recrue@ac-test.fr"], recipients
        content = b"".join(c for _, c in sink.messages)
        assert b"List-Id:" in content
        # The worker marked them sent; a second job run sends nothing more.
        with handled_to_the_end(redis_url, queue):  # the job ran to its end: its silence is its answer
            client.send_task("pial.periodic.run_job", args=["training_due"], queue=queue)
        assert len(sink.messages) == 2
        assert Reminder.objects.filter(state=ReminderState.SENT).count() == 2
        client.close()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        controller.stop()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_loses_nothing_and_sends_nothing_twice(redis_url, world):
    """SIGKILL while the worker waits on the SMTP server: the reminder stays pending, the
    sweep hands it to a new worker, and each person gets the message once."""
    today = datetime.date.today()
    recruit = AeshFactory(home_pole=world.pole_a, email="recrue@ac-test.fr",
                          training_due_date=today + datetime.timedelta(days=20))
    TrainingFactory(aesh=recruit, hours=Decimal("12"))
    sink = StallingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "CELERY_QUEUE": queue,
           "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "DEBUG": "1"}
    client = Celery("pial-test", broker=redis_url, set_as_current=False)
    first = start_worker(env, queue, f"{queue}-a")
    second = None
    try:
        client.send_task("pial.periodic.run_job", args=["training_due"], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not sink.stalled:
            assert first.poll() is None, first.stdout.read().decode()[-3000:]
            time.sleep(0.2)
        assert sink.stalled, "le worker n'a jamais atteint le serveur SMTP"
        first.send_signal(signal.SIGKILL)  # mid-job: the SMTP server has not accepted anything
        first.wait(timeout=10)
        assert sink.messages == []
        assert Reminder.objects.filter(state=ReminderState.PENDING).count() == 2

        second = start_worker(env, queue, f"{queue}-b")
        client.send_task("pial.periodic.sweep_reminders", queue=queue)  # what beat does every 15 minutes
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(sink.messages) < 2:
            assert second.poll() is None, second.stdout.read().decode()[-3000:]
            time.sleep(0.5)
        with handled_to_the_end(redis_url, queue):  # a second sweep sends nothing more
            client.send_task("pial.periodic.sweep_reminders", queue=queue)
        recipients = sorted(r for rcpts, _ in sink.messages for r in rcpts)
        assert recipients == ["coordinator_a@ac-test.fr", "recrue@ac-test.fr"], recipients
        assert Reminder.objects.filter(state=ReminderState.SENT).count() == 2
    finally:
        client.close()
        if first.poll() is None:
            first.kill()
        first.wait()
        first.stdout.close()
        if second is not None:
            stop(second)
        controller.stop()
