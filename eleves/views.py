"""Student pages. Every read of a student page or document, and every change, is journaled."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from eleves import perms, selectors, services
from eleves.enums import JournalAction, NotificationStatus
from eleves.forms import (
    DocumentForm,
    JournalFilterForm,
    NotificationForm,
    PpsForm,
    StudentFilterForm,
    StudentForm,
)
from eleves.journal import journal, journal_refused
from eleves.models import Notification, PpsDocument, Student, Ulis
from pial.cells import choice_labels, dmy, esc
from pial.conf import setting
from pial.enums import Role
from pial.forms import add_service_errors, posted, posted_files
from pial.links import pk_urls
from pial.models import School
from pial.rendering import filter_form
from pial.sqlmemo import MemoList, model_columns, scope_key
from pial.templatetags.pial_ui import hours


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _refused(request, student_ref: int | None, detail: str):
    """404 for what the scope may not see, journaled as refused. A response, not an
    exception: an exception would roll the journal line back with the request."""
    journal_refused(request, student_ref, detail)
    return render(request, "404.html", status=404)


def _visible_student(request, pk: int, queryset=None) -> Student | None:
    today = timezone.localdate()
    queryset = queryset if queryset is not None else Student.objects.visible_to(request.scope, today)
    return queryset.filter(pk=pk).first()


# What a row of the list shows: the student's own columns, their school's and ULIS's names,
# then the notification in force.
_ROW_FIELDS = model_columns(Student, ["id", "first_name", "last_name", "school_id", "level", "level_raw",
                                      "class_name", "ulis_id", "left_on"])
_ROW_MORE = ["school__name", "ulis__name", "aid_kind_now", "notified_hours_now", "notification_end_now"]
_SCHOOL, _ULIS = Student._meta.get_field("school"), Student._meta.get_field("ulis")


def _student_maker():
    """`make` of the list's MemoList: a student of the list (the columns above, others deferred),
    school and ULIS named; one School and one Ulis object per page for the rows that share them."""
    width = len(_ROW_FIELDS)
    schools, ulis_named = {}, {}

    def make(row: tuple) -> Student:
        student = Student.from_db("default", _ROW_FIELDS, row[:width])
        school_name, ulis_name, student.aid_kind_now, student.notified_hours_now, student.notification_end_now = \
            row[width:]
        key = (student.school_id, school_name)
        school = schools.get(key)
        if school is None:
            school = schools[key] = School.from_db("default", ["id", "name"], key)
        _SCHOOL.set_cached_value(student, school)
        if student.ulis_id:
            key = (student.ulis_id, ulis_name)
            ulis = ulis_named.get(key)
            if ulis is None:
                ulis = ulis_named[key] = Ulis.from_db("default", ["id", "name"], key)
            _ULIS.set_cached_value(student, ulis)
        else:
            _ULIS.set_cached_value(student, None)
        return student

    return make


def _row_student(row: tuple) -> Student:
    """A student of the list, as the list's MemoList makes it."""
    return _student_maker()(row)


