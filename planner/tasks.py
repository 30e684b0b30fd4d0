"""Celery tasks of the planner: leaves that do the work (planner.runs), enqueued by planner.services."""

from celery import shared_task

from planner.runs import run_execute


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def planner_run(run_id: int) -> None:
    """One planner run (progress and cancellation through its row)."""
    run_execute(run_id)
