"""Pages of missions: dashboard and waiting list, timetables, assignments, change notices."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from aesh.models import Aesh
from eleves.enums import JournalAction
from eleves.journal import journal
from eleves.models import Student
from missions import figures as dashboard_figures
from missions import perms, selectors, services
from missions.forms import AssignmentForm, TimeSlotForm
from missions.models import Assignment, CalendarFeed, TimeSlot, TimetableChange, new_token
from missions.rules import WEEKDAYS
from pial import figures, sqlmemo
from pial.enums import Role
from pial.figures import GLOBAL
from pial.forms import add_service_errors, posted
from pial.models import Membership, School, SchoolYear
from pial.scope import Scope
from pial.years import YEAR_NAME, reading_day, unknown_year_message


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _slot_title(slot: TimeSlot) -> str:
    if slot.kind == "TRAVEL":
        return "Trajet"
    names = [a.target_label for a in slot.assignments.all()]
    return ", ".join(names) or slot.get_kind_display()


def _dashboard_day(request, years: list[SchoolYear]) -> tuple[datetime.date, SchoolYear | None, str]:
    """?date=AAAA-MM-JJ (a day), else ?annee=2026-2027 (that year read as `reading_day` says), else
    today. The years are read once (cached), so the page's query count stays the same."""
    day, error = _day(request), ""
    raw = request.GET.get("annee", "")
    if raw and not request.GET.get("date"):
        wanted = (raw or "").strip()
        year = next((y for y in years if YEAR_NAME.fullmatch(wanted) and y.name == wanted), None)
        if year is not None:
            return reading_day(year, timezone.localdate()), year, ""
        error = unknown_year_message(raw)
    year = next((y for y in years if y.start_date <= day <= y.end_date), None) or next(
        (y for y in years if y.is_current), None)
    return day, year, error


def dashboard(request):
    """Coordinators and pilots: the pôle's coverage, waiting list and AESH load. The figures are
    rendered once per change and day (missions.figures); a request reads them from the cache."""
    scope = request.scope
    _require(perms.can_view_dashboard(scope))
    can_edit = perms.can_edit_timetables(scope)
    versions = figures.stamp(GLOBAL, dashboard_figures.scope_name(scope))
    years = dashboard_figures.school_years(versions)
    # ?date=AAAA-MM-JJ: the coverage on another day (e.g. when accepted slots start); ?annee=: a school year
    today, year, year_error = _dashboard_day(request, years)
    found = dashboard_figures.dashboard(scope, today, can_edit, versions)
    journal(request, JournalAction.LIST, detail="tableau de bord : liste d'attente")
    return render(request, "missions/dashboard.html", {
        # Rendered (and escaped) by missions/_dashboard_figures.html when the figures changed.
        "figures_html": mark_safe(found["html"]), "totals": found["totals"], "load": found["load"],
        "today": today, "is_today": today == timezone.localdate(), "can_edit": can_edit,
        "can_plan": perms.can_plan(scope), "year": year, "years": years, "year_error": year_error,
    })


def aesh_week(request, pk: int):
    """Coordinators and pilots of the AESH's pôle: the AESH's week, as a grid and a list."""
    scope = request.scope
    _require(perms.can_view_dashboard(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope).select_related("home_pole"), pk=pk)
    day = _day(request)
    slots = selectors.slots_for_aesh(aesh, day)
    return render(request, "missions/week.html", {
        "aesh": aesh, "days": selectors.grid(slots, _slot_title), "slots": slots, "hours": selectors.hour_marks(),
        "day": day, "can_edit": perms.can_edit_timetables(scope), "title": f"Semaine de {aesh}",
        "changes": list(aesh.timetable_changes.all()[:5]),
    })


def my_week(request):
    """An AESH: their own week, the students' PPS extracts, change notices, calendar feed."""
    scope = request.scope
    _require(perms.can_view_own_week(scope))
    aesh = sqlmemo.first("missions:my-week", _my_record, scope.membership_id, scope.membership.user_id,
                         scope.pole_id, scope.circonscription_id, scope.departement_id)
    if aesh is None:
        return render(request, "aesh/my_record_missing.html")
    day = _day(request)
    # Today's week (the path every AESH takes) kept between GETs; another ?date= read each time.
    week = _my_week_cached(aesh, day) if day == timezone.localdate() else _my_week_read(aesh, day)
    return render(request, "missions/week.html", {
        "aesh": aesh, "days": week["days"], "slots": week["slots"], "hours": selectors.hour_marks(),
        "day": day, "own": True, "title": "Ma semaine", "students": week["students"],
        "pending_changes": list(aesh.timetable_changes.filter(acknowledged_at__isnull=True)) if aesh.has_pending
        else [],
        "feed_url": request.build_absolute_uri(f"/missions/agenda/{aesh.feed_token}.ics") if aesh.feed_token else "",
    })


