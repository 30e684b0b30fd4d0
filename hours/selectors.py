"""Reads of the hours: the week's pre-fill, the validation queue, balances, monthly figures.

Queues and balances read the totals kept on each Timesheet and aggregate in the
database: a constant number of queries whatever the number of weeks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from aesh.enums import AbsenceReason
from aesh.models import Absence, Aesh
from aesh.selectors import contract_figures, contract_on, with_current_terms
from hours import rules
from hours.enums import (
    Attendance,
    ConnexeCategory,
    EntryKind,
    ReferentActivityKind,
    TimesheetState,
)
from hours.models import ReferentActivity, TimeEntry, Timesheet, TimesheetEvent
from missions.calendar import is_day_off, week_letter
from missions.models import Assignment, TimeSlot
from pial import calendar, sqlmemo
from pial.calendar import week_off_name
from pial.conf import setting
from pial.models import School, SchoolYear
from pial.scope import Scope
from pial.sqlmemo import MemoList

DECLARED_STATES = (TimesheetState.SUBMITTED, TimesheetState.VALIDATED)
TOTAL_FIELDS = ("planned_minutes", "accompaniment_minutes", "travel_minutes", "extra_minutes", "absence_minutes",
                "unexplained_minutes", "connexe_minutes", "training_minutes")


# --- The week -----------------------------------------------------------------------------

def planned_occurrences(aesh_id: int, monday: datetime.date, *, for_page: bool = False,
                        ) -> list[tuple[datetime.date, TimeSlot]]:
    """The AESH's timetable slots on the days of the week, holidays and A/B weeks applied
    (`for_page`: with their assignments' students and ULIS, as the week page names them)."""
    friday = monday + datetime.timedelta(days=5)
    # One AESH's slots: TimeSlot's ordering without its leading "aesh" (a join to order by name).
    queryset = (TimeSlot.objects.filter(aesh_id=aesh_id, valid_from__lte=friday)
                .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=monday)).select_related("school")
                .order_by("weekday", "start_time", "pk"))
    if for_page:
        queryset = queryset.prefetch_related(_slot_assignments())
    slots = {slot.pk: slot for slot in queryset}
    zones = {slot.school_id: slot.school.zone for slot in slots.values()}
    found = rules.occurrences(
        [slot.as_rule_slot(assignments=[]) for slot in slots.values()], monday, week_letter(monday),
        lambda day, school_id: is_day_off(day, zones.get(school_id, "")),
    )
    return [(day, slots[rule_slot.id]) for day, rule_slot in found]


def absence_reasons(aesh_id: int, monday: datetime.date) -> dict[datetime.date, str]:
    """The days of the week that fall in an absence period of the AESH (aesh.Absence), with its motif."""
    friday = monday + datetime.timedelta(days=4)
    days = {}
    for absence in Absence.objects.filter(aesh_id=aesh_id).overlapping(monday, friday).order_by("start_date"):
        for offset in range(5):
            day = monday + datetime.timedelta(days=offset)
            if absence.start_date <= day <= absence.end_date:
                days[day] = absence.reason
    return days


def declared_absences(aesh: QuerySet[Aesh], *, since: datetime.date, limit: int = 30) -> list[dict]:
    """The days these AESH said in their weeks they were absent, newest first: one row per AESH
    and day (aesh_id, first_name, last_name, day, reason), for the absence page to offer a
    replacement."""
    return list(TimeEntry.objects.filter(timesheet__aesh__in=aesh, attendance=Attendance.AESH_ABSENT, day__gte=since)
                .values("day", aesh_id=F("timesheet__aesh_id"), first_name=F("timesheet__aesh__first_name"),
                        last_name=F("timesheet__aesh__last_name"), reason=F("absence_reason"))
                .order_by("-day", "aesh_id").distinct()[:limit])


