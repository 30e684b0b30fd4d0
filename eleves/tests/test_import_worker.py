"""A large import through the real job infrastructure: a Celery worker (another process) takes
the check and the save from Redis, reads the staged rows from the shared storage, and saves
everything in one transaction. Skipped with a printed reason when no Redis answers."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from eleves.models import Student
from eleves.tests.needs_file import needs_csv, needs_rows
from pial.models import ImportState, SpreadsheetImport

ROOT = Path(__file__).resolve().parents[2]
MAPPING = {"col_0": "full_name", "col_1": "birth_date", "col_3": "school", "col_4": "level", "col_5": "aid_kind",
           "col_6": "weekly_hours", "col_7": "start_date", "col_8": "end_date"}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
            f"{db['NAME']}")


def _wait_for(job_id: int, state: str, worker: subprocess.Popen, seconds: float = 90) -> SpreadsheetImport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
        job = SpreadsheetImport.objects.get(pk=job_id)
        if job.state == state:
            return job
        time.sleep(0.3)
    raise AssertionError(f"l'import est resté {SpreadsheetImport.objects.get(pk=job_id).state}")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_checks_and_saves_a_large_import(redis_url, world, client_as, settings, tmp_path, monkeypatch):
    settings.STORAGES = {**settings.STORAGES, "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "imports")}}}
    settings.PIAL = {**settings.PIAL, "IMPORT_BACKGROUND_ROWS": 10}
    queue = f"test-imports-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_url, "CELERY_QUEUE": queue,
           "PRIVATE_MEDIA_ROOT": str(tmp_path), "DEBUG": "1"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pial", "worker", "--pool=solo", "--loglevel=warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    broker = Celery("pial-test", broker=redis_url, set_as_current=False)
    sent = []

    def enqueue(task, *args):  # what pial.queue.enqueue does, on this test's own queue (tests run tasks inline)
        sent.append(task.name)
        broker.send_task(task.name, args=args, queue=queue)
        return True

    monkeypatch.setattr("pial.import_flow.enqueue", enqueue)
    try:
        client = client_as("coordinator_a")
        response = client.post(reverse("eleves:import"), {
            "file": SimpleUploadedFile("besoins.csv", needs_csv(needs_rows(world.schools_a, 40))),
            "pole": world.pole_a.pk})
        job = SpreadsheetImport.objects.get()
        assert response["Location"].endswith(f"/{job.token}/colonnes/")
        client.post(reverse("eleves:import_mapping", args=[job.token]), MAPPING)
        assert sent == ["pial.tasks.import_check"]
        checked = _wait_for(job.pk, ImportState.READY, worker)
        assert [row[2] for row in checked.preview["rows"]] == ["nouveau"] * 40 and not Student.objects.exists()
        client.post(reverse("eleves:import_preview", args=[job.token]))
        assert sent == ["pial.tasks.import_check", "pial.tasks.import_save"]
        saved = _wait_for(job.pk, ImportState.SAVED, worker)
        assert saved.preview["summary"] == "40 créé(s), 0 mis à jour, 0 inchangé(s)"
        assert Student.objects.filter(school__pole=world.pole_a).count() == 40
        assert not (tmp_path / "imports" / f"{job.token}.json.gz").exists()  # staged rows gone once saved
    finally:
        broker.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()
