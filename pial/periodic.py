"""Entry points of the periodic jobs (settings.CELERY_BEAT_SCHEDULE): compute and schedule a job's
reminders, sweep the pending ones, delete the imports left between two steps. They stand above
pial.reminders, which enqueues the leaf task pial.tasks.send_reminder."""

from celery import shared_task
from django.utils import timezone

from pial import import_jobs
from pial.reminders import enqueue_pending, run


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def run_job(name: str) -> int:
    """A periodic job (declared in settings.CELERY_BEAT_SCHEDULE): computes and schedules its reminders."""
    _drafts, created = run(name, timezone.localdate(), wet_run=True)
    return len(created)


@shared_task(acks_late=True)
def sweep_reminders() -> int:
    """Re-enqueues pending reminders: nothing is lost when a worker died mid-run."""
    return enqueue_pending()


@shared_task(acks_late=True)
def purge_staged_imports() -> int:
    """Imports left between two steps for longer than IMPORT_STAGED_HOURS, with their staged rows."""
    return import_jobs.purge_stale()
