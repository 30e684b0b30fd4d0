"""Celery tasks of the planner: leaves that do the work (planner.runs), enqueued by planner.services."""

from celery import shared_task

from planner.runs import end_stale, run_execute


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def planner_run(run_id: int) -> None:
    """One planner run (progress and cancellation through its row)."""
    run_execute(run_id)


@shared_task(acks_late=True)
def sweep_stale_runs() -> int:
    """Runs silent for too long, in every pôle, end as interrupted (settings.CELERY_BEAT_SCHEDULE)."""
    return end_stale(pole_id=None)
