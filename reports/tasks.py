"""Nightly job of the reports: this week's figures, school by school."""

import datetime

from celery import shared_task
from django.utils import timezone

from reports import snapshots


@shared_task(acks_late=True)
def store_weekly_figures(day: str | None = None) -> int:
    """Idempotent: the week's row of each school is replaced by tonight's figures."""
    return snapshots.store(datetime.date.fromisoformat(day) if day else timezone.localdate())
