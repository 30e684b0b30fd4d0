"""Reads for the coordinator's dashboard, coverage, the waiting list and timetable grids.

Coverage aggregates in the database: a constant number of queries whatever the
number of students. Weekly minutes count week-A/B slots for half.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from aesh.models import Aesh
from aesh.selectors import with_current_terms
from eleves.enums import AidKind
from eleves.models import Notification, Student
from missions import rules
from missions.models import Assignment, TimeSlot
from pial.models import SchoolYear
from pial.scope import Scope

WEEKLY_MINUTES = Sum(Case(When(week="", then=F("minutes")), default=F("minutes") / 2,
                          output_field=IntegerField()))


def _current_assignments(day: datetime.date):
    return Assignment.objects.filter(student=OuterRef("pk")).current_on(day)


def with_coverage(queryset: QuerySet[Student], day: datetime.date) -> QuerySet[Student]:
    """Each student with the notification in force and the weekly minutes their AESH assure."""
    in_force = Notification.objects.filter(student=OuterRef("pk")).in_force_on(day).order_by("-start_date")
    assured = (
        TimeSlot.objects.valid_on(day)
        .filter(Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=day),
                assignments__student=OuterRef("pk"), assignments__start_date__lte=day)
        .values("assignments__student").annotate(total=WEEKLY_MINUTES).values("total")
    )
    ended = (Assignment.objects.filter(student=OuterRef("pk"), end_date__lt=day).values("student")
             .annotate(last=Max("end_date")).values("last"))
    return queryset.annotate(
        has_notification=Exists(in_force),
        aid_kind_now=Subquery(in_force.values("aid_kind")[:1]),
        notified_hours=Subquery(in_force.values("weekly_hours")[:1]),
        notification_start=Subquery(in_force.values("start_date")[:1]),
        has_assignment=Exists(_current_assignments(day)),
        assured_minutes=Coalesce(Subquery(assured, output_field=IntegerField()), Value(0)),
        last_assignment_end=Subquery(ended),
        notified_minutes=ExpressionWrapper(F("notified_hours") * 60, output_field=DecimalField()),
    )


def coverage(scope: Scope, day: datetime.date) -> QuerySet[Student]:
    """Students of the scope with a notification in force, with their coverage."""
    return (with_coverage(Student.objects.visible_to(scope, day), day)
            .filter(has_notification=True, left_on__isnull=True).select_related("school"))


def _waiting() -> Q:
    """No assignment, or an individuelle aid partly assured (on `with_coverage`'s annotations)."""
    return Q(has_assignment=False) | Q(aid_kind_now=AidKind.INDIVIDUELLE, assured_minutes__lt=F("notified_minutes"))


def waiting_list(scope: Scope, day: datetime.date) -> QuerySet[Student]:
    """Students with a notification in force and no, or partial, assignment."""
    return coverage(scope, day).filter(_waiting()).order_by("notification_start", "last_name")


@dataclass(frozen=True)
class WaitingRow:
    student: Student
    cause: str
    missing_minutes: int | None
    waiting_since: datetime.date
    waiting_days: int


def rentree_on(day: datetime.date) -> datetime.date:
    """The rentrée of the school year holding `day` (the reports' Period.around, the same rule)."""
    year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).order_by("-start_date").first()
    return year.start_date if year else datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def waiting_start(notification_start: datetime.date, rentree: datetime.date) -> datetime.date:
    """THE waiting time's start, on the dashboard and in every report: the start of the notification
    in force, or the rentrée if that notification began before it (a wait is counted within the
    school year; the reports' SQL computes GREATEST(n.start_date, rentrée), the same)."""
    return max(notification_start, rentree)


def waiting_definition(rentree: datetime.date) -> str:
    return (f"Attente comptée depuis le début de la notification en cours, ou depuis la rentrée "
            f"(le {rentree:%d/%m/%Y}) si la notification a commencé avant : la même règle sur le tableau de "
            "bord et dans les rapports.")


def waiting_rows(students, day: datetime.date) -> list[WaitingRow]:
    rows = []
    rentree = rentree_on(day)
    for student in students:
        notified = int(student.notified_hours * 60) if student.notified_hours else None
        since = waiting_start(student.notification_start, rentree)
        rows.append(WaitingRow(
            student=student, cause=rules.coverage_cause(notified, student.assured_minutes, student.has_assignment),
            missing_minutes=(notified - student.assured_minutes) if notified else None,
            waiting_since=since, waiting_days=max((day - since).days, 0),
        ))
    return rows


