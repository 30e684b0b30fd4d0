"""Celery tasks of the territory app, leaves that do the work: invitation e-mails, one reminder,
the check and the save of a large spreadsheet import (pial.import_jobs).

The periodic jobs' entry points, which schedule reminders and so enqueue these tasks, are in
pial.periodic."""

import smtplib

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from celery import shared_task
from django.conf import settings
from django.urls import reverse

from pial import import_jobs
from pial.delivery import deliver, record_failure
from pial.emails import build_email
from pial.models import Membership


def set_password_url(user) -> str:
    """Absolute link where an invited user chooses their password (allauth's reset key)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_invitation_email(self, membership_id: int) -> None:
    membership = (
        Membership.objects.select_related("user", "pole", "circonscription", "departement")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return
    user = membership.user
    context = {
        "user": user,
        "membership": membership,
        "new_account": not user.has_usable_password(),
        "set_password_url": set_password_url(user) if not user.has_usable_password() else "",
    }
    message = build_email(template="invitation", to=[user.email], context=context)
    try:
        message.send()
    except OSError as exc:  # SMTP down: retry later, the membership is saved.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=8, soft_time_limit=60, time_limit=90)
def send_reminder(self, reminder_id: int) -> bool:
    """Sends one reminder; SMTP failures are retried with backoff, then marked failed."""
    try:
        return deliver(reminder_id)
    except (OSError, smtplib.SMTPException) as exc:
        final = self.request.retries >= self.max_retries
        record_failure(reminder_id, exc, final)
        if final:
            return False
        raise self.retry(exc=exc, countdown=min(60 * 2 ** self.request.retries, 3600)) from exc


# A spreadsheet import's check and save: 20 000 rows take well under a minute; the limit
# only stops a run gone wrong (its transaction is then rolled back: nothing is saved).
@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_check(import_id: int) -> None:
    import_jobs.check(import_id)


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_save(import_id: int) -> None:
    import_jobs.save(import_id)
