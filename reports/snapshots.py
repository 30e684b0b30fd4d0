"""The weekly table of the reports: each school's figures on a day, stored for its week."""

from __future__ import annotations

import datetime

from django.db import transaction

from reports import selectors
from reports.models import WeeklyFigure


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def figures_on(day: datetime.date) -> list[WeeklyFigure]:
    """Every school's figures as they stand on `day` (one aggregate query)."""
    period = selectors.Period.around(day)
    return [WeeklyFigure(week_start=monday_of(day), school_id=row["school"], pupils=row["pupils"],
                         notified_minutes=row["notified_minutes"], placed_minutes=row["placed_minutes"],
                         waiting=row["waiting"]) for row in selectors.school_figures(day, period)]


@transaction.atomic
def store(day: datetime.date) -> int:
    """Replaces the figures of `day`'s week by those of `day`; returns the number of schools."""
    figures = figures_on(day)
    WeeklyFigure.objects.filter(week_start=monday_of(day)).delete()
    WeeklyFigure.objects.bulk_create(figures, batch_size=2000)
    return len(figures)
