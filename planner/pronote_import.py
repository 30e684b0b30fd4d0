"""The ProNote iCal import, in three steps like every import: upload (one or many .ics, or a
zip of a folder) → check (each file's match with its confidence, doubtful ones first, manual
association; the two reference weeks, A/B swap; events that are not courses) → save (each
matched student's own timetable replaced by the file's courses, all files or none).

The files are read once, at upload, and staged like a spreadsheet (pial.uploads,
pial.models.SpreadsheetImport with flow « pronote »); only the sender opens the check page."""

from __future__ import annotations

import datetime
import secrets
from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from eleves.enums import JournalAction
from eleves.journal import journal
from eleves.models import Notification, Student
from missions import perms
from pial import import_jobs, uploads
from pial.models import ImportState, Pole, SpreadsheetImport
from pial.scope import Scope
from planner import pronote
from planner.models import ClassCourse

FLOW = "pronote"
UPLOAD_MAX_MB = 30
SKIP = "0"


class _Files(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FilesField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choisissez au moins un fichier .ics ou une archive .zip.")
        single = super().clean
        return [single(f, initial) for f in files]


class UploadForm(forms.Form):
    files = _FilesField(label="Calendriers ProNote (.ics, plusieurs à la fois, ou une archive .zip du dossier)",
                        widget=_Files(attrs={"accept": ".ics,.zip", "class": "fr-upload"}),
                        help_text=f"Un export iCal par élève ; {UPLOAD_MAX_MB} Mo au plus en tout.")
    pole = forms.ModelChoiceField(label="Pôle dans lequel importer", queryset=Pole.objects.none(),
                                  widget=forms.Select(attrs={"class": "fr-select"}))

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pole"].queryset = Pole.objects.visible_to(scope).order_by("name")
        if scope.pole_id:
            self.fields["pole"].initial = scope.pole_id

    def clean_files(self):
        files = self.cleaned_data["files"]
        if sum(f.size for f in files) > UPLOAD_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(f"L'envoi dépasse {UPLOAD_MAX_MB} Mo.")
        return files


def _require(scope: Scope) -> None:
    if not perms.can_plan(scope):
        raise PermissionDenied


# --- Staging: the files as rows -------------------------------------------------------

def _rows(exports: list[pronote.ExportFile]) -> list[list[object]]:
    rows: list[list[object]] = []
    for index, export in enumerate(exports):
        rows.append(["F", export.filename, export.name, export.birth_date.isoformat() if export.birth_date else ""])
        rows += [["E", index, e.start.isoformat(), e.end.isoformat(), e.summary, e.subject, e.course, e.reason]
                 for e in export.events]
    return rows


def _exports(rows: list[list[object]]) -> list[pronote.ExportFile]:
    exports: list[pronote.ExportFile] = []
    for row in rows:
        if row[0] == "F":
            exports.append(pronote.ExportFile(filename=row[1], name=row[2],
                                              birth_date=datetime.date.fromisoformat(row[3]) if row[3] else None))
        else:
            exports[row[1]].events.append(pronote.Event(
                start=datetime.datetime.fromisoformat(row[2]), end=datetime.datetime.fromisoformat(row[3]),
                summary=row[4], subject=row[5], course=bool(row[6]), reason=row[7]))
    return exports


def _candidates(pole: Pole, scope: Scope, day: datetime.date) -> dict[int, Student]:
    """The pôle's notified students the user may see: those a file may be matched to."""
    ids = (Notification.objects.in_force_on(day).filter(student__school__pole=pole)
           .filter(student__in=Student.objects.visible_to(scope, day)).values("student_id"))
    return {s.pk: s for s in Student.objects.filter(pk__in=ids).select_related("school")
            .order_by("last_name", "first_name", "pk")}


# --- Views ------------------------------------------------------------------------------

def upload(request):
    _require(request.scope)
    form = UploadForm(request.POST or None, request.FILES or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            exports = pronote.read_all([(f.name, f.read()) for f in form.cleaned_data["files"]])
        except pronote.PronoteError as error:
            form.add_error("files", str(error))
        else:
            import_jobs.purge_stale()
            token = secrets.token_urlsafe(18)
            uploads.stage_rows(token, _rows(exports))
            names = ", ".join(e.filename for e in exports[:3]) + (" …" if len(exports) > 3 else "")
            SpreadsheetImport.objects.create(
                token=token, flow=FLOW, created_by=request.user, role=request.scope.role or "",
                pole=form.cleaned_data["pole"], filename=f"{len(exports)} calendrier(s) : {names}"[:255],
                sheet="iCal", header_index=0, row_count=sum(len(e.events) for e in exports))
            return redirect("planner:pronote_check", token=token)
    return render(request, "planner/pronote_upload.html", {"form": form})


def _job(request, token: str) -> SpreadsheetImport:
    job = (SpreadsheetImport.objects.select_related("pole")
           .filter(token=token, flow=FLOW, created_by=request.user).first())
    if job is None or not Pole.objects.visible_to(request.scope).filter(pk=job.pole_id).exists():
        raise Http404
    return job


def check(request, token: str):
    """Matches, reference weeks and non-course events; POST « enregistrer » saves every file or none."""
    _require(request.scope)
    job = _job(request, token)
    if job.state == ImportState.SAVED:
        return redirect("planner:home")
    today = timezone.localdate()
    exports = _exports(uploads.load_rows(job.token))
    candidates = _candidates(job.pole, request.scope, today)
    plain = [pronote.Candidate(id=s.pk, last_name=s.last_name, first_name=s.first_name, birth_date=s.birth_date)
             for s in candidates.values()]
    matches = [pronote.match(e, plain) for e in exports]
    weeks = pronote.weeks_of(exports)
    proposed = pronote.proposed_weeks(exports)
    data = request.POST if request.method == "POST" else {}
    errors: list[str] = []
    week_a, week_b = _week(data.get("week_a"), weeks, proposed[0] if proposed else None), \
        _week(data.get("week_b"), weeks, proposed[1] if proposed else None)
    swap = data.get("swap") == "1"
    chosen: list[int | None] = []
    for index, found in enumerate(matches):
        value = data.get(f"student_{index}", str(found.student_id or SKIP) if not data else SKIP)
        chosen.append(int(value) if value.isdigit() and int(value) in candidates else None)
        if data and value not in (SKIP, "") and chosen[-1] is None:
            errors.append(f"Fichier « {exports[index].filename} » : l'élève choisi·e n'est pas un·e élève notifié·e "
                          "du pôle.")
    if week_a is None or week_b is None:
        errors.append("Choisissez deux semaines de référence parmi celles des calendriers.")
    derived = [pronote.derive(e, week_a, week_b, swap) if week_a and week_b else [] for e in exports]
    twice = Counter(c for c in chosen if c)
    for index, student_id in enumerate(chosen):
        if student_id and twice[student_id] > 1:
            others = [exports[i].filename for i, c in enumerate(chosen) if c == student_id and i != index]
            errors.append(f"Fichier « {exports[index].filename} » : {candidates[student_id]} est aussi associé·e à "
                          f"« {others[0]} » ; un seul calendrier par élève.")
        elif student_id and not derived[index]:
            errors.append(f"Fichier « {exports[index].filename} » : aucun cours dans les semaines de référence "
                          f"choisies ; choisissez d'autres semaines ou laissez ce fichier de côté.")
    if request.method == "POST" and data.get("action") == "save":
        if not any(chosen):
            errors.append("Aucun fichier n'est associé à un·e élève : rien à enregistrer.")
        if not errors:
            saved = _save(request, job, [(candidates[s], derived[i]) for i, s in enumerate(chosen) if s])
            messages.success(request, f"Import terminé : emploi du temps individuel de {saved} élève(s) remplacé "
                                      "par son calendrier ProNote.")
            return redirect("planner:home")
        messages.error(request, "L'import contient des erreurs : rien n'a été enregistré.")
    files = sorted(
        ({"index": i, "export": exports[i], "match": matches[i], "chosen": chosen[i], "courses": derived[i],
          "weekly": sum(1 for c in derived[i] if not c.week), "fortnightly": sum(1 for c in derived[i] if c.week),
          "others": exports[i].others} for i in range(len(exports))),
        key=lambda f: (not f["match"].doubtful, f["match"].confidence, f["export"].filename))
    journal(request, JournalAction.LIST, detail=f"import ProNote : rapprochement de {len(exports)} calendrier(s)")
    return render(request, "planner/pronote_check.html", {
        "job": job, "files": files, "errors": errors, "weeks": weeks, "week_a": week_a, "week_b": week_b,
        "swap": swap, "students": list(candidates.values()), "doubtful": sum(1 for m in matches if m.doubtful),
        "ignored": sum(len(e.others) for e in exports), "skip": SKIP,
    })


def _week(value, weeks: list[datetime.date], default: datetime.date | None) -> datetime.date | None:
    if value:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return None
        return day if day in weeks else None
    return default


def _save(request, job: SpreadsheetImport, chosen: list[tuple[Student, list[pronote.DerivedCourse]]]) -> int:
    with transaction.atomic():
        if not SpreadsheetImport.objects.filter(pk=job.pk).exclude(state=ImportState.SAVED).update(
                state=ImportState.SAVED):
            return 0  # submitted twice: the first one saved
        ClassCourse.objects.filter(student__in=[s for s, _ in chosen]).delete()
        ClassCourse.objects.bulk_create(
            ClassCourse(school_id=s.school_id, class_name=s.class_name, student=s, weekday=c.weekday,
                        start_time=c.start, end_time=c.end, week=c.week, subject=c.subject)
            for s, courses in chosen for c in courses)
        for student, courses in chosen:
            journal(request, JournalAction.IMPORT, student=student,
                    detail=f"emploi du temps ProNote : {len(courses)} cours")
    uploads.discard(job.token)
    return len(chosen)
