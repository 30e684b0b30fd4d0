"""School years: the current one, the one being prepared, the one a page asks for (`?annee=`)."""

from __future__ import annotations

import datetime

from pial.conf import setting
from pial.models import SchoolYear


def current_year() -> SchoolYear | None:
    return SchoolYear.objects.current()


def next_year(year: SchoolYear | None = None) -> SchoolYear | None:
    year = year or current_year()
    return SchoolYear.objects.after(year) if year else None


def previous_year(year: SchoolYear) -> SchoolYear | None:
    return SchoolYear.objects.before(year)


def year_from_param(value: str | None) -> SchoolYear | None:
    """The year named by `?annee=2026-2027`, the current one when absent or unknown."""
    value = (value or "").strip()
    if 0 < len(value) <= 9:
        found = SchoolYear.objects.filter(name=value).first()
        if found is not None:
            return found
    return current_year()


def preparation_opens(year: SchoolYear) -> datetime.date:
    """The day the preparation of `year` opens, in the calendar year of its rentrée (e.g. 1 April)."""
    month, day = (int(part) for part in setting("RENTREE_PREPARATION_OPENS").split("-"))
    return datetime.date(year.start_date.year, month, day)


def preparation_is_open(year: SchoolYear, today: datetime.date) -> bool:
    return preparation_opens(year) <= today < year.start_date
