"""Reminder jobs: who gets what at each threshold, exactly once, without health data."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command

from aesh.tests.factories import AeshFactory, ContractFactory, TrainingFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind
from pial.models import Reminder, ReminderState
from pial.reminders import run
from pial.tasks import send_reminder

d = datetime.date


def sent_to(job: str) -> list[tuple[str, str]]:
    return sorted((r.recipient, r.threshold) for r in Reminder.objects.filter(job=job, state=ReminderState.SENT))


@pytest.fixture
def recruit(world):
    aesh = AeshFactory(home_pole=world.pole_a, email="recrue@ac-test.fr", training_due_date=d(2026, 8, 31))
    TrainingFactory(aesh=aesh, hours=Decimal("27"))
    return aesh


@pytest.mark.parametrize(
    ("today", "threshold"),
    [(d(2026, 6, 2), "90"), (d(2026, 8, 1), "30"), (d(2026, 8, 24), "7"), (d(2026, 8, 31), "7")],
)
def test_training_reminder_at_each_threshold(recruit, django_capture_on_commit_callbacks, today, threshold):
    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", today, wet_run=True)
    assert sent_to("training_due") == [("coordinator_a@ac-test.fr", threshold), ("recrue@ac-test.fr", threshold)]
    body = next(m.body for m in mail.outbox if m.to == ["recrue@ac-test.fr"])
    assert "Il vous reste 33 h" in body and "31/08/2026" in body


@pytest.mark.parametrize("today", [d(2026, 5, 1), d(2026, 9, 1)])
def test_no_training_reminder_outside_the_window(recruit, django_capture_on_commit_callbacks, today):
    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", today, wet_run=True)
    assert not Reminder.objects.exists() and not mail.outbox


def test_training_complete_means_no_reminder(recruit, django_capture_on_commit_callbacks):
    TrainingFactory(aesh=recruit, hours=Decimal("33"))
    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", d(2026, 8, 24), wet_run=True)
    assert not mail.outbox


def test_job_run_twice_sends_once(recruit, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run("training_due", d(2026, 8, 1), wet_run=True)
    assert len(mail.outbox) == 2  # one to the AESH, one to the coordinator
    assert Reminder.objects.count() == 2


def test_failed_send_is_retried_and_sent_once(recruit, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("serveur SMTP injoignable")
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
            run("training_due", d(2026, 8, 1), wet_run=True)
        failed = Reminder.objects.get(attempts=1, state=ReminderState.PENDING)
        assert "injoignable" in failed.last_error
        # The worker retries later: every pending reminder goes out, each once.
        for pk in Reminder.objects.filter(state=ReminderState.PENDING).values_list("pk", flat=True):
            send_reminder.apply(args=[pk])
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 2
    assert sorted(Reminder.objects.values_list("attempts", flat=True)) == [1, 2]


def test_pending_reminder_is_sent_by_the_next_run(recruit, django_capture_on_commit_callbacks):
    """A worker died before sending: the reminder stays pending and the next run sends it."""
    with mock.patch("pial.tasks.send_reminder.apply_async"), django_capture_on_commit_callbacks(execute=True):
        run("training_due", d(2026, 8, 1), wet_run=True)
    assert Reminder.objects.filter(state=ReminderState.PENDING).count() == 2 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", d(2026, 8, 2), wet_run=True)
    assert len(mail.outbox) == 2 and not Reminder.objects.filter(state=ReminderState.PENDING).exists()


def test_sent_reminder_is_never_sent_again(recruit, django_capture_on_commit_callbacks):
    from pial.delivery import deliver

    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", d(2026, 8, 1), wet_run=True)
    reminder = Reminder.objects.first()
    assert deliver(reminder.pk) is False
    assert len(mail.outbox) == 2


@pytest.fixture
def ending_cdd(world):
    aesh = AeshFactory(home_pole=world.pole_a)
    return ContractFactory(aesh=aesh, start_date=d(2023, 9, 1), end_date=d(2026, 8, 31))


@pytest.mark.parametrize(("today", "expected"), [(d(2026, 5, 30), 0), (d(2026, 5, 31), 2), (d(2026, 7, 15), 2)])
def test_contract_renewal_notice(ending_cdd, django_capture_on_commit_callbacks, today, expected):
    # Three years of service: the renewal is a CDI, so the notice is due 3 months ahead (31/05).
    with django_capture_on_commit_callbacks(execute=True):
        run("contract_renewal", today, wet_run=True)
    assert len(mail.outbox) == expected
    if expected:
        assert {m.to[0] for m in mail.outbox} == {"gestionnaire@ac-test.fr", "coordinator_a@ac-test.fr"}
        assert "ne peut être qu'un CDI" in mail.outbox[0].body


def test_renewed_contract_gets_no_notice(ending_cdd, django_capture_on_commit_callbacks):
    ContractFactory(aesh=ending_cdd.aesh, kind="CDI", start_date=d(2026, 9, 1), end_date=None)
    with django_capture_on_commit_callbacks(execute=True):
        run("contract_renewal", d(2026, 7, 1), wet_run=True)
        run("contract_ended", d(2026, 9, 10), wet_run=True)
    assert not mail.outbox


def test_contract_ended_without_renewal(ending_cdd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("contract_ended", d(2026, 9, 10), wet_run=True)
    assert {m.to[0] for m in mail.outbox} == {"gestionnaire@ac-test.fr", "coordinator_a@ac-test.fr"}
    assert "sans renouvellement" in mail.outbox[0].subject


@pytest.fixture
def notified(world):
    student = StudentFactory(school=world.schools_a[0], last_name="Secret", referent=world.users["referent_a"])
    return NotificationFactory(student=student, start_date=d(2024, 9, 1), end_date=d(2026, 12, 31),
                               weekly_hours=Decimal("12.5"), activities=["HYGIENE", "MEALS"])


@pytest.mark.parametrize(("today", "threshold"), [(d(2026, 10, 2), "90"), (d(2026, 12, 1), "30")])
def test_notification_ending_reminders(notified, django_capture_on_commit_callbacks, today, threshold):
    with django_capture_on_commit_callbacks(execute=True):
        run("notification_ending", today, wet_run=True)
    assert sent_to("notification_ending") == [("coordinator_a@ac-test.fr", threshold),
                                              ("referent_a@ac-test.fr", threshold)]


def test_no_email_body_carries_health_data(notified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("notification_ending", d(2026, 12, 1), wet_run=True)
    assert mail.outbox
    for message in mail.outbox:
        html = message.alternatives[0][0]
        for content in (message.subject, message.body, html):
            assert "Secret" not in content and "SECRET" not in content
            assert "12,5" not in content and "12.5" not in content
            assert "hygiène" not in content.lower() and "repas" not in content.lower()
        assert "une notification arrive à échéance pour un élève de l'école" in message.subject.lower()
        assert message.extra_headers["List-Id"]


def test_ended_notification_still_assigned(world, django_capture_on_commit_callbacks):
    student = StudentFactory(school=world.schools_a[0])
    NotificationFactory(student=student, start_date=d(2024, 9, 1), end_date=d(2026, 10, 31))
    Assignment.objects.create(aesh=AeshFactory(home_pole=world.pole_a), student=student,
                              kind=AssignmentKind.INDIVIDUELLE, start_date=d(2025, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run("notification_ended_assigned", d(2026, 11, 22), wet_run=True)
    assert sent_to("notification_ended_assigned") == [("coordinator_a@ac-test.fr", "ended")]


def test_weekly_digest_is_one_email_per_coordinator_with_changes(world, recruit, django_capture_on_commit_callbacks):
    waiting = StudentFactory(school=world.schools_a[0])
    NotificationFactory(student=waiting, start_date=d(2025, 9, 1), end_date=d(2027, 8, 31))
    with django_capture_on_commit_callbacks(execute=True):
        run("weekly_digest", d(2026, 11, 16), wet_run=True)
    digest = next(m for m in mail.outbox if m.to == ["coordinator_a@ac-test.fr"])
    assert len([m for m in mail.outbox if m.to == ["coordinator_a@ac-test.fr"]]) == 1
    assert "1 élève(s) notifié(s) attendent" in digest.body
    assert "DURAND" not in digest.body or "h suivies" in digest.body  # AESH names only in the late-training list
    assert "h suivies" in digest.body  # the recruit is late on the 60 hours on 16/11/2026
    mail.outbox.clear()
    Assignment.objects.create(aesh=recruit, student=waiting, kind=AssignmentKind.INDIVIDUELLE,
                              start_date=d(2026, 11, 17))
    with django_capture_on_commit_callbacks(execute=True):
        run("weekly_digest", d(2026, 11, 23), wet_run=True)
    digest = next(m for m in mail.outbox if m.to == ["coordinator_a@ac-test.fr"])
    assert "0 élève(s) notifié(s) attendent un·e AESH (0 de plus et 1 de moins" in digest.body


def test_command_is_dry_run_unless_wet_run(recruit, capsys, django_capture_on_commit_callbacks):
    call_command("run_job", "training_due", "--date", "2026-08-01")
    assert "Simulation : 2 rappel(s)" in capsys.readouterr().out
    assert not Reminder.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "training_due", "--date", "2026-08-01", "--wet-run")
    assert len(mail.outbox) == 2


def test_beat_schedule_declares_every_job():
    from django.conf import settings

    from pial.reminders import JOBS

    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry.get("args")}
    assert scheduled == set(JOBS)


@time_machine.travel(datetime.datetime(2026, 8, 1, 8, tzinfo=datetime.UTC))
def test_run_job_task_uses_today(recruit, django_capture_on_commit_callbacks):
    from pial.periodic import run_job

    with django_capture_on_commit_callbacks(execute=True):
        assert run_job.delay("training_due").get() == 2
    assert len(mail.outbox) == 2


def test_reminders_admin_page_lists_what_was_sent(client_as, recruit, django_capture_on_commit_callbacks):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        run("training_due", d(2026, 8, 1), wet_run=True)
    html = client_as("admin").get(reverse("admin:pial_reminder_changelist")).content.decode()
    assert "recrue@ac-test.fr" in html and "coordinator_a@ac-test.fr" in html
    # A coordinator sees the reminders they received, not the AESH's.
    html = client_as("coordinator_a").get(reverse("admin:pial_reminder_changelist")).content.decode()
    assert "coordinator_a@ac-test.fr" in html and "recrue@ac-test.fr" not in html
