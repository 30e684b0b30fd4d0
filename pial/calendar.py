"""Days off, as the calendar libraries know them: public holidays and the school holidays of a
zone (A, B or C). The ground floor's, so that every app and every demo agrees.

Public holidays are computed for any year. School holidays are published data
(vacances-scolaires-france), known up to a last date: a day past it is never guessed to be a
school day — is_day_off() raises SchoolCalendarUnknown, and the system check pial.W001 / pial.E001
(`manage.py check`) warns months ahead that the package must be updated.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from importlib.metadata import version

import holidays
from vacances_scolaires_france import SchoolHolidayDates

ZONES = ("A", "B", "C")


class SchoolCalendarUnknown(LookupError):
    """The school holidays of that day are not in the calendar data."""


@lru_cache(maxsize=1)
def _school_holidays() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@lru_cache(maxsize=1)
def school_holidays_known() -> tuple[datetime.date, datetime.date]:
    """The first and last days the school-holiday data covers (the end of a summer holiday)."""
    days = _school_holidays().data
    return min(days), max(days)


@lru_cache(maxsize=8)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.France(years=year))


def unknown_message(day: datetime.date) -> str:
    _first, last = school_holidays_known()
    return (f"Les vacances scolaires ne sont connues que jusqu'au {last:%d/%m/%Y} (paquet vacances-scolaires-france "
            f"{version('vacances-scolaires-france')}) : le {day:%d/%m/%Y} ne peut être dit jour de classe ou de "
            "vacances. Mettez ce paquet à jour.")


def is_day_off(day: datetime.date, zone: str) -> bool:
    """A public holiday, or a school holiday in the school's zone (A, B or C).

    Raises SchoolCalendarUnknown for a day of a zone outside the school-holiday data."""
    if day in _public_holidays(day.year):
        return True
    if zone not in ZONES:
        return False
    first, last = school_holidays_known()
    if not first <= day <= last:
        raise SchoolCalendarUnknown(unknown_message(day))
    return _school_holidays().is_holiday_for_zone(day, zone)


def school_day_on_or_after(day: datetime.date, zone: str) -> datetime.date:
    """The first school day (Monday to Friday, not a day off) from `day` on."""
    while day.weekday() >= 5 or is_day_off(day, zone):
        day += datetime.timedelta(days=1)
    return day


def holiday_name(day: datetime.date, zone: str) -> str:
    """« Vacances de la Toussaint », a public holiday's name (« Armistice »), or "" for a school day."""
    public = holidays.France(years=day.year, language="fr").get(day)
    if zone in ZONES:
        first, last = school_holidays_known()
        if first <= day <= last and _school_holidays().is_holiday_for_zone(day, zone):
            return _school_holidays().data[day]["nom_vacances"]
    return public or ""


def week_off_name(monday: datetime.date, zone: str) -> str:
    """The name of a week without a school day (« Vacances de Noël »), "" if it has one (or is unknown)."""
    days = [monday + datetime.timedelta(days=i) for i in range(5)]
    try:
        if not all(is_day_off(day, zone) for day in days):
            return ""
    except SchoolCalendarUnknown:
        return ""
    names = [holiday_name(day, zone) for day in days]
    school = [name for name in names if name.startswith("Vacances")]
    return school[0] if school else (names[0] or "Jours fériés")