def week_of(aesh_id: int, monday: datetime.date) -> Timesheet | None:
    """The AESH's week if it was ever opened (by a POST: a GET never creates it); its statement
    compiled once (pial.sqlmemo)."""
    return sqlmemo.first("hours:week_of", _week_of, aesh_id, monday)


def _week_of(aesh_id: int, monday: datetime.date) -> QuerySet[Timesheet]:
    return Timesheet.objects.filter(aesh_id=aesh_id, week_start=monday).order_by("pk")  # one at most


def _slot_assignments(lookup: str = "assignments") -> Prefetch:
    """The students and ULIS a slot is for, in one query (the week page prints their names; a
    ULIS is named with its school): the columns those names need (and the schools' pôles, for the
    versions of hours.views._preview), not whole pupil rows."""
    return Prefetch(lookup, queryset=Assignment.objects.select_related("student__school", "ulis__school").only(
        "student_id", "ulis_id", "student__first_name", "student__last_name", "student__school__pole_id",
        "ulis__name", "ulis__school__name", "ulis__school__pole_id"))


def with_page_entries(timesheet: Timesheet) -> Timesheet:
    """The AESH's own week page: its lines with their school and slot, the slots' students and ULIS,
    and its events — three queries, on a week already read (no second read of its row). Their
    statements are compiled once (pial.sqlmemo); what they read is set as prefetched lists:
    `week.entries.all()`, `week.events.all()`, `slot.assignments.all()` (in the order
    _slot_assignments() reads them) give them without a query, and a `.filter()` on them fails
    rather than reading again (a related queryset per list was a tenth of a millisecond each)."""
    entries = sqlmemo.objects("hours:page_entries", _page_entries, timesheet.pk)
    if any(entry.slot_id for entry in entries):
        served: dict[int, list[Assignment]] = {}
        for link in sqlmemo.objects("hours:page_assignments", _page_assignments, timesheet.pk):
            served.setdefault(link.timeslot_id, []).append(link.assignment)
        for entry in entries:
            if entry.slot_id:
                entry.slot.__dict__.setdefault("_prefetched_objects_cache", {})["assignments"] = \
                    list(served.get(entry.slot_id, ()))
    events = sqlmemo.objects("hours:page_events", _page_events, timesheet.pk)
    cache = timesheet.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, found in (("entries", entries), ("events", events)):
        for obj in found:
            obj.timesheet = timesheet
        cache[name] = found
    return timesheet


def _page_entries(timesheet_id: int) -> QuerySet[TimeEntry]:
    # Ordered as the models are, minus their leading "timesheet" (one week here): ordering by that
    # key orders by Timesheet's own ordering, a join to the timesheet and its AESH in each query.
    return (TimeEntry.objects.filter(timesheet_id=timesheet_id).select_related("school", "slot")
            .order_by("day", "start_time", "pk"))


def _page_assignments(timesheet_id: int) -> QuerySet:
    """The slots' links to their assignments, for the week's lines: the columns _slot_assignments()
    reads, in its order (Assignment's, then the link table's index order, as that prefetch meets them)."""
    slots = TimeEntry.objects.filter(timesheet_id=timesheet_id, slot_id__isnull=False).values("slot_id")
    return (TimeSlot.assignments.through.objects.filter(timeslot_id__in=Subquery(slots))
            .select_related("assignment__student__school", "assignment__ulis__school")
            .only("timeslot_id", "assignment_id", "assignment__student_id", "assignment__ulis_id",
                  "assignment__student__first_name", "assignment__student__last_name",
                  "assignment__student__school__pole_id", "assignment__ulis__name", "assignment__ulis__school__name",
                  "assignment__ulis__school__pole_id")
            .order_by("-assignment__start_date", "assignment_id"))


def _page_events(timesheet_id: int) -> QuerySet[TimesheetEvent]:
    return TimesheetEvent.objects.filter(timesheet_id=timesheet_id).order_by("at", "pk")


