"""Periodic job of missions: the automatic switch onto the next school year on its rentrée date."""

from celery import shared_task
from django.utils import timezone

from missions.switch import auto_switch


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=2400)
def rentree_auto_switch() -> dict[int, str]:
    """Daily; does nothing unless PIAL_RENTREE_AUTO_SWITCH is on. Idempotent (see `auto_switch`)."""
    return auto_switch(timezone.localdate())
