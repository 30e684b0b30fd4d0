"""Pages of the hours: the AESH's weeks (phone first), the coordination's validation queue,
a week's decision page, the balances, the référents' activity log."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from aesh.models import Aesh
from aesh.selectors import aesh_for_detail
from hours import markup, memo, perms, queue_markup, rules, selectors, services, week_markup
from hours.enums import ConnexeCategory, TimesheetState
from hours.forms import AddEntryForm, DecisionForm, ReferentActivityForm, WeekForm, new_token
from hours.models import TimeEntry, Timesheet
from hours.templatetags.hours import duration
from missions.calendar import week_letter
from missions.services import referent_quotite_of, referent_quotite_on
from pial import figures, sqlmemo
from pial.conf import setting
from pial.enums import Role
from pial.forms import add_service_errors, posted
from pial.models import Membership, School, SchoolYear
from pial.scope import Scope
from pial.sqlmemo import MemoList, model_columns, scope_key
from pial.years import year_from_param, year_from_param_among


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _own_aesh(request) -> Aesh | None:
    return Aesh.objects.visible_to(request.scope).select_related("home_pole").first()


def _school_year_months(year: SchoolYear | None, today: datetime.date) -> list[tuple[int, int]]:
    start, end = selectors.year_bounds(year, today)
    months, cursor = [], datetime.date(start.year, start.month, 1)
    while cursor <= min(today, end):
        months.append((cursor.year, cursor.month))
        cursor = datetime.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return [(y, m, f"{rules.MONTHS[m - 1]} {y}") for y, m in reversed(months)]


# --- The AESH ------------------------------------------------------------------------------------

_YEAR_COLUMNS = [f.attname for f in SchoolYear._meta.concrete_fields]


def _years(request) -> tuple[SchoolYear | None, list[SchoolYear]]:
    """The year `?annee=` names (else the current one) and the chooser's years, in one query."""
    years = MemoList(("hours:years",), lambda: SchoolYear.objects.order_by("-start_date"), _YEAR_COLUMNS,
                     lambda row: SchoolYear.from_db("default", _YEAR_COLUMNS, row))[0:None]
    return year_from_param_among(request.GET.get("annee"), years), years


def _week_links(weeks: list[dict]) -> list[dict]:
    """Each week's page address, without a reverse() per week."""
    pattern = reverse("hours:week", args=["0000-S00"])
    for week in weeks:
        week["url"] = pattern.replace("0000-S00", week["slug"])
    return weeks


def _statement_links(months: list[tuple[int, int, str]], name: str, *args) -> list[tuple[str, str]]:
    """(label, address) of each monthly statement, without a reverse() per month."""
    pattern = reverse(name, args=[*args, 1000, 10])
    return [(label, pattern.replace("/1000-10.pdf", f"/{y}-{m}.pdf")) for y, m, label in months]


def my_hours(request):
    """An AESH: the weeks of the school year and what they add up to."""
    _require(perms.can_declare_hours(request.scope))
    # Their own record (_own_aesh's), with its contracts and its pôle's zone (zone_of), its SQL compiled once.
    loaded = memo.own_record(request.scope)
    if loaded is None:
        return render(request, "aesh/my_record_missing.html")
    today = timezone.localdate()
    year, years = _years(request)
    return render(request, "hours/my_hours.html", {
        "aesh": loaded, "weeks": _week_links(selectors.open_weeks(loaded, year, today)),
        "balance": selectors.balance(loaded, year, today),
        "months": _statement_links(_school_year_months(year, today), "hours:my_statement"),
        "year": year, "years": years, "is_referent": bool(referent_quotite_of(loaded, today)),
    })


def _week_of(request, slug: str) -> tuple[Aesh, datetime.date]:
    """The AESH and the Monday of their week `slug`; the AESH read with what the week page needs
    next (selectors.with_week_context: the pôle's zone, whether the week exists, the current
    year's rentrée) in the same query."""
    _require(perms.can_declare_hours(request.scope))
    monday = rules.parse_week_slug(slug)
    current = rules.monday_of(timezone.localdate())
    if monday is None or not current - OLDEST_WEEK <= monday <= current:
        raise Http404
    scope = request.scope
    aesh = sqlmemo.first("hours:week-context", _week_context, scope.membership_id, scope.membership.user_id,
                         scope.pole_id, scope.circonscription_id, scope.departement_id, monday,
                         monday + datetime.timedelta(days=4))
    if aesh is None:
        raise Http404
    return aesh, monday