def timesheet_for_page(timesheet_id: int) -> Timesheet:
    """A week with its entries (their slots' students for the AESH's own view) and its events."""
    return (Timesheet.objects.select_related("aesh__home_pole", "validated_by", "main_school")
            .prefetch_related("entries__school", "entries__slot__assignments__student",
                              "entries__slot__assignments__ulis", "events")
            .get(pk=timesheet_id))


@dataclass
class DayRows:
    day: datetime.date
    label: str
    slots: list[TimeEntry] = field(default_factory=list)
    added: list[TimeEntry] = field(default_factory=list)
    minutes: int = 0


def days_of(timesheet: Timesheet, entries: list[TimeEntry] | None = None) -> list[DayRows]:
    """The week's entries (its own, or `entries` of a week not saved) day by day (Monday to
    Friday, and a Saturday if something is on it)."""
    days = {}
    for offset in range(6):
        day = timesheet.week_start + datetime.timedelta(days=offset)
        days[day] = DayRows(day=day, label=rules.day_label(day))
    for entry in timesheet.entries.all() if entries is None else entries:
        if entry.day is None or entry.day not in days:
            continue
        row = days[entry.day]
        (row.slots if entry.kind == EntryKind.SLOT else row.added).append(entry)
        row.minutes += entry.minutes
    return [row for row in days.values() if row.day.weekday() < 5 or row.slots or row.added]


def connexe_of(timesheet: Timesheet) -> dict[str, int]:
    return {e.category: e.minutes for e in timesheet.entries.all() if e.kind == EntryKind.CONNEXE}


def _pole_zones(pole_id) -> QuerySet[School]:
    return School.objects.filter(pole_id=pole_id).exclude(zone="").order_by("pk").values_list("zone", flat=True)


def zone_of(aesh: Aesh) -> str:
    """The school-holiday zone of the AESH's pôle (its schools'), "" if none is known (read with
    the AESH by with_week_context)."""
    if hasattr(aesh, "pole_zone"):
        return aesh.pole_zone or ""
    return _pole_zones(aesh.home_pole_id).first() or ""


def with_pole_zone(aesh: QuerySet[Aesh]) -> QuerySet[Aesh]:
    """The AESH with their pôle's zone (`pole_zone`, read by zone_of) in the same query."""
    return aesh.annotate(pole_zone=Subquery(_pole_zones(OuterRef("home_pole_id"))[:1]))


def with_week_context(aesh: QuerySet[Aesh], monday: datetime.date, friday: datetime.date | None = None,
                      ) -> QuerySet[Aesh]:
    """The AESH with, in the same query, what their week page reads next: the pôle's zone
    (`pole_zone`, zone_of), the id of their week of `monday` if it was ever opened (`week_id`), and
    the current school year's rentrée (`year_start`, None without a current year), and whether an
    absence period touches the week (`absent_that_week`: absence_reasons is read only then).
    `friday`: the week's (given apart for pial.sqlmemo.first, whose values are parameters)."""
    friday = monday + datetime.timedelta(days=4) if friday is None else friday
    return with_pole_zone(aesh).annotate(
        week_id=Subquery(Timesheet.objects.filter(aesh_id=OuterRef("pk"), week_start=monday).order_by()
                         .values("pk")[:1]),
        year_start=Subquery(SchoolYear.objects.filter(is_current=True).order_by().values("start_date")[:1]),
        absent_that_week=Exists(Absence.objects.filter(aesh_id=OuterRef("pk"))
                                .overlapping(monday, friday)),
    ).order_by("pk")


def _main_school_zone(timesheet: Timesheet) -> str:
    return timesheet.main_school.zone if timesheet.main_school_id else ""


