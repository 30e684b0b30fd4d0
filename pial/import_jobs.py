"""The work of an import: checking its staged rows into a stored preview, then saving them.

The import views run it inline for small files; the Celery tasks in pial.tasks run it for
large ones (above IMPORT_BACKGROUND_ROWS), while the page shows the progress. A save is
all or nothing: one transaction, under a lock on the pôle (two imports into one pôle
never interleave) and on the import's row (a second click, or a task delivered twice,
finds it saved and does nothing). Progress goes through the cache, because the save's
transaction hides everything it writes from other connections until it ends.

Each app's import registers itself here (pial.import_flow.ImportFlow does it) by its
URL namespace, so a worker finds the code of an import without this floor importing it.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from typing import Protocol

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from pial import uploads
from pial.conf import setting
from pial.import_report import ImportReport
from pial.models import ImportState, Pole, SpreadsheetImport, User
from pial.spreadsheets import Sheet, data_rows, display, guess_mapping

SAMPLE_ROWS = 3

logger = logging.getLogger(__name__)


class Flow(Protocol):
    namespace: str

    def run(self, **kwargs) -> ImportReport: ...

    def after_commit(self, job: SpreadsheetImport, report: ImportReport) -> None: ...


_FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> None:
    _FLOWS[flow.namespace] = flow


def flow_named(namespace: str) -> Flow:
    return _FLOWS[namespace]


# --- Progress ---------------------------------------------------------------------

def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def progress_of(job_id: int) -> dict:
    return cache.get(_progress_key(job_id)) or {"percent": 0, "step": ""}


class Progress:
    """The callback an import's run reports to: written to the cache at most twice a second."""

    def __init__(self, job_id: int, start: int, end: int):
        self.job_id, self.start, self.end = job_id, start, end
        self.last = 0.0

    def __call__(self, done: int, total: int, step: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        percent = self.start + (self.end - self.start) * done // max(total, 1)
        cache.set(_progress_key(self.job_id), {"percent": percent, "step": step}, 3600)


# --- Staging ------------------------------------------------------------------------

def stage(*, flow: str, fields: dict[str, list[str]], user: User, role: str, pole: Pole, filename: str,
          sheet: Sheet, header_index: int) -> SpreadsheetImport:
    """Keeps a file just read: its rows in the storage, what the mapping page shows in the row."""
    header = sheet.rows[header_index]
    token = secrets.token_urlsafe(18)
    uploads.stage_rows(token, sheet.rows)
    return SpreadsheetImport.objects.create(
        token=token, flow=flow, created_by=user, role=role, pole=pole, filename=filename[:255],
        sheet=sheet.name[:255], header_index=header_index, header=[display(c) for c in header],
        samples=[[display(c) for c in row] for row in sheet.rows[header_index + 1:header_index + 1 + SAMPLE_ROWS]],
        row_count=sum(1 for _ in data_rows(sheet.rows, header_index)),
        mapping={str(k): v for k, v in guess_mapping(header, fields).items()},
    )


# --- The work -----------------------------------------------------------------------

def _run(job: SpreadsheetImport, *, commit: bool, progress) -> ImportReport:
    sheet = Sheet(name=job.sheet, rows=uploads.load_rows(job.token))
    return flow_named(job.flow).run(
        sheet=sheet, header_index=job.header_index, mapping={int(k): v for k, v in job.mapping.items()},
        pole=job.pole, today=timezone.localdate(), commit=commit, progress=progress,
    )


def dry_run(job: SpreadsheetImport) -> ImportReport:
    """The preview of a small import with the columns as recognised, stored nowhere (a GET)."""
    return _run(job, commit=False, progress=Progress(job.pk, 0, 100))


def check(job_id: int) -> None:
    """Runs the import without keeping anything and stores its report as the preview."""
    job = SpreadsheetImport.objects.select_related("pole").filter(pk=job_id, state=ImportState.CHECKING).first()
    if job is None:
        return  # done already, or the person sent another mapping meanwhile
    progress = Progress(job_id, 0, 100)
    try:
        report = _run(job, commit=False, progress=progress)
    except Exception:
        logger.exception("Import %s : échec de la vérification", job_id)
        _fail(job_id, ImportState.CHECKING, "La vérification a échoué ; rien n'a été enregistré. L'équipe technique "
                                            "est prévenue.")
        return
    SpreadsheetImport.objects.filter(pk=job_id, state=ImportState.CHECKING, revision=job.revision).update(
        state=ImportState.READY, preview=report.as_dict(), error="", updated_at=timezone.now())
    progress(1, 1, "Aperçu prêt")


def save(job_id: int) -> ImportReport | None:
    """Saves the whole import or nothing; the report (None when there was nothing to do)."""
    try:
        with transaction.atomic():
            job = (SpreadsheetImport.objects.select_for_update().select_related("pole")
                   .filter(pk=job_id, state=ImportState.SAVING).first())
            if job is None:
                return None
            Pole.objects.select_for_update().filter(pk=job.pole_id).first()
            progress = Progress(job_id, 0, 100)
            report = _run(job, commit=True, progress=progress)
            if report.committed:
                flow_named(job.flow).after_commit(job, report)
                job.state = ImportState.SAVED
                job.preview = {**report.as_dict(), "rows": [], "summary": report.summary()}
                token = job.token
                transaction.on_commit(lambda: uploads.discard(token))
            else:
                job.state, job.preview = ImportState.READY, report.as_dict()
            job.save(update_fields=["state", "preview", "error", "updated_at"])
            progress(1, 1, "Enregistré" if report.committed else "Erreurs : rien n'est enregistré")
            return report
    except Exception:
        logger.exception("Import %s : échec de l'enregistrement", job_id)
        _fail(job_id, ImportState.SAVING, "L'enregistrement a échoué ; rien n'a été enregistré. L'équipe technique "
                                          "est prévenue.")
        return None


def _fail(job_id: int, state: str, message: str) -> None:
    SpreadsheetImport.objects.filter(pk=job_id, state=state).update(state=ImportState.FAILED, error=message,
                                                                    updated_at=timezone.now())


def purge_stale(now: datetime.datetime | None = None) -> int:
    """Deletes imports (and their staged rows) older than IMPORT_STAGED_HOURS; the count."""
    age = datetime.timedelta(hours=setting("IMPORT_STAGED_HOURS"))
    stale = SpreadsheetImport.objects.filter(created_at__lt=(now or timezone.now()) - age)
    tokens = list(stale.values_list("token", flat=True))
    for token in tokens:
        uploads.discard(token)
    stale.delete()
    uploads.purge_orphans(set(SpreadsheetImport.objects.values_list("token", flat=True)), age)
    return len(tokens)