def _week_context(membership_id, user_id, pole_id, circonscription_id, departement_id, monday, friday):
    """The AESH's record as visible to an AESH of these ids, with their week's context: the query
    of _week_of, built from its values alone (pial.sqlmemo.first compiles it once for every AESH)."""
    scope = Scope.of(Membership(pk=membership_id, role=Role.AESH, user_id=user_id, pole_id=pole_id,
                                circonscription_id=circonscription_id, departement_id=departement_id))
    return selectors.with_week_context(Aesh.objects.visible_to(scope), monday, friday)


OLDEST_WEEK = datetime.timedelta(weeks=53)  # a week is declared within the year that follows it


_SLOT_KINDS = {"TRAVEL": "Trajet", "LUNCH": "Pause méridienne"}


@dataclass
class _Line:
    """A timetabled line of the week page, its texts and fields written once (hours.markup)."""

    entry: TimeEntry
    key: str
    heading: str
    where: str
    planned: str
    to_come: bool
    fields: str = ""


def _line(form: WeekForm, entry: TimeEntry, day_label: str, editable: bool) -> _Line:
    fields, key = form.slot_fields(entry), form.key(entry)
    start = f"{entry.start_time:%H:%M}" if entry.start_time else ""
    end = f"{entry.end_time:%H:%M}" if entry.end_time else ""
    targets = ", ".join(a.target_label for a in entry.slot.assignments.all()) if entry.slot else ""
    planned = duration(entry.planned_minutes)
    line = _Line(entry=entry, key=key, heading=f"{start}–{end} · {_SLOT_KINDS.get(entry.slot_kind, 'Accompagnement')}",
                 where=(entry.school.name if entry.school else "") + (f" · {targets}" if targets else ""),
                 planned=planned, to_come=not entry.attendance and not fields)
    if editable and fields:
        line.fields = markup.slot_fields(fields, key, f"Déroulement du créneau de {day_label}, {start}", planned,
                                         travel=entry.slot_kind == "TRAVEL")
    return line


def _render_week(request, timesheet: Timesheet, *, form=None, add_form=None, errors=(), by_occurrence=False,
                 entries: list[TimeEntry] | None = None, reread: bool = True):
    """The AESH's week page. A saved week is read again with its lines (`reread`, after a POST),
    or gets its lines on the row already read (a GET); `entries`: the lines of a week not saved
    (services.timesheet_preview)."""
    if entries is None:
        if reread:
            aesh = timesheet.aesh
            timesheet = Timesheet.objects.select_related("validated_by").get(pk=timesheet.pk)
            timesheet.aesh = aesh
        entries = list(selectors.with_page_entries(timesheet).entries.all())
        events = list(timesheet.events.all())
    else:
        events = []
    if form is None:
        form = WeekForm(timesheet=timesheet, entries=entries, by_occurrence=by_occurrence)
    body = _week_body(timesheet, entries, events, csrf_token=get_token(request), form=form, add_form=add_form,
                      errors=errors, by_occurrence=by_occurrence)
    # The form in the page's context as well, as when the body was a template (tests read it there).
    return render(request, "hours/week.html", {"timesheet": timesheet, "body": body, "form": form})


