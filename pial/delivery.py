"""Sending one reminder: the work of the task pial.tasks.send_reminder.

The row is locked, the message sent and the row marked sent in one transaction, so a
reminder is never marked sent unless the mail server accepted it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pial.emails import LIST_ID
from pial.models import Reminder, ReminderState


def deliver(reminder_id: int) -> bool:
    """Sends one pending reminder under a row lock; True if this call sent it."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(pk=reminder_id, state=ReminderState.PENDING).first()
        )
        if reminder is None:
            return False  # already sent, or another worker is sending it right now
        message = EmailMultiAlternatives(
            subject=reminder.subject, body=reminder.body, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[reminder.recipient],
            headers={"List-Id": LIST_ID, "Auto-Submitted": "auto-generated",
                     "Message-ID": f"<reminder-{reminder.pk}-{reminder.created_at:%Y%m%d%H%M%S}@pial.invalid>"},
        )
        if reminder.html:
            message.attach_alternative(reminder.html, "text/html")
        message.send()
        reminder.state = ReminderState.SENT
        reminder.sent_at = timezone.now()
        reminder.attempts += 1
        reminder.save(update_fields=["state", "sent_at", "attempts"])
    return True


def record_failure(reminder_id: int, error: Exception, final: bool) -> None:
    Reminder.objects.filter(pk=reminder_id, state=ReminderState.PENDING).update(
        attempts=F("attempts") + 1, last_error=str(error)[:300],
        **({"state": ReminderState.FAILED} if final else {}),
    )