@dataclass(frozen=True)
class Dashboard:
    students: int
    notified_minutes: int
    assured_individual_minutes: int
    waiting: int
    aesh_count: int
    available_minutes: int
    used_minutes: int

    @property
    def coverage_percent(self) -> int:
        return int(100 * self.assured_individual_minutes / self.notified_minutes) if self.notified_minutes else 100

    @property
    def use_percent(self) -> int:
        return int(100 * self.used_minutes / self.available_minutes) if self.available_minutes else 0


def dashboard(scope: Scope, day: datetime.date) -> Dashboard:
    """The pôle's totals, aggregated in the database."""
    students = coverage(scope, day)
    individual = Q(aid_kind_now=AidKind.INDIVIDUELLE)
    totals = students.aggregate(  # one pass over the coverage: counts and sums together
        students=Count("pk"), waiting=Count("pk", filter=_waiting()),
        notified=Coalesce(Sum("notified_minutes", filter=individual), Value(Decimal(0)),
                          output_field=DecimalField()),
        assured=Coalesce(Sum("assured_minutes", filter=individual), Value(0)),
    )
    aesh = with_current_terms(Aesh.objects.visible_to(scope), day).filter(contract_id_now__isnull=False)
    capacity = aesh.aggregate(hours=Coalesce(Sum("weekly_hours_now"), Value(Decimal(0)),
                                             output_field=DecimalField()))
    used = TimeSlot.objects.visible_to(scope).valid_on(day).aggregate(minutes=Coalesce(WEEKLY_MINUTES, Value(0)))
    return Dashboard(
        students=totals["students"], notified_minutes=int(totals["notified"]),
        assured_individual_minutes=totals["assured"],
        waiting=totals["waiting"], aesh_count=aesh.count(),
        available_minutes=int(capacity["hours"] * 60), used_minutes=used["minutes"],
    )


def pending_starts(scope: Scope, day: datetime.date) -> list[dict]:
    """Slots of the scope that take effect after `day`, counted by their first day (an
    accepted planner proposal starts on a coming Monday): [{"valid_from", "count"}], soonest first."""
    return list(TimeSlot.objects.visible_to(scope).filter(valid_from__gt=day).values("valid_from")
                .annotate(count=Count("pk")).order_by("valid_from")[:3])


def aesh_load(scope: Scope, day: datetime.date) -> QuerySet[Aesh]:
    """AESH with contract hours and the weekly minutes of their timetable (near-limit first)."""
    used = (TimeSlot.objects.valid_on(day).filter(aesh=OuterRef("pk")).values("aesh")
            .annotate(total=WEEKLY_MINUTES).values("total"))
    return (with_current_terms(Aesh.objects.visible_to(scope), day)
            .filter(contract_id_now__isnull=False)
            .annotate(used_minutes=Coalesce(Subquery(used, output_field=IntegerField()), Value(0)))
            .order_by("-used_minutes", "last_name"))


# --- Timetable grids ---------------------------------------------------------------------

PALETTE = ["#cacafb", "#b8fec9", "#fcbfb7", "#fceeac", "#c3fad5", "#e8c8f3", "#bafaee", "#fddbfa", "#fee7fc",
           "#ffe9e6", "#c6f6d9", "#fbe769"]
GRID_START, GRID_END = 7 * 60 + 30, 18 * 60 + 30


@dataclass(frozen=True)
class GridSlot:
    slot: TimeSlot
    title: str
    colour: str
    top: float
    height: float
    students: list


def slots_for_aesh(aesh: Aesh, day: datetime.date) -> list[TimeSlot]:
    return list(
        TimeSlot.objects.filter(aesh=aesh).valid_on(day).select_related("school")
        .prefetch_related("assignments__student", "assignments__ulis").order_by("weekday", "start_time")
    )


def grid(slots: list[TimeSlot], title_of) -> list[dict]:
    """Days of the week with their slots positioned in percent of the day (07:30–18:30)."""
    span = GRID_END - GRID_START
    colours: dict[object, str] = {}
    days = []
    for weekday in range(5):
        items = []
        for slot in (s for s in slots if s.weekday == weekday):
            key = tuple(sorted(a.pk for a in slot.assignments.all())) or slot.kind
            colour = "#eeeeee" if slot.kind == "TRAVEL" else colours.setdefault(
                key, PALETTE[len(colours) % len(PALETTE)])
            start = rules._minutes(slot.start_time) - GRID_START
            items.append(GridSlot(slot=slot, title=title_of(slot), colour=colour, top=max(start, 0) * 100 / span,
                                  height=max(slot.minutes, 15) * 100 / span,
                                  students=list(slot.assignments.all())))
        days.append({"name": rules.WEEKDAYS[weekday].capitalize(), "slots": items})
    return days


def hour_marks() -> list[dict]:
    span = GRID_END - GRID_START
    return [{"label": f"{h:02d}:00", "top": (h * 60 - GRID_START) * 100 / span} for h in range(8, 19)]