def _my_record(membership_id, user_id, pole_id, circonscription_id, departement_id):
    """The AESH's record as visible to an AESH of these ids, with, in the same query, their calendar
    feed's token (one feed an AESH) and whether a timetable change waits for their acknowledgement
    (the changes are read only then): built from its values alone, pial.sqlmemo.first compiles it
    once for every AESH."""
    scope = Scope.of(Membership(pk=membership_id, role=Role.AESH, user_id=user_id, pole_id=pole_id,
                                circonscription_id=circonscription_id, departement_id=departement_id))
    return Aesh.objects.visible_to(scope).select_related("home_pole").annotate(
        feed_token=Subquery(CalendarFeed.objects.filter(aesh=OuterRef("pk")).values("token")[:1]),
        has_pending=Exists(TimetableChange.objects.filter(aesh=OuterRef("pk"), acknowledged_at__isnull=True)),
    ).order_by("pk")


MY_WEEK_KEY = "pial:my_week:{aesh}:{day}"
MY_WEEK_SECONDS = 26 * 3600  # a key names its day: yesterday's is never read again


def _my_week_cached(aesh: Aesh, day: datetime.date) -> dict:
    """« Ma semaine »'s slots, grid and students on `day`, kept between an AESH's GETs under the
    data versions (pial.figures.kept) of what they show: the global one and those of the pôles of
    the AESH, of the slots' schools, of the students' and ULIS' schools (their writers renew those)."""
    def read():
        week = _my_week_read(aesh, day)
        return week, {GLOBAL, *(figures.pole_name(pole_id) for pole_id in week.pop("pole_ids"))}

    return figures.kept(MY_WEEK_KEY.format(aesh=aesh.pk, day=day.isoformat()),
                        (GLOBAL, figures.pole_name(aesh.home_pole_id)), read, MY_WEEK_SECONDS)


def _my_week_read(aesh: Aesh, day: datetime.date) -> dict:
    # selectors.slots_for_aesh's slots, their students (with their school, which the page names)
    # and ULIS (with theirs: a ULIS is named with its school) joined: two queries, none per row; of
    # the pupils and schools, the columns the page names (and their pôles, for the versions).
    slots = list(TimeSlot.objects.filter(aesh=aesh).valid_on(day).select_related("school").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("student__school", "ulis__school").only(
            "student_id", "ulis_id", "student__first_name", "student__last_name", "student__school__name",
            "student__school__pole_id", "ulis__name", "ulis__school__name", "ulis__school__pole_id")))
        .order_by("weekday", "start_time"))
    detail = reverse("eleves:detail", args=[0])  # one reverse(), not one per student and slot
    students, pole_ids = set(), set()
    for slot in slots:
        pole_ids.add(slot.school.pole_id)
        for assignment in slot.assignments.all():
            if assignment.student_id:
                assignment.student.detail_url = detail.replace("/0/", f"/{assignment.student_id}/")
                students.add(assignment.student)
                pole_ids.add(assignment.student.school.pole_id)
            if assignment.ulis_id:
                pole_ids.add(assignment.ulis.school.pole_id)
    return {"slots": slots, "days": selectors.grid(slots, _slot_title), "students": sorted(students, key=str),
            "pole_ids": pole_ids}


def student_week(request, pk: int):
    """Coordinators, pilots, enseignant référent: the student's week (journaled)."""
    scope = request.scope
    _require(perms.can_view_dashboard(scope) or scope.role == "ENSEIGNANT_REFERENT")
    student = get_object_or_404(Student.objects.visible_to(scope).select_related("school"), pk=pk)
    day = _day(request)
    slots = list(TimeSlot.objects.valid_on(day).filter(assignments__student=student).select_related("school", "aesh")
                 .prefetch_related("assignments__student", "assignments__ulis").distinct())
    journal(request, JournalAction.READ, student, "semaine de l'élève")
    return render(request, "missions/week.html", {
        "student": student, "days": selectors.grid(slots, lambda s: str(s.aesh)), "slots": slots,
        "hours": selectors.hour_marks(), "day": day, "title": f"Semaine de {student}",
    })