def _week_body(timesheet: Timesheet, entries: list[TimeEntry], events: list, *, csrf_token: str, form=None,
               add_form=None, errors=(), by_occurrence=False, token: str | None = None) -> str:
    """The page's content (hours.week_markup), written without the request: what it shows of
    the request is its CSRF token, given (`token`: the added activity's, else a new one)."""
    days = selectors.days_of(timesheet, entries)
    if form is None:
        form = WeekForm(timesheet=timesheet, entries=entries, by_occurrence=by_occurrence)
    add_fresh = None
    if add_form is None:  # made only if its markup is not kept yet (hours.week_markup: per Monday)
        initial = {"token": token or new_token()}
        add_form = SimpleLazyObject(lambda: AddEntryForm(timesheet=timesheet, initial=initial))
        add_fresh = (timesheet.week_start, initial["token"])
    editable = timesheet.is_editable
    for day in days:
        day.rows = [_line(form, entry, day.label, editable) for entry in day.slots]
    today = timezone.localdate()
    current = rules.monday_of(today)
    previous = timesheet.week_start - datetime.timedelta(weeks=1)
    last = selectors.last_school_day(timesheet, entries=entries)
    return week_markup.body({
        "timesheet": timesheet, "days": days, "form": form, "add_form": add_form, "add_fresh": add_fresh,
        "errors": list(errors),
        "add_action": reverse("hours:add", args=[timesheet.slug]), "csrf_token": csrf_token,
        "editable": editable, "connexe": form.connexe_fields(), "totals": timesheet.totals,
        "previous": rules.week_slug(previous) if previous >= current - OLDEST_WEEK else None,
        "next": rules.week_slug(timesheet.week_start + datetime.timedelta(weeks=1))
        if timesheet.week_start < current else None,
        "events": events, "finished": today > last,
        "finished_message": services.finished_message(timesheet, last=last),
    })


def _on_week(request, slug: str, page):
    """Run `page(request, timesheet, fresh)` on the AESH's week. A week never opened is created as
    its first POST would create it, inside a savepoint rolled back unless that POST saved: a GET, or
    a POST refused, writes nothing. Such a page names its lines by day and slot (`fresh`), since the
    ids the saving POST creates are not the ones rendered."""
    aesh, monday = _week_of(request, slug)
    existing = selectors.week_of(aesh.pk, monday) if aesh.week_id else None
    if (existing is None or request.method == "POST") and not _of_current_year(aesh, monday) \
            and (refusal := services.closed_year_refusal(existing, monday)):
        messages.error(request, refusal)  # an opened week of a closed year can still be read
        return redirect("hours:week", slug=slug) if existing else redirect("hours:my_hours")
    if existing:
        existing.aesh = aesh  # the same row, read once
        return page(request, existing, False)[0]
    if request.method != "POST":  # a look at a week never opened: its pre-fill, built in memory
        return _preview_page(request, aesh, monday)
    with transaction.atomic():
        response, saved = page(request, services.timesheet_open(aesh=aesh, monday=monday), True)
        if not saved:
            transaction.set_rollback(True)
    return response


PREVIEW_KEY = "pial:hours:preview-page:{aesh}:{monday}:{today}:{letter}"
PREVIEW_SECONDS = 26 * 3600  # a key names its day: yesterday's is never read again


def _preview_page(request, aesh: Aesh, monday: datetime.date):
    """A look at a week never opened (services.timesheet_preview), its page content kept between
    the AESH's looks (pial.figures.kept) under the versions of what it comes from: the global one
    and those of the pôles of the AESH, of the slots' schools, of the students' and ULIS' schools.
    Keyed on the AESH, the week, today (a day after it is « à venir », the week finished, the
    other weeks linked) and the week's letter (A/B). What is the request's in it (its CSRF token,
    the added activity's token) is kept as random marks, put in again on each look. A week an
    absence period touches is read each time (absences are not versioned)."""
    if getattr(aesh, "absent_that_week", True) is not False:
        timesheet, entries = services.timesheet_preview(aesh=aesh, monday=monday)
        return _render_week(request, timesheet, entries=entries, by_occurrence=True)

    def read():
        timesheet, entries = services.timesheet_preview(aesh=aesh, monday=monday)
        poles = {entry.school.pole_id for entry in entries if entry.school}
        for entry in entries:
            for assignment in entry.slot.assignments.all() if entry.slot else ():
                target = assignment.student if assignment.student_id else assignment.ulis
                poles.add(target.school.pole_id)
        marks = {"csrf": secrets.token_hex(16), "token": secrets.token_hex(16)}
        body = _week_body(timesheet, entries, [], csrf_token=marks["csrf"], token=marks["token"], by_occurrence=True)
        return {"body": str(body), **marks}, {figures.GLOBAL, *(figures.pole_name(p) for p in poles)}

    key = PREVIEW_KEY.format(aesh=aesh.pk, monday=monday.isoformat(), today=timezone.localdate().isoformat(),
                             letter=week_letter(monday))
    kept = figures.kept(key, (figures.GLOBAL, figures.pole_name(aesh.home_pole_id)), read, PREVIEW_SECONDS)
    body = kept["body"].replace(kept["csrf"], get_token(request)).replace(kept["token"], new_token())
    return render(request, "hours/week.html", {"timesheet": Timesheet(aesh=aesh, week_start=monday),
                                               "body": mark_safe(body)})  # rendered and escaped above


