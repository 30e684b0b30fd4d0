"""Nightly job of the toolbox: open the path of every AESH who just joined a pôle."""

from celery import shared_task
from django.utils import timezone

from referents import services


@shared_task(acks_late=True)
def open_newcomer_paths() -> int:
    """Idempotent: an AESH has one path at most (unique), opened once."""
    return len(services.paths_open(today=timezone.localdate()))
