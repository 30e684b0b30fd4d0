"""The weekly table of the reports: each school's figures on a day, stored for its week."""

from __future__ import annotations

import datetime

from django.db import transaction

from pial.models import School
from pial.scope import Scope
from reports import selectors
from reports.models import WeeklyFigure


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def figures_on(day: datetime.date) -> list[WeeklyFigure]:
    """Every school's figures as they stand on `day` (one aggregate query)."""
    period = selectors.Period.around(day)
    every = selectors.school_figures_in(School.objects.visible_to(Scope.national()), period)
    return [WeeklyFigure(week_start=monday_of(day), school_id=school, **figures.values)
            for school, figures in every.items()]


@transaction.atomic
def store(day: datetime.date) -> int:
    """Replaces the figures of `day`'s week by those of `day`; returns the number of schools."""
    figures = figures_on(day)
    WeeklyFigure.objects.filter(week_start=monday_of(day)).delete()
    WeeklyFigure.objects.bulk_create(figures, batch_size=2000)
    return len(figures)
