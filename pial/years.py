"""School years: the current one, the one being prepared, the one a page asks for (`?annee=`)."""

from __future__ import annotations

import datetime
import re

from pial.conf import setting
from pial.models import Departement, SchoolYear, YearSwitch


def current_year() -> SchoolYear | None:
    return SchoolYear.objects.current()


def next_year(year: SchoolYear | None = None) -> SchoolYear | None:
    year = year or current_year()
    return SchoolYear.objects.after(year) if year else None


def previous_year(year: SchoolYear) -> SchoolYear | None:
    return SchoolYear.objects.before(year)


YEAR_NAME = re.compile(r"[0-9]{4}-[0-9]{4}")


def year_named(value: str | None) -> SchoolYear | None:
    """The year named « 2026-2027 » (ASCII digits only), None when malformed or unknown."""
    value = (value or "").strip()
    if not YEAR_NAME.fullmatch(value):
        return None
    return SchoolYear.objects.filter(name=value).first()


def year_from_param(value: str | None) -> SchoolYear | None:
    """The year named by `?annee=2026-2027`, the current one when absent or unknown."""
    return year_named(value) or current_year()


def year_from_param_among(value: str | None, years: list[SchoolYear]) -> SchoolYear | None:
    """`year_from_param` over years already read (a page that lists them too): no query."""
    value = (value or "").strip()
    named = next((y for y in years if YEAR_NAME.fullmatch(value) and y.name == value), None)
    return named or next((y for y in years if y.is_current), None)


def unknown_year_message(raw: str) -> str:
    """What a page says of an `?annee=` it does not know, before showing the current year."""
    shown = raw[:20] + ("…" if len(raw) > 20 else "")
    return (f"Année scolaire « {shown} » inconnue : choisissez une année de la liste (au format "
            f"2026-2027). Voici l'année en cours.")


def reading_day(year: SchoolYear, today: datetime.date) -> datetime.date:
    """The day a page reads `year` on: today within it, its last day once it is over, its
    rentrée before it starts (what is planned for it)."""
    return min(max(today, year.start_date), year.end_date)


def preparation_opens(year: SchoolYear) -> datetime.date:
    """The last such day (e.g. 1 April) before the rentrée of `year`."""
    month, day = (int(part) for part in setting("RENTREE_PREPARATION_OPENS").split("-"))
    opens = datetime.date(year.start_date.year, month, day)
    return opens if opens < year.start_date else opens.replace(year=opens.year - 1)


def preparation_is_open(year: SchoolYear, today: datetime.date) -> bool:
    return preparation_opens(year) <= today < year.start_date


def year_of(departement: Departement) -> SchoolYear | None:
    """The current year of a département: the last one it switched onto; before its first switch,
    the national current year — unless another département already switched onto that one, in
    which case this département is still in the year before."""
    last = YearSwitch.objects.filter(departement=departement).select_related("year").order_by(
        "-year__start_date").first()
    if last is not None:
        return last.year
    current = current_year()
    if current is not None and YearSwitch.objects.filter(year=current).exists():
        return previous_year(current) or current
    return current