def _of_current_year(aesh: Aesh, monday: datetime.date) -> bool:
    """A week no closed year refuses (services.closed_year_message: none without a current year,
    none from its rentrée on), known from the AESH's read without reading the year again."""
    return aesh.year_start is None or monday >= rules.monday_of(aesh.year_start)


def my_timesheet(request, slug: str):
    """An AESH: one week, pre-filled from the timetable; they say what happened and send it."""
    return _on_week(request, slug, _week_page)


def _week_page(request, timesheet: Timesheet, fresh: bool):
    if request.method != "POST":
        return _render_week(request, timesheet, by_occurrence=fresh, reread=False), False
    loaded = selectors.timesheet_for_page(timesheet.pk)
    form = WeekForm(posted(request), timesheet=loaded, entries=list(loaded.entries.all()),
                    by_occurrence=request.POST.get("keys") == "occurrence")
    if not form.is_valid():
        return _render_week(request, timesheet, form=form), False
    submit = request.POST.get("action") == "submit"
    saved = False
    try:
        warnings = services.timesheet_save(timesheet=timesheet, slots=form.slot_answers(),
                                           connexe=form.connexe_minutes(), comment=form.cleaned_data["comment"],
                                           version=form.cleaned_data["version"])
        saved = True
        if submit:
            services.timesheet_submit(timesheet=timesheet, user=request.user)
    except ValidationError as error:
        return _render_week(request, timesheet, form=form, errors=error.messages, by_occurrence=fresh), saved
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(request, "Semaine transmise à la coordination." if submit else "Semaine enregistrée.")
    return redirect("hours:week", slug=timesheet.slug), True


@require_POST
def my_timesheet_add(request, slug: str):
    return _on_week(request, slug, _add_page)


