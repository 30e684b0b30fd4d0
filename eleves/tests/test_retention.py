"""Retention: the dry run deletes nothing; the wet run deletes exactly what the dry run listed."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from eleves.enums import JournalAction
from eleves.models import AccessLog, Notification, PpsDocument, Student
from eleves.services import document_add
from eleves.tests.factories import NotificationFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(world):
    keep_active = StudentFactory(last_name="Actif")
    keep_recent = StudentFactory(last_name="Recent", left_on=datetime.date(2025, 7, 4))   # kept until 31/12/2026
    old = StudentFactory(last_name="Ancien", left_on=datetime.date(2024, 7, 5))           # deadline 31/12/2025
    NotificationFactory(student=old)
    document = document_add(student=old, kind="PPS", upload=SimpleUploadedFile(
        "pps.pdf", b"%PDF-1.4", content_type="application/pdf"), user=None)
    with time_machine.travel(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)):
        AccessLog.objects.create(user_email="x@ac-test.fr", action=JournalAction.READ, student=old)
    AccessLog.objects.create(user_email="y@ac-test.fr", action=JournalAction.READ, student=keep_recent)
    return {"active": keep_active, "recent": keep_recent, "old": old, "document": document}


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC))
def test_dry_run_then_wet_run(scenario, capsys, django_capture_on_commit_callbacks):
    path = scenario["document"].file.path
    call_command("purge_students")
    out = capsys.readouterr().out
    assert f"élève n° {scenario['old'].pk}" in out and "1 élève(s) et 1 entrée(s)" in out
    assert "rien n'a été supprimé" in out
    assert Student.objects.count() == 3 and AccessLog.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_students", "--wet-run")
    assert set(Student.objects.values_list("last_name", flat=True)) == {"Actif", "Recent"}
    assert not Notification.objects.exists() and not PpsDocument.objects.exists()
    assert list(AccessLog.objects.values_list("user_email", flat=True)) == ["y@ac-test.fr"]
    import os

    assert not os.path.exists(path)
    assert timezone.now().year == 2026
