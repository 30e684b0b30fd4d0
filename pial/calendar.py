"""Days off, as the calendar libraries know them: public holidays and the school holidays of a
zone (A, B or C). The ground floor's, so that every app and every demo agrees."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from vacances_scolaires_france import SchoolHolidayDates


@lru_cache(maxsize=1)
def _school_holidays() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@lru_cache(maxsize=8)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.France(years=year))


def is_day_off(day: datetime.date, zone: str) -> bool:
    """A public holiday, or a school holiday in the school's zone (A, B or C)."""
    if day in _public_holidays(day.year):
        return True
    if zone in ("A", "B", "C"):
        try:
            return _school_holidays().is_holiday_for_zone(day, zone)
        except Exception:
            return False
    return False


def school_day_on_or_after(day: datetime.date, zone: str) -> datetime.date:
    """The first school day (Monday to Friday, not a day off) from `day` on."""
    while day.weekday() >= 5 or is_day_off(day, zone):
        day += datetime.timedelta(days=1)
    return day