def student_list(request):
    """Coordinators, pilots, enseignants référents; an AESH sees their current students."""
    scope = request.scope
    _require(perms.can_view_student_list(scope))
    today = timezone.localdate()
    form, filters = filter_form(StudentFilterForm, request.GET or None, scope)
    # The list's SQL is a function of these inputs: compiled once per process (pial.sqlmemo).
    rows = MemoList(
        ("eleves:list", scope_key(scope), filters, today),
        lambda: selectors.student_list(scope, filters, today).select_related(None),
        [*_ROW_FIELDS, *_ROW_MORE], _student_maker(),
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    journal(request, JournalAction.LIST, detail=f"liste des élèves, page {page.number}")
    query = request.GET.copy()
    query.pop("page", None)
    full = perms.can_view_full_record(scope)
    return render(request, "eleves/student_list.html", {
        "form": form, "page_obj": page, "query": query.urlencode(), "rows": _student_rows(page, full),
        "full": full, "can_edit": perms.can_edit_student(scope),
    })


AID_CELLS = {"INDIVIDUELLE": "Individuelle", "MUTUALISEE": "Mutualisée"}
LEFT_BADGE = ' <span class="fr-badge fr-badge--sm">sorti·e</span>'


def _student_rows(page, full: bool) -> list[str]:
    """The rows of the student table, written here rather than by the template engine per cell:
    same markup as before (eleves/_level.html for the level), one reverse() for the page; a cell
    that many rows share (a school, a level, an amount of hours) escaped once."""
    detail_url = pk_urls("eleves:detail")
    levels = choice_labels(Student, "level")
    schools, level_cells, hour_cells = {}, {}, {}
    rows = []
    for s in page:
        school = schools.get(s.school.name)
        if school is None:
            school = schools[s.school.name] = esc(s.school.name)
        level = level_cells.get((s.level, s.level_raw))
        if level is None:
            if s.level:
                level = esc(levels.get(s.level, s.level))
            else:
                level = ('<span class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">'
                         "niveau à préciser</span>")
                if s.level_raw:
                    level += f" « {esc(s.level_raw)} »"
            level_cells[(s.level, s.level_raw)] = level
        cells = [
            f'<td><a href="{esc(detail_url(s.pk))}">{esc(s)}</a>'
            f"{LEFT_BADGE if s.left_on else ''}</td>",
            f"<td>{school}</td>",
            f"<td>{level}{f' ({esc(s.class_name)})' if s.class_name else ''}"
            f"{f' · {esc(s.ulis.name)}' if s.ulis else ''}</td>",
        ]
        if full:
            aid = AID_CELLS.get(s.aid_kind_now) or '<p class="fr-badge fr-badge--sm fr-badge--warning">aucune</p>'
            notified = hour_cells.get(s.notified_hours_now)
            if notified is None:
                notified = hour_cells[s.notified_hours_now] = esc(hours(s.notified_hours_now) or "—")
            cells.append(f"<td>{aid}</td><td>{notified}</td>"
                         f"<td>{dmy(s.notification_end_now) or '—'}</td>")
        rows.append(mark_safe(f"<tr>{''.join(cells)}</tr>"))  # every value is escaped
    return rows


def student_detail(request, pk: int):
    scope = request.scope
    _require(perms.can_view_student_list(scope))
    today = timezone.localdate()
    student = _visible_student(request, pk, selectors.student_for_detail(scope, today))
    if student is None:
        return _refused(request, pk, f"fiche élève demandée : {request.path}")
    journal(request, JournalAction.READ, student, "fiche élève")
    notifications = [{"n": n, "status": n.status(today)} for n in student.notifications.all()]
    in_force = [item["n"] for item in notifications if item["status"] == NotificationStatus.IN_FORCE]
    pps = getattr(student, "pps", None)
    if not perms.can_view_full_record(scope):
        # An AESH: the PPS extract and the activities to carry out, nothing else.
        return render(request, "eleves/student_aesh.html", {"student": student, "pps": pps, "in_force": in_force})
    return render(request, "eleves/student_detail.html", {
        "student": student, "pps": pps, "notifications": notifications, "in_force": in_force, "today": today,
        "can_edit": perms.can_edit_student(scope), "can_edit_pps": perms.can_edit_pps(scope),
    })


def _save(request, form, save, student, action: str, detail: str) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        saved = save(form)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    journal(request, action, student or saved, detail)
    messages.success(request, "Enregistré.")
    return True


def student_create(request):
    scope = request.scope
    _require(perms.can_edit_student(scope))
    form = StudentForm(posted(request), scope=scope)
    if _save(request, form, lambda f: services.student_save(student=f.instance), None, JournalAction.CREATE,
             "création de la fiche"):
        return redirect("eleves:detail", pk=form.instance.pk)
    return render(request, "eleves/form.html", {"form": form, "title": "Nouvel·le élève"})


def student_update(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_student(scope))
    student = _visible_student(request, pk)
    if student is None:
        return _refused(request, pk, f"fiche élève demandée : {request.path}")
    form = StudentForm(posted(request), instance=student, scope=scope)
    if _save(request, form, lambda f: services.student_save(student=f.instance), student, JournalAction.UPDATE,
             "modification de la fiche"):
        return redirect("eleves:detail", pk=student.pk)
    return render(request, "eleves/form.html", {"form": form, "title": f"Modifier {student}", "student": student})


def notification_create(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_student(scope))
    student = _visible_student(request, pk)
    if student is None:
        return _refused(request, pk, f"fiche élève demandée : {request.path}")
    form = NotificationForm(posted(request), instance=Notification(student=student))
    if _save(request, form, lambda f: services.notification_save(notification=f.instance), student,
             JournalAction.CREATE, "notification ajoutée"):
        return redirect("eleves:detail", pk=student.pk)
    return render(request, "eleves/form.html",
                  {"form": form, "title": f"Nouvelle notification — {student}", "student": student})


def notification_update(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_student(scope))
    notification = Notification.objects.visible_to(scope).select_related("student__school").filter(pk=pk).first()
    if notification is None:
        return _refused(request, None, f"notification demandée : {request.path}")
    student = notification.student
    form = NotificationForm(posted(request), instance=notification)
    if _save(request, form, lambda f: services.notification_save(notification=f.instance), student,
             JournalAction.UPDATE, "notification modifiée"):
        return redirect("eleves:detail", pk=student.pk)
    return render(request, "eleves/form.html",
                  {"form": form, "title": f"Modifier la notification — {student}", "student": student})


def pps_edit(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_pps(scope))
    student = _visible_student(request, pk)
    if student is None:
        return _refused(request, pk, f"fiche élève demandée : {request.path}")
    pps = getattr(student, "pps", None)
    initial = {"missions": pps.missions, "accommodations": pps.accommodations,
               "vigilance": pps.vigilance} if pps else {}
    form = PpsForm(posted(request), initial=initial)

    def save(form):
        return services.pps_save(student=student, user=request.user, **form.cleaned_data)

    if _save(request, form, save, student, JournalAction.UPDATE, "extrait du PPS modifié"):
        return redirect("eleves:detail", pk=student.pk)
    if request.method == "GET":
        journal(request, JournalAction.READ, student, "extrait du PPS (formulaire)")
    return render(request, "eleves/form.html",
                  {"form": form, "title": f"Extrait du PPS — {student}", "student": student})


def document_upload(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_student(scope))
    student = _visible_student(request, pk)
    if student is None:
        return _refused(request, pk, f"fiche élève demandée : {request.path}")
    form = DocumentForm(posted(request), posted_files(request))

    def save(form):
        return services.document_add(student=student, kind=form.cleaned_data["kind"],
                                     upload=form.cleaned_data["file"], user=request.user)

    if _save(request, form, save, student, JournalAction.CREATE, "document déposé"):
        return redirect("eleves:detail", pk=student.pk)
    return render(request, "eleves/form.html",
                  {"form": form, "title": f"Déposer un document — {student}", "student": student})


def document_download(request, pk: int):
    """Coordinators, pilots and the enseignant référent; never an AESH. A guessed URL
    answers 404 and leaves a 'refused' line in the journal."""
    scope = request.scope
    document = None
    if perms.can_view_full_record(scope):
        visible = Student.objects.visible_to(scope)
        document = PpsDocument.objects.filter(pk=pk, student__in=visible).select_related("student__school").first()
    if document is None:
        return _refused(request, None, f"document n° {pk} demandé")
    journal(request, JournalAction.READ_DOCUMENT, document.student, f"{document.get_kind_display()} : "
            f"{document.original_name}")
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["Cache-Control"] = "no-store"
    return response


def notifications_ending(request):
    """Notifications ending soon: coordinators, pilots, enseignants référents."""
    scope = request.scope
    _require(perms.can_view_full_record(scope))
    today = timezone.localdate()
    days = setting("NOTIFICATION_ENDING_DAYS")
    items = list(selectors.notifications_ending(scope, today, days))
    journal(request, JournalAction.LIST, detail=f"notifications arrivant à échéance sous {days} jours")
    return render(request, "eleves/notifications_ending.html", {"items": items, "days": days, "today": today})


def journal_view(request):
    """The access journal: coordinators of the pôle and the national admin; read-only."""
    scope = request.scope
    _require(perms.can_read_journal(scope))
    form = JournalFilterForm(request.GET or None)
    page = Paginator(selectors.journal_entries(scope, form.to_filters()), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "eleves/journal.html", {"form": form, "page_obj": page, "query": query.urlencode(),
                                                   "is_aesh": scope.role == Role.AESH})
