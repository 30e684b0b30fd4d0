"""Nightly job of the reports: this week's figures, school by school, and their protection."""

import datetime

from celery import shared_task
from django.utils import timezone

from pial.scope import Scope
from reports import report, snapshots


@shared_task(acks_late=True)
def store_weekly_figures(day: str | None = None) -> int:
    """Idempotent: the week's row of each school is replaced by tonight's figures; then every
    unit of the country is protected for those figures (reports.tree), so that the first
    reader of the morning, and the weekly series later, find their decisions in the cache."""
    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    stored = snapshots.store(on)
    report.read_tree(Scope.national(), on)
    return stored