def last_school_day(timesheet: Timesheet, *, quick: bool = False, entries: list[TimeEntry] | None = None,
                    ) -> datetime.date:
    """The week's last school day: its last weekday that is not a day off in the pôle's zone, or a
    later day with a timetabled slot (a Saturday morning); the Friday of a week without any.
    `quick` (a list of weeks): the zone of the week's main school, its slots not read. `entries`:
    the lines of a week not saved."""
    monday = timesheet.week_start
    zone = _main_school_zone(timesheet) if quick else zone_of(timesheet.aesh)
    last = monday + datetime.timedelta(days=4)
    for offset in range(4, -1, -1):
        day = monday + datetime.timedelta(days=offset)
        try:
            if not calendar.is_day_off(day, zone):
                last = day
                break
        except calendar.SchoolCalendarUnknown:
            last = day
            break
    if quick:
        return last
    slot_days = [e.day for e in (timesheet.entries.all() if entries is None else entries)
                 if e.kind == EntryKind.SLOT and e.day]
    return max([last, *slot_days])


def is_finished(timesheet: Timesheet, today: datetime.date, *, quick: bool = False) -> bool:
    """A week is transmitted and validated only once it has happened."""
    return today > last_school_day(timesheet, quick=quick)


@lru_cache(maxsize=512)
def _week_off_name(monday: datetime.date, zone: str) -> str:
    """pial.calendar.week_off_name, kept per process: a week's holidays are the calendar
    packages' data, which a running process never reloads (each call built the year's public
    holidays anew, for every week of the list)."""
    return week_off_name(monday, zone)


_SHEET_COLUMNS = [f.attname for f in Timesheet._meta.concrete_fields]


def _sheet(row: tuple) -> Timesheet:
    return Timesheet.from_db("default", _SHEET_COLUMNS, row)


def open_weeks(aesh: Aesh, year: SchoolYear | None, today: datetime.date) -> list[dict]:
    """Every week of the school year up to this one: its timesheet if opened, newest first."""
    current = rules.monday_of(today)
    start = rules.monday_of(year.start_date) if year else current - datetime.timedelta(weeks=12)
    end = min(current, rules.monday_of(year.end_date)) if year else current
    # Not Timesheet's ordering: it joins the AESH to order by name. Compiled once per span, the
    # AESH's id bound (pial.sqlmemo).
    sheets = {t.week_start: t for t in MemoList(
        ("hours:open_weeks", start, end), lambda a: Timesheet.objects.filter(
            aesh_id=a, week_start__gte=start, week_start__lte=end).order_by("week_start"),
        _SHEET_COLUMNS, _sheet, (aesh.pk,))[0:None]}
    zone = zone_of(aesh)
    weeks, monday = [], end
    while monday >= start:
        sheet = sheets.get(monday)
        weeks.append({"monday": monday, "slug": rules.week_slug(monday), "label": rules.week_label(monday),
                      "sheet": sheet, "current": monday == current,
                      "off": "" if sheet else _week_off_name(monday, zone)})
        monday -= datetime.timedelta(weeks=1)
    return weeks


# --- The coordination's queue ---------------------------------------------------------------

def validation_queue(scope: Scope, *, state: str = TimesheetState.SUBMITTED, school_id: int | None = None,
                     ) -> QuerySet[Timesheet]:
    """Weeks of the scope in a state, grouped by main school, then by AESH and week."""
    queryset = Timesheet.objects.visible_to(scope).select_related("aesh", "main_school")
    if state:
        queryset = queryset.filter(state=state)
    if school_id:
        queryset = queryset.filter(main_school_id=school_id)
    return queryset.order_by(F("main_school__name").asc(nulls_last=True), "aesh__last_name", "aesh__first_name",
                             "week_start")


# --- Balances -------------------------------------------------------------------------------

def _sums(prefix: str = "", condition: Q | None = None, alias: str = "") -> dict:
    return {f"{alias}{name}": Coalesce(Sum(f"{prefix}{name}", filter=condition), Value(0),
                                       output_field=IntegerField()) for name in TOTAL_FIELDS}