def school_day(request, pk: int, weekday: int):
    """Coordinators and pilots: who is where in a school on a given weekday."""
    scope = request.scope
    _require(perms.can_view_dashboard(scope))
    school = get_object_or_404(School.objects.visible_to(scope), pk=pk)
    if not 0 <= weekday <= 4:
        raise PermissionDenied
    day = _day(request)
    slots = list(TimeSlot.objects.valid_on(day).filter(school=school, weekday=weekday)
                 .select_related("aesh").prefetch_related("assignments__student", "assignments__ulis")
                 .order_by("start_time", "aesh__last_name"))
    return render(request, "missions/school_day.html", {
        "school": school, "weekday": weekday, "weekday_name": WEEKDAYS[weekday], "slots": slots, "day": day,
        "weekdays": list(enumerate(WEEKDAYS[:5])),
    })


MAX_DAYS_AWAY = 3660  # ?date= reads ten years either side of today; anything else is today


def _day(request) -> datetime.date:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today
    return day if abs((day - today).days) <= MAX_DAYS_AWAY else today


def _form_page(request, form, save, title, back, success):
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            for note in getattr(result, "notes", []):
                messages.info(request, note)
            for warning in getattr(result, "warnings", []):
                messages.warning(request, warning)
            return redirect(back)
    return render(request, "missions/form.html", {"form": form, "title": title, "back": back})


def assignment_create(request):
    scope = request.scope
    _require(perms.can_edit_timetables(scope))
    initial = {k: request.GET[k] for k in ("aesh", "student", "kind") if request.GET.get(k)}
    initial.setdefault("start_date", timezone.localdate())
    form = AssignmentForm(posted(request), initial=initial, scope=scope)
    return _form_page(request, form, lambda f: services.assignment_save(assignment=f.instance),
                      "Nouvelle affectation", "missions:dashboard", "Affectation enregistrée.")


@require_POST
def assignment_end(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_timetables(scope))
    assignment = get_object_or_404(Assignment.objects.visible_to(scope).select_related("aesh"), pk=pk)
    try:
        services.assignment_end(assignment=assignment, on=timezone.localdate(), user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Affectation terminée aujourd'hui ; ses créneaux aussi.")
    return redirect("missions:aesh_week", pk=assignment.aesh_id)


def slot_create(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_timetables(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope).select_related("home_pole"), pk=pk)
    today = timezone.localdate()
    form = TimeSlotForm(posted(request), instance=TimeSlot(aesh=aesh), aesh=aesh, day=today,
                        initial={"valid_from": today})

    def save(form):
        return services.slot_save(slot=form.instance, assignments=list(form.cleaned_data["assignments"]),
                                  user=request.user)

    return _form_page(request, form, save, f"Nouveau créneau — {aesh}", f"/missions/aesh/{aesh.pk}/semaine/",
                      "Créneau enregistré ; l'AESH et les pilotes sont prévenus.")


def slot_update(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_timetables(scope))
    slot = get_object_or_404(TimeSlot.objects.visible_to(scope).select_related("aesh__home_pole"), pk=pk)
    form = TimeSlotForm(posted(request), instance=slot, aesh=slot.aesh, day=timezone.localdate())

    def save(form):
        return services.slot_save(slot=form.instance, assignments=list(form.cleaned_data["assignments"]),
                                  user=request.user)

    return _form_page(request, form, save, f"Modifier le créneau — {slot.aesh}",
                      f"/missions/aesh/{slot.aesh_id}/semaine/",
                      "Créneau modifié ; l'AESH et les pilotes sont prévenus.")


@require_POST
def slot_delete(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_timetables(scope))
    slot = get_object_or_404(TimeSlot.objects.visible_to(scope), pk=pk)
    aesh_id = slot.aesh_id
    services.slot_delete(slot=slot, user=request.user)
    messages.success(request, "Créneau supprimé ; l'AESH et les pilotes sont prévenus.")
    return redirect("missions:aesh_week", pk=aesh_id)


@require_POST
def change_acknowledge(request, pk: int):
    """An AESH confirms they saw a change to their own timetable."""
    scope = request.scope
    _require(perms.can_view_own_week(scope))
    change = get_object_or_404(TimetableChange, pk=pk, aesh__in=Aesh.objects.visible_to(scope))
    services.change_acknowledge(change=change)
    messages.success(request, "Changement pris en compte.")
    return redirect("missions:my_week")


@require_POST
def calendar_manage(request):
    """An AESH creates, or revokes and replaces, the private address of their calendar."""
    scope = request.scope
    _require(perms.can_view_own_week(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope))
    feed, created = CalendarFeed.objects.get_or_create(aesh=aesh)
    if not created:
        feed.token = new_token()
        feed.save(update_fields=["token", "created_at"])
        messages.success(request, "Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus.")
    else:
        messages.success(request, "Adresse d'agenda créée.")
    return redirect("missions:my_week")
