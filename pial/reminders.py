"""Reminders sent exactly once: the infrastructure every job uses.

A job computes Drafts (who gets what, keyed by job, object, threshold and
period). schedule() stores each new draft as a Reminder row — the unique key
makes a second run, or a second beat process, create nothing — then asks the
workers, after commit, to send every pending reminder. The task send_reminder
(pial.tasks, its work in pial.delivery) locks the row, sends, and marks it sent
in one transaction, so a reminder is never marked sent unless the mail server
accepted it, and a pending one is picked up again by the next run or by the
periodic sweep (pial.periodic).

One window remains, as in any mail system: a worker killed after the SMTP
server accepted the message but before the commit. The message then carries a
stable Message-ID, so mail clients show the copy once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from pial.emails import build_email
from pial.models import Reminder, ReminderState
from pial.queue import enqueue
from pial.tasks import send_reminder


@dataclass(frozen=True)
class Draft:
    job: str
    target: str
    threshold: str
    period: str
    recipient: str
    template: str
    context: dict = field(default_factory=dict, hash=False, compare=False)
    payload: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.job, self.target, self.threshold, self.period, self.recipient)


JobFunction = Callable[["object"], list[Draft]]
JOBS: dict[str, tuple[str, JobFunction]] = {}


def register_job(name: str, label: str, function: JobFunction) -> None:
    """Apps register their jobs from AppConfig.ready(); beat and run_job find them here."""
    JOBS[name] = (label, function)


def new_drafts(drafts: Iterable[Draft]) -> list[Draft]:
    """The drafts whose reminder does not exist yet (what a dry run lists)."""
    drafts = list(drafts)
    existing = {
        tuple(values) for values in Reminder.objects.filter(
            job__in={d.job for d in drafts}, target__in={d.target for d in drafts},
        ).values_list("job", "target", "threshold", "period", "recipient")
    }
    return [d for d in drafts if d.key not in existing]


def schedule(drafts: Iterable[Draft], *, enqueue_created: bool = True) -> list[Reminder]:
    """Stores the new drafts as pending reminders and enqueues their sending after commit.

    Only the reminders created here: a page that schedules a notice does no work in
    proportion to an older backlog (job runs and the sweep take that, enqueue_pending)."""
    created = []
    for draft in new_drafts(drafts):
        message = build_email(template=draft.template, to=[draft.recipient], context=draft.context)
        html = next((content for content, mime in message.alternatives if mime == "text/html"), "")
        with transaction.atomic():
            reminder, was_created = Reminder.objects.get_or_create(
                job=draft.job, target=draft.target, threshold=draft.threshold, period=draft.period,
                recipient=draft.recipient,
                defaults={"subject": message.subject[:200], "body": message.body, "html": html,
                          "payload": draft.payload},
            )
        if was_created:
            created.append(reminder)
    if enqueue_created:
        _enqueue_after_commit([reminder.pk for reminder in created])
    return created


def schedule_many(drafts: Iterable[Draft]) -> list[Reminder]:
    """schedule() in three statements whatever the number of drafts (a whole proposal's
    notices): the new drafts inserted at once, a key another process stored meanwhile skipped
    by the unique key; every pending reminder of these keys is enqueued after commit."""
    fresh = new_drafts(drafts)
    if not fresh:
        return []
    rows = []
    for draft in fresh:
        message = build_email(template=draft.template, to=[draft.recipient], context=draft.context)
        html = next((content for content, mime in message.alternatives if mime == "text/html"), "")
        rows.append(Reminder(job=draft.job, target=draft.target, threshold=draft.threshold, period=draft.period,
                             recipient=draft.recipient, subject=message.subject[:200], body=message.body, html=html,
                             payload=draft.payload))
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    keys = {d.key for d in fresh}
    created = [r for r in Reminder.objects.filter(job__in={d.job for d in fresh}, target__in={d.target for d in fresh},
                                                  state=ReminderState.PENDING).order_by("pk")
               if (r.job, r.target, r.threshold, r.period, r.recipient) in keys]
    _enqueue_after_commit([reminder.pk for reminder in created])
    return created


def enqueue_pending() -> int:
    """Asks the workers to send every pending reminder (after the current transaction)."""
    ids = list(Reminder.objects.filter(state=ReminderState.PENDING).values_list("pk", flat=True))
    _enqueue_after_commit(ids)
    return len(ids)


def _enqueue_after_commit(ids: list[int]) -> None:
    def send_all():
        for pk in ids:
            if not enqueue(send_reminder, pk):
                return  # the broker is down: the sweep enqueues them when it is back

    if ids:
        transaction.on_commit(send_all)


def run(name: str, today, *, wet_run: bool) -> tuple[list[Draft], list[Reminder]]:
    """Runs a job: the drafts it computes, and (wet run) the reminders created."""
    _label, function = JOBS[name]
    drafts = function(today)
    if not wet_run:
        return new_drafts(drafts), []
    created = schedule(drafts, enqueue_created=False)
    enqueue_pending()  # the new ones and whatever an earlier run left pending (a worker died, Redis was down)
    return drafts, created
