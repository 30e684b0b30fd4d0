"""The figures of the reports, aggregated in the database: one set of selectors for the
three levels (pôle, circonscription, département), each query grouped by the level's
rows, so the number of queries never grows with the data.

Pupils are counted from Student.objects.counted_in(scope) and AESH from
Aesh.objects.counted_in(scope): what a scope may count, never list.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from aesh.models import Aesh
from aesh.selectors import with_current_quotite, with_current_terms
from eleves.enums import AidKind
from eleves.models import Student
from missions.hours.models import Timesheet
from missions.models import TimeSlot
from missions.selectors import WEEKLY_MINUTES, with_coverage
from pial.conf import setting
from pial.models import SchoolYear
from pial.scope import Scope
from reports.aggregates import MedianDisc
from reports.models import WeeklyFigure

DECLARED = ("SUBMITTED", "VALIDATED")

# Rows of each level: (pupils grouped by, AESH grouped by).
GROUPINGS = {
    "pole": ("school__pole", "home_pole"),
    "school": ("school", None),
    "circonscription": ("school__circonscription", "home_pole__circonscription"),
    "departement": ("school__departement", "home_pole__departement"),
}


@dataclass(frozen=True)
class Period:
    day: datetime.date
    start: datetime.date  # the rentrée
    end: datetime.date

    @classmethod
    def around(cls, day: datetime.date) -> Period:
        year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first() or \
            SchoolYear.objects.current()
        if year and year.start_date <= day <= year.end_date:
            return cls(day=day, start=year.start_date, end=year.end_date)
        start = datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)
        return cls(day=day, start=start, end=datetime.date(start.year + 1, 7, 4))


# --- Pupils ------------------------------------------------------------------------------------

def _pupil_aggregates(period: Period) -> dict:
    individual = Q(aid_kind_now=AidKind.INDIVIDUELLE)
    partial = individual & Q(assured_minutes__lt=F("notified_minutes"))
    waiting = Q(has_assignment=False) | partial
    since = Greatest(F("notification_start"), Value(period.start))
    placed = Least(Cast("assured_minutes", IntegerField()), Cast("notified_minutes", IntegerField()))
    return {
        "pupils": Count("pk"),
        "individuelle": Count("pk", filter=individual),
        "mutualisee": Count("pk", filter=Q(aid_kind_now=AidKind.MUTUALISEE)),
        "ulis": Count("pk", filter=Q(ulis__isnull=False)),
        "sum_notified": Coalesce(Sum(Cast("notified_minutes", IntegerField()), filter=individual), Value(0)),
        "sum_placed": Coalesce(Sum(placed, filter=individual), Value(0)),
        "waiting": Count("pk", filter=waiting),
        "waiting_none": Count("pk", filter=Q(has_assignment=False)),
        "waiting_partial": Count("pk", filter=Q(has_assignment=True) & partial),
        "waiting_since_median": MedianDisc(since, filter=waiting),
        "waiting_since_first": Min(since, filter=waiting),
    }


def _notified_pupils(scope: Scope, period: Period):
    return with_coverage(Student.objects.counted_in(scope), period.day).filter(has_notification=True).order_by()


def pupil_rows(scope: Scope, period: Period, group: str) -> dict[int | None, dict]:
    """Pupils with a notification in force, grouped: counts, hours, waiting (one query)."""
    rows = _notified_pupils(scope, period).values(group).annotate(**_pupil_aggregates(period))
    return {row[group]: _with_days(row, period.day) for row in rows}


def pupil_total(scope: Scope, period: Period) -> dict:
    return _with_days(_notified_pupils(scope, period).aggregate(**_pupil_aggregates(period)), period.day)


def _days_since(value, day: datetime.date) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        value = value.date()
    return max((day - value).days, 0)


def _with_days(row: dict, day: datetime.date) -> dict:
    row["notified_minutes"] = row.pop("sum_notified")
    row["placed_minutes"] = row.pop("sum_placed")
    row["waiting_median_days"] = _days_since(row.pop("waiting_since_median"), day)
    row["waiting_longest_days"] = _days_since(row.pop("waiting_since_first"), day)
    return row


# --- AESH ----------------------------------------------------------------------------------------

def _counted_aesh(scope: Scope, day: datetime.date):
    used = (TimeSlot.objects.valid_on(day).filter(aesh=OuterRef("pk")).order_by().values("aesh")
            .annotate(total=WEEKLY_MINUTES).values("total"))
    return (with_current_quotite(with_current_terms(Aesh.objects.counted_in(scope), day), day)
            .filter(contract_id_now__isnull=False)
            .annotate(used_minutes=Coalesce(Subquery(used, output_field=IntegerField()), Value(0)))
            .order_by())


def _aesh_aggregates(day: datetime.date) -> dict:
    decimal = DecimalField(max_digits=12, decimal_places=2)
    referent = Q(referent_now__gt=0)
    return {
        "headcount": Count("pk"),
        "quotite_sum": Coalesce(Sum("quotite_now"), Value(Decimal(0)), output_field=decimal),
        "referents": Count("pk", filter=referent),
        "referent_etp": Coalesce(Sum("referent_now", filter=referent), Value(Decimal(0)), output_field=decimal),
        "ending": Count("pk", filter=Q(contract_end_now__gte=day, contract_end_now__lte=day + relativedelta(months=3))),
        "training_late": Count("pk", filter=Q(training_due_date__lt=day,
                                               adaptation_hours__lt=setting("ADAPTATION_TRAINING_HOURS"))),
        "training_on_track": Count("pk", filter=Q(training_due_date__gte=day)),
        "available_minutes": Coalesce(Sum(ExpressionWrapper(F("weekly_hours_now") * 60, output_field=decimal)),
                                      Value(Decimal(0)), output_field=decimal),
        "placed_minutes": Coalesce(Sum("used_minutes"), Value(0)),
    }


def aesh_rows(scope: Scope, period: Period, group: str) -> dict[int | None, dict]:
    rows = _counted_aesh(scope, period.day).values(group).annotate(**_aesh_aggregates(period.day))
    return {row[group]: row for row in rows}


def aesh_total(scope: Scope, period: Period) -> dict:
    return _counted_aesh(scope, period.day).aggregate(**_aesh_aggregates(period.day))


def connexe_minutes(scope: Scope, period: Period, group: str | None) -> dict[int | None, int]:
    """Declared connexe and training time of the school year, in aggregate only."""
    sheets = (Timesheet.objects.filter(aesh__in=Aesh.objects.counted_in(scope), state__in=DECLARED,
                                       week_start__gte=period.start - datetime.timedelta(days=6),
                                       week_start__lte=min(period.day, period.end)).order_by())
    total = Sum(F("connexe_minutes") + F("training_minutes"))
    if group is None:
        return {None: sheets.aggregate(total=Coalesce(total, Value(0)))["total"]}
    key = f"aesh__{group}"
    return {row[key]: row["total"] for row in sheets.values(key).annotate(total=total)}


# --- Over the year --------------------------------------------------------------------------------

def evolution(scope: Scope, period: Period) -> list[dict]:
    """A figure per week of the school year so far, from the weekly table (one query)."""
    rows = (
        WeeklyFigure.objects.counted_in(scope)
        .filter(week_start__gte=period.start - datetime.timedelta(days=6), week_start__lte=period.day)
        .order_by().values("week_start")
        .annotate(sum_pupils=Sum("pupils"), sum_notified=Sum("notified_minutes"), sum_placed=Sum("placed_minutes"),
                  sum_waiting=Sum("waiting"), latest=Max("computed_at"))
        .order_by("week_start")
    )
    return [{"week_start": r["week_start"], "pupils": r["sum_pupils"], "notified_minutes": r["sum_notified"],
             "placed_minutes": r["sum_placed"], "waiting": r["sum_waiting"], "latest": r["latest"]} for r in rows]


def school_figures(day: datetime.date, period: Period, scope: Scope | None = None) -> list[dict]:
    """Per school on `day`: what the weekly table keeps (one query)."""
    scope = scope or Scope.national()
    rows = _notified_pupils(scope, period).values("school").annotate(**_pupil_aggregates(period))
    return [{"school": r["school"], "pupils": r["pupils"], "notified_minutes": r["sum_notified"],
             "placed_minutes": r["sum_placed"], "waiting": r["waiting"]} for r in rows]