@dataclass(frozen=True)
class Balance:
    """An AESH's school year: what was done, beside what the timetable and the contract say.
    Framed as recognition: connexe time is shown beside the lump sum, never as a deficit."""

    weeks_declared: int
    weeks_validated: int
    totals: rules.WeekTotals
    validated: rules.WeekTotals
    contractual_minutes: int | None
    lump_sum_minutes: int | None
    weekly_hours: Decimal | None
    connexe_by_category: list[tuple[str, int]]
    absences_by_reason: list[tuple[str, int]]
    training_minutes: int
    adaptation_hours: Decimal


def _week_totals(values: dict, prefix: str = "") -> rules.WeekTotals:
    return rules.WeekTotals(**{name.removesuffix("_minutes"): values[f"{prefix}{name}"] for name in TOTAL_FIELDS})


def year_bounds(year: SchoolYear | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if year:
        return year.start_date, year.end_date
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return start, datetime.date(start.year + 1, 8, 31)


def balance(aesh: Aesh, year: SchoolYear | None, today: datetime.date) -> Balance:
    """One AESH's year (the AESH loaded with aesh_for_detail): five queries."""
    start, end = year_bounds(year, today)
    pk = aesh.pk

    def sheets(aesh_id):
        return Timesheet.objects.filter(aesh_id=aesh_id, state__in=DECLARED_STATES).of_school_year(start, end)

    # Both statements are functions of the year's bounds, the AESH's id bound: compiled once (pial.sqlmemo).
    # One row per state (transmitted, validated) with its sums: plain SUM()s, cheaper to build than
    # a filtered, coalesced pair of each; the year's and the validated totals added up here.
    values = {"weeks": 0, "weeks_validated": 0, **{f"{p}{name}": 0 for p in ("t_", "v_") for name in TOTAL_FIELDS}}
    by_state = MemoList(("hours:balance:states", start, end), lambda a: sheets(a).order_by().values("state").annotate(
        n=Count("pk"), **{name: Sum(name) for name in TOTAL_FIELDS}), ["state", "n", *TOTAL_FIELDS],
        lambda row: dict(zip(["state", "n", *TOTAL_FIELDS], row, strict=True)), (pk,))
    for row in by_state[0:None]:
        prefixes = ("t_", "v_") if row["state"] == TimesheetState.VALIDATED else ("t_",)
        values["weeks"] += row["n"]
        values["weeks_validated"] += row["n"] if row["state"] == TimesheetState.VALIDATED else 0
        for prefix in prefixes:
            for name in TOTAL_FIELDS:
                values[f"{prefix}{name}"] += row[name] or 0
    # Connexe time by category and absences by reason, in one grouped query.
    by_category: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for kind, category, reason, minutes, missing in MemoList(
            ("hours:balance:entries", start, end), lambda a: TimeEntry.objects.filter(timesheet__in=sheets(a))
            .filter(Q(kind=EntryKind.CONNEXE) | Q(kind=EntryKind.SLOT, attendance=Attendance.AESH_ABSENT))
            .values_list("kind", "category", "absence_reason")
            .annotate(m=Sum("minutes"), missing=Sum(F("planned_minutes") - F("minutes"))),
            ["kind", "category", "absence_reason", "m", "missing"], tuple, (pk,))[0:None]:
        if kind == EntryKind.CONNEXE:
            by_category[category] = by_category.get(category, 0) + minutes
        else:
            by_reason[reason] = by_reason.get(reason, 0) + missing
    contract = contract_on(aesh, today) or next(iter(aesh.contracts.all()), None)
    figures = contract_figures(aesh, contract, today) if contract else None
    weekly = figures.terms.weekly_hours if figures else None
    adaptation = sum((t.hours for t in aesh.trainings.all() if t.kind == "ADAPTATION"), Decimal(0))
    return Balance(
        weeks_declared=values["weeks"], weeks_validated=values["weeks_validated"], totals=_week_totals(values, "t_"),
        validated=_week_totals(values, "v_"),
        contractual_minutes=int(weekly * setting("SCHOOL_WEEKS") * 60) if weekly else None,
        lump_sum_minutes=int(figures.connexe_hours * 60) if figures else None, weekly_hours=weekly,
        connexe_by_category=[(c.label, by_category.get(c.value, 0)) for c in ConnexeCategory],
        absences_by_reason=[(r.label, by_reason[r.value]) for r in AbsenceReason if by_reason.get(r.value)],
        training_minutes=values["t_training_minutes"], adaptation_hours=adaptation,
    )


def pole_balances(scope: Scope, year: SchoolYear | None, today: datetime.date) -> QuerySet[Aesh]:
    """Every AESH of the scope with their year's declared totals: one query, sorted by name
    (never by connexe time: nothing here ranks people). A past year shows the terms in force
    on its last day, not today's."""
    start, end = year_bounds(year, today)
    in_year = Q(timesheets__state__in=DECLARED_STATES, timesheets__week_start__gte=start - datetime.timedelta(days=6),
                timesheets__week_start__lte=end)
    return (with_current_terms(Aesh.objects.visible_to(scope), min(today, end))
            .annotate(weeks_declared=Count("timesheets", filter=in_year),
                      weeks_validated=Count("timesheets", filter=in_year & Q(timesheets__state="VALIDATED")),
                      weeks_waiting=Count("timesheets", filter=in_year & Q(timesheets__state=TimesheetState.SUBMITTED)),
                      **_sums("timesheets__", in_year))
            .order_by("last_name", "first_name"))


# --- Months ----------------------------------------------------------------------------------

def month_sheets(queryset: QuerySet[Timesheet], year: int, month: int) -> QuerySet[Timesheet]:
    return (queryset.filter(week_start__in=rules.weeks_of_month(year, month))
            .select_related("aesh", "validated_by").prefetch_related("entries")
            .order_by("aesh__last_name", "aesh__first_name", "week_start"))


def entry_breakdown(timesheet: Timesheet) -> dict:
    """A week's minutes by connexe category and by absence reason (prefetched entries)."""
    connexe = dict.fromkeys(ConnexeCategory.values, 0)
    absences = dict.fromkeys(AbsenceReason.values, 0)
    for entry in timesheet.entries.all():
        if entry.kind == EntryKind.CONNEXE:
            connexe[entry.category] += entry.minutes
        elif entry.attendance == Attendance.AESH_ABSENT and entry.absence_reason:
            absences[entry.absence_reason] += max(entry.planned_minutes - entry.minutes, 0)
    return {"connexe": connexe, "absences": absences}


# --- Référents -------------------------------------------------------------------------------

def referent_activities(scope: Scope, referent: Aesh, start: datetime.date, end: datetime.date):
    return (ReferentActivity.objects.visible_to(scope).filter(referent=referent, date__gte=start, date__lte=end)
            .prefetch_related("supported").order_by("-date", "-pk"))


@dataclass(frozen=True)
class ReferentTime:
    quotite: Decimal | None
    yearly_minutes: int | None
    logged_minutes: int
    by_kind: list[tuple[str, int, int]]  # label, minutes, count


def referent_time(activities: QuerySet[ReferentActivity], quotite: Decimal | None, annual_base: int) -> ReferentTime:
    """The year's logged support beside the référent time of the avenant (quotité × annual base)."""
    rows = {row["kind"]: row for row in activities.order_by().values("kind").annotate(m=Sum("minutes"),
                                                                                       n=Count("pk"))}
    logged = sum(row["m"] for row in rows.values())
    return ReferentTime(
        quotite=quotite, yearly_minutes=int(quotite * annual_base * 60) if quotite else None, logged_minutes=logged,
        by_kind=[(k.label, rows[k.value]["m"], rows[k.value]["n"]) for k in ReferentActivityKind if k.value in rows],
    )

