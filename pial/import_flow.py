"""The three steps every spreadsheet import goes through: upload, column mapping, preview (and save).

An app describes its import (fields and keywords, the function that checks and
applies rows, who may run it) in an ImportFlow; the flow provides the views.
The file is read once, at upload, within bounds (pial.spreadsheets) and staged
(pial.uploads, pial.models.SpreadsheetImport); the preview is the stored report of a
check, and the save runs the same function and keeps the changes only when no row is
wrong. Large files are checked and saved by a Celery task (pial.import_jobs) while the
page shows the progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from dsfr.forms import DsfrBaseForm

from pial import import_jobs, tasks
from pial.conf import setting
from pial.forms import CrispyDsfrMixin, posted, posted_files
from pial.import_report import ImportReport, RowResult  # noqa: F401 - the name apps know them by
from pial.models import ImportState, Pole, SpreadsheetImport
from pial.queue import enqueue
from pial.scope import Scope
from pial.spreadsheets import SpreadsheetError, find_header, read_sheet, require_whole
from pial.validators import file_extension

Runner = Callable[..., ImportReport]
ROWS_PER_PAGE = 100
ERRORS_SHOWN = 50
UPLOAD_MAX_MB = 10


@dataclass(frozen=True)
class ImportFlow:
    namespace: str            # URL namespace of the app: <ns>:import, <ns>:import_mapping…
    title: str                # « Importer le tableau des AESH »
    item_label: str           # « AESH », « élève »
    fields: dict[str, list[str]]
    labels: dict[str, str]
    sheet_keywords: tuple[str, ...]
    # run(sheet=, header_index=, mapping=, pole=, today=, commit=, progress=) -> ImportReport
    run: Runner
    allowed: Callable[[Scope], bool]
    done_url: str
    # Columns whose unknown values are kept with a warning; every other column is a key,
    # whose error blocks the whole import. The preview says which is which.
    information: frozenset[str] = frozenset()

    def __post_init__(self):
        import_jobs.register(self)

    def after_commit(self, job: SpreadsheetImport, report: ImportReport) -> None:
        """Hook for apps that journal an import (inside the save's transaction)."""

    # --- Views -----------------------------------------------------------------

    def upload(self, request):
        """Send the spreadsheet (CSV, XLSX, ODS, XLS) and choose the pôle; it is read here, once."""
        self._require(request.scope)
        form = UploadForm(posted(request), posted_files(request), scope=request.scope)
        if request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            try:
                sheet = read_sheet(file.name, file.read(), self.sheet_keywords)
                header_index = find_header(sheet.rows, self.fields)
                require_whole(file.name, sheet, header_index, setting("IMPORT_MAX_ROWS"))
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                import_jobs.purge_stale()
                job = import_jobs.stage(flow=self.namespace, fields=self.fields, user=request.user,
                                        role=request.scope.role or "", pole=form.cleaned_data["pole"],
                                        filename=file.name, sheet=sheet, header_index=header_index)
                return redirect(f"{self.namespace}:import_mapping", token=job.token)
        return render(request, "imports/upload.html", {"form": form, "flow": self})

    def mapping(self, request, token: str):
        """What each column was recognised as; the user fixes it, and the check starts."""
        self._require(request.scope)
        job = self._job(request, token)
        if job.is_running:
            return redirect(f"{self.namespace}:import_preview", token=token)
        mapping = job.mapping
        if request.method == "POST":
            chosen: dict[str, str] = {}
            errors = []
            for index in range(len(job.header)):
                value = request.POST.get(f"col_{index}", "")
                if value in self.labels:
                    if value in chosen.values():
                        errors.append(f"« {self.labels[value]} » est choisi pour plusieurs colonnes.")
                    chosen[str(index)] = value
            if not errors:
                job.mapping, job.revision = chosen, job.revision + 1
                job.save(update_fields=["mapping", "revision", "updated_at"])
                self._start(job, ImportState.CHECKING)
                return redirect(f"{self.namespace}:import_preview", token=token)
            for error in errors:
                messages.error(request, error)
            mapping = chosen
        columns = [
            {"index": i, "label": label, "field": mapping.get(str(i), ""),
             "samples": [r[i] if i < len(r) else "" for r in job.samples]}
            for i, label in enumerate(job.header) if label or any(i < len(r) and r[i] for r in job.samples)
        ]
        choices = [("", "— ignorer cette colonne —"), *self.labels.items()]
        return render(request, "imports/mapping.html", {
            "columns": columns, "choices": choices, "job": job, "token": token, "flow": self,
        })

    def preview(self, request, token: str):
        """The stored preview, every row with its French errors; POST saves all rows or none."""
        self._require(request.scope)
        job = self._job(request, token)
        if job.state == ImportState.SAVED:
            messages.success(request, f"Import terminé : {job.preview['summary']}.")
            return redirect(self.done_url)
        if job.is_running:
            return render(request, "imports/progress.html", {"job": job, "flow": self, "token": token,
                                                             "progress": import_jobs.progress_of(job.pk)})
        if request.method == "POST":
            if self._start(job, ImportState.SAVING):
                job.refresh_from_db()
                if job.state == ImportState.SAVED:
                    messages.success(request, f"Import terminé : {job.preview['summary']}.")
                    return redirect(self.done_url)
                if job.state == ImportState.READY:
                    messages.error(request, "L'import contient des erreurs : rien n'a été enregistré.")
            if job.state not in (ImportState.READY, ImportState.FAILED):
                return redirect(f"{self.namespace}:import_preview", token=token)
        elif job.state == ImportState.UPLOADED:
            # Columns not confirmed yet: a small file is previewed as recognised, nothing stored;
            # a large one waits for the mapping page, whose confirmation starts its check.
            if job.row_count > setting("IMPORT_BACKGROUND_ROWS"):
                return redirect(f"{self.namespace}:import_mapping", token=token)
            return self._render_preview(request, job, import_jobs.dry_run(job))
        return self._render_preview(request, job)

    def status(self, request, token: str):
        """Where a running check or save is, for the progress page's script."""
        self._require(request.scope)
        job = self._job(request, token)
        progress = import_jobs.progress_of(job.pk)
        return JsonResponse({"state": job.state, "label": job.get_state_display(), "running": job.is_running,
                             "percent": progress["percent"], "step": progress["step"]})

    # --- Helpers ---------------------------------------------------------------

    def _require(self, scope: Scope) -> None:
        if not self.allowed(scope):
            raise PermissionDenied

    def _job(self, request, token: str) -> SpreadsheetImport:
        job = (SpreadsheetImport.objects.select_related("pole")
               .filter(token=token, flow=self.namespace, created_by=request.user).first())
        if job is None or not Pole.objects.visible_to(request.scope).filter(pk=job.pole_id).exists():
            raise Http404
        return job

    def _start(self, job: SpreadsheetImport, state: str) -> bool:
        """Moves the import to CHECKING or SAVING and does the work: here for a small file, in a
        task for a large one. False when another request already started it."""
        allowed = [ImportState.UPLOADED, ImportState.READY, ImportState.FAILED]
        if state == ImportState.CHECKING:
            allowed.append(ImportState.CHECKING)  # a new mapping replaces a check under way
        previous = job.state
        if not SpreadsheetImport.objects.filter(pk=job.pk, state__in=allowed).update(state=state, error=""):
            return False
        work, task = ((import_jobs.check, tasks.import_check) if state == ImportState.CHECKING
                      else (import_jobs.save, tasks.import_save))
        if job.row_count <= setting("IMPORT_BACKGROUND_ROWS"):
            work(job.pk)
        else:
            back = previous if previous != ImportState.CHECKING else ImportState.UPLOADED
            transaction.on_commit(lambda: _enqueue(task, job.pk, state, back))
        return True

    def _render_preview(self, request, job: SpreadsheetImport, report: ImportReport | None = None):
        if report is None:
            report = ImportReport.from_dict(job.preview) if job.preview else ImportReport()
        errors = report.errors
        only_errors = request.GET.get("lignes") == "erreurs"
        rows = [r for r in report.rows if r.status == "erreur"] if only_errors else report.rows
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        columns = [(job.header[int(index)] if int(index) < len(job.header) else "", self.labels.get(name, name),
                    name not in self.information)
                   for index, name in sorted(job.mapping.items(), key=lambda item: int(item[0]))]
        return render(request, "imports/preview.html", {
            "job": job, "report": report, "errors": errors[:ERRORS_SHOWN], "more_errors": len(errors) - ERRORS_SHOWN,
            "error_count": len(errors), "page": page, "only_errors": only_errors,
            "counts": {s: report.count(s) for s in ("nouveau", "modifié", "inchangé", "erreur")},
            "pole": job.pole, "token": job.token, "flow": self,
            "key_columns": [c for c in columns if c[2]], "information_columns": [c for c in columns if not c[2]],
        })


def _enqueue(task, job_id: int, state: str, back: str) -> None:
    if not enqueue(task, job_id):
        SpreadsheetImport.objects.filter(pk=job_id, state=state).update(
            state=back, error="Le service de calcul ne répond pas : réessayez dans quelques minutes. "
                              "Rien n'a été enregistré.")


class UploadForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Lire le fichier"

    file = forms.FileField(label="Tableau (CSV, XLSX, ODS ou XLS)",
                           help_text="Le bon onglet est repéré par son nom ; les lignes de titre et la ligne TOTAL "
                                     f"sont ignorées. {UPLOAD_MAX_MB} Mo au plus.",
                           validators=[file_extension("csv", "xlsx", "ods", "xls")])
    pole = forms.ModelChoiceField(label="Pôle dans lequel importer", queryset=Pole.objects.none())

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pole"].queryset = Pole.objects.visible_to(scope).order_by("name")
        if scope.pole_id:
            self.fields["pole"].initial = scope.pole_id
        self.helper = self.build_helper()

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > UPLOAD_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(f"Le fichier dépasse {UPLOAD_MAX_MB} Mo.")
        return file
