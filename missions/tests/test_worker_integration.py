"""A real worker: Celery against the real Redis, sending through a real SMTP server.

The test starts a worker subprocess on its own queue, sends it a job through
Redis, and waits for the e-mails to reach an SMTP sink (aiosmtpd) on 127.0.0.1.
Skipped with a printed reason when no Redis answers; CI makes sure one does.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import uuid
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
        client = Celery("pial-test", broker=redis_url)
        client.send_task("pial.tasks.run_job", args=["training_due"], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(sink.messages) < 2:
            assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
            time.sleep(0.5)
        recipients = sorted(r for rcpts, _ in sink.messages for r in rcpts)
        assert recipients == ["coordinator_a@ac-test.fr", "recrue@ac-test.fr"], recipients
        content = b"".join(c for _, c in sink.messages)
        assert b"List-Id:" in content
        # The worker marked them sent; a second job run sends nothing more.
        client.send_task("pial.tasks.run_job", args=["training_due"], queue=queue)
        time.sleep(3)
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