def _add_page(request, timesheet: Timesheet, fresh: bool):
    form = AddEntryForm(request.POST, timesheet=timesheet)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_add(timesheet=timesheet, kind=data["kind"], day=data["day"], minutes=data["duration"],
                               label=data["label"], training_kind=data["training_kind"], client_token=data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Activité ajoutée à la semaine.")
            return redirect("hours:week", slug=timesheet.slug), True
    return _render_week(request, timesheet, add_form=form, by_occurrence=fresh), False


@require_POST
def my_timesheet_remove(request, pk: int):
    _require(perms.can_declare_hours(request.scope))
    entry = get_object_or_404(TimeEntry.objects.select_related("timesheet"), pk=pk,
                              timesheet__in=Timesheet.objects.visible_to(request.scope))
    try:
        if refusal := services.closed_year_refusal(entry.timesheet, entry.timesheet.week_start):
            raise ValidationError(refusal)
        services.entry_remove(entry=entry)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Activité retirée de la semaine.")
    return redirect("hours:week", slug=entry.timesheet.slug)


# --- The coordination ------------------------------------------------------------------------------

QUEUE_STATES = {"": "Tous les états", **dict(TimesheetState.choices)}

# What a row of the queue reads: the week's own columns, its AESH's name, its main school's.
_QUEUE_FIELDS = model_columns(Timesheet, ["id", "aesh_id", "week_start", "state", "main_school_id",
                                          *selectors.TOTAL_FIELDS])
_QUEUE_RELATED = ["aesh__first_name", "aesh__last_name", "main_school__name", "main_school__zone"]


def _queue_sheet(row: tuple) -> Timesheet:
    """A week of the queue (the columns above, others deferred), its AESH and main school named."""
    sheet = Timesheet.from_db("default", _QUEUE_FIELDS, row[:len(_QUEUE_FIELDS)])
    first_name, last_name, school_name, zone = row[len(_QUEUE_FIELDS):]
    sheet.aesh = Aesh.from_db("default", ["id", "first_name", "last_name"], (sheet.aesh_id, first_name, last_name))
    sheet.main_school = School.from_db("default", ["id", "name", "zone"], (sheet.main_school_id, school_name, zone)) \
        if sheet.main_school_id else None
    return sheet


def queue(request):
    """Coordinators (and pilots, read only): the weeks to validate, by school, anomalies shown."""
    scope = request.scope
    _require(perms.can_view_hours(scope))
    state = request.GET.get("etat", TimesheetState.SUBMITTED)
    state = state if state in QUEUE_STATES else TimesheetState.SUBMITTED
    wanted = request.GET.get("etablissement") or ""  # a school's id, or anything else: ignored
    school_id = int(wanted) or None if wanted.isascii() and wanted.isdigit() and len(wanted) <= 12 else None
    # The list's and the schools' SQL are functions of these inputs: compiled once per process (pial.sqlmemo).
    key = scope_key(scope)
    schools = MemoList(("hours:queue:schools", key), lambda: School.objects.visible_to(scope).order_by("name"),
                       ["pk", "name"], tuple)[0:None]
    sheets = MemoList(("hours:queue", key, state, school_id),
                      lambda: selectors.validation_queue(scope, state=state, school_id=school_id),
                      [*_QUEUE_FIELDS, *_QUEUE_RELATED], _queue_sheet)
    page = Paginator(sheets, 100).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for sheet in page.object_list:
        sheet.unfinished = not selectors.is_finished(sheet, today, quick=True)
    can_validate = perms.can_validate_hours(scope)
    return render(request, "hours/queue.html", {
        "page_obj": page, "state": state, "state_options": queue_markup.options(QUEUE_STATES.items(), state),
        "school_options": queue_markup.options(schools, school_id),
        "groups": queue_markup.groups(list(page.object_list), can_validate), "can_validate": can_validate,
        "clean_count": sum(1 for sheet in page.object_list if sheet.state == TimesheetState.SUBMITTED
                           and not sheet.anomalies and not sheet.unfinished),
    })


@require_POST
def queue_validate(request):
    scope = request.scope
    _require(perms.can_validate_hours(scope))
    # « Valider toutes les semaines sans écart de cette page »: every week the page offered, in one click.
    field = "clean" if request.POST.get("tout") else "timesheet"
    ids = [int(i) for i in request.POST.getlist(field) if i.isdigit()]
    sheets = Timesheet.objects.visible_to(scope).filter(pk__in=ids).order_by("pk")
    validated, skipped = services.timesheets_validate_clean(timesheets=sheets, user=request.user)
    if validated:
        messages.success(request, f"{validated} semaine{'s' if validated > 1 else ''} validée"
                                  f"{'s' if validated > 1 else ''}.")
    if skipped or not ids:
        messages.warning(request, f"{skipped} semaine(s) laissée(s) de côté : seules les semaines finies, transmises "
                                  "et sans écart se valident en lot." if ids else "Cochez les semaines à valider.")
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/missions/heures/")
                    else "hours:queue")


def _visible_sheet(request, pk: int) -> Timesheet:
    _require(perms.can_view_hours(request.scope))
    get_object_or_404(Timesheet.objects.visible_to(request.scope), pk=pk)
    return selectors.timesheet_for_page(pk)


def timesheet_detail(request, pk: int):
    """Coordinators and pilots: a week as declared, its journal, and the decision to take."""
    timesheet = _visible_sheet(request, pk)
    return render(request, "hours/timesheet.html", {
        "timesheet": timesheet, "days": selectors.days_of(timesheet), "totals": timesheet.totals,
        "connexe": [(c, m) for c, m in selectors.connexe_of(timesheet).items()],
        "connexe_labels": dict(ConnexeCategory.choices),
        "events": list(timesheet.events.all()), "form": DecisionForm(),
        "can_validate": perms.can_validate_hours(request.scope),
        "finished": selectors.is_finished(timesheet, timezone.localdate()),
        "finished_message": services.finished_message(timesheet, "se valide"),
    })


@require_POST
def timesheet_decide(request, pk: int):
    _require(perms.can_validate_hours(request.scope))
    timesheet = _visible_sheet(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Commentaire : 1 000 caractères au plus. Rien n'a été décidé.")
        return redirect("hours:timesheet", pk=pk)
    comment = form.cleaned_data["comment"]
    action = request.POST.get("action")
    try:
        if action == "validate":
            services.timesheet_validate(timesheet=timesheet, user=request.user)
            messages.success(request, "Semaine validée.")
        elif action == "return":
            services.timesheet_return(timesheet=timesheet, user=request.user, comment=comment)
            messages.success(request, "Semaine renvoyée à l'AESH avec votre commentaire.")
        elif action == "reopen":
            services.timesheet_reopen(timesheet=timesheet, user=request.user, comment=comment)
            messages.success(request, "Semaine rouverte : l'AESH peut la corriger. La réouverture est journalisée.")
        else:
            messages.error(request, "Choisissez une décision.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("hours:timesheet", pk=pk)


def balances(request):
    """Coordinators and pilots: each AESH's year, by name (nothing here ranks people)."""
    scope = request.scope
    _require(perms.can_view_hours(scope))
    today = timezone.localdate()
    year = year_from_param(request.GET.get("annee"))
    rows = list(selectors.pole_balances(scope, year, today))
    return render(request, "hours/balances.html", {
        "rows": rows, "year": year, "school_weeks": setting("SCHOOL_WEEKS"),
        "months": _school_year_months(year, today), "years": SchoolYear.objects.order_by("-start_date"),
    })


def aesh_hours(request, pk: int):
    """Coordinators and pilots: one AESH's balance and weeks."""
    scope = request.scope
    _require(perms.can_view_hours(scope))
    aesh = get_object_or_404(aesh_for_detail(scope), pk=pk)
    today = timezone.localdate()
    year, years = _years(request)
    weeks = selectors.open_weeks(aesh, year, today)
    pattern = reverse("hours:timesheet", args=[0])
    for week in weeks:  # a week opened links to its page, without a reverse() per week
        week["url"] = pattern.replace("/0/", f"/{week['sheet'].pk}/") if week["sheet"] else ""
    return render(request, "hours/aesh_hours.html", {
        "aesh": aesh, "weeks": weeks, "balance": selectors.balance(aesh, year, today),
        "months": _statement_links(_school_year_months(year, today), "hours:statement", aesh.pk), "year": year,
        "years": years,
    })


# --- Référents ------------------------------------------------------------------------------------

def _referent_page(request, referent: Aesh, form=None):
    today = timezone.localdate()
    year = SchoolYear.objects.current()
    start, end = selectors.year_bounds(year, today)
    activities = selectors.referent_activities(request.scope, referent, start, end)
    quotite = referent_quotite_on(referent, today)
    contract = referent.contracts.filter(start_date__lte=today).order_by("-start_date").first()
    return render(request, "hours/referent.html", {
        "referent": referent, "activities": activities, "form": form, "year": year,
        "time": selectors.referent_time(activities, quotite,
                                        contract.annual_base if contract else setting("ANNUAL_BASE_HOURS")),
    })


def referent_log(request):
    """An AESH référent: the support they give, beside their référent time."""
    _require(perms.can_declare_hours(request.scope))
    referent = _own_aesh(request)
    if referent is None:
        return render(request, "aesh/my_record_missing.html")
    if not referent_quotite_on(referent, timezone.localdate()):
        raise PermissionDenied
    form = ReferentActivityForm(posted(request), referent=referent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referent_activity_add(referent=referent, date=data["date"], kind=data["kind"],
                                           minutes=data["duration"], supported=list(data["supported"]),
                                           note=data["note"], client_token=data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("hours:referent_log")
    return _referent_page(request, referent, form)


def referent_log_of(request, pk: int):
    """Coordinators and pilots: a référent's log (read only)."""
    _require(perms.can_view_hours(request.scope))
    referent = get_object_or_404(Aesh.objects.visible_to(request.scope), pk=pk)
    return _referent_page(request, referent)

