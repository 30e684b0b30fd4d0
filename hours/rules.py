"""Rules of a declared week, as pure functions: no ORM, no settings.

Durations are whole minutes. What the AESH types is read by parse_duration();
every refusal is a French sentence that names the day and the line.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from hours.enums import ADDED_ACCOMPANIMENT_KINDS, Attendance, EntryKind
from missions import rules as timetable_rules
from pial import durations

QUARTER = 15
MAX_DAILY_MINUTES = 600
# A connexe total is weekly; a day line never passes MAX_DAILY_MINUTES anyway.
MAX_ENTRY_MINUTES = 1200
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


class DurationError(ValueError):
    """What is wrong with a typed duration, in French, to follow « <line> : »."""


# --- Weeks ---------------------------------------------------------------------------------

def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_slug(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-S{week:02d}"


def parse_week_slug(slug: str) -> datetime.date | None:
    match = re.fullmatch(r"(\d{4})-S(\d{2})", slug or "", re.ASCII)
    if not match:
        return None
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_label(monday: datetime.date) -> str:
    friday = monday + datetime.timedelta(days=4)
    if monday.month == friday.month:
        return f"semaine du {monday.day} au {friday.day} {MONTHS[friday.month - 1]} {friday.year}"
    if monday.year == friday.year:
        return f"semaine du {monday.day} {MONTHS[monday.month - 1]} au {friday.day} {MONTHS[friday.month - 1]} " \
               f"{friday.year}"
    return f"semaine du {monday.day} {MONTHS[monday.month - 1]} {monday.year} au {friday.day} " \
           f"{MONTHS[friday.month - 1]} {friday.year}"


def day_label(day: datetime.date) -> str:
    return f"{timetable_rules.WEEKDAYS[day.weekday()].capitalize()} {day:%d/%m}"


def month_of_week(monday: datetime.date) -> tuple[int, int]:
    """A week belongs to the month of its Thursday (the ISO convention): no week is split."""
    thursday = monday + datetime.timedelta(days=3)
    return thursday.year, thursday.month


def weeks_of_month(year: int, month: int) -> list[datetime.date]:
    """The Mondays of the weeks that belong to a month."""
    first = datetime.date(year, month, 1)
    monday = monday_of(first) - datetime.timedelta(days=7)
    weeks = []
    while monday <= first + datetime.timedelta(days=31):
        if month_of_week(monday) == (year, month):
            weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


def occurrences(
    slots: Sequence[timetable_rules.Slot], monday: datetime.date, week_letter: str,
    is_day_off: Callable[[datetime.date, int], bool],
) -> list[tuple[datetime.date, timetable_rules.Slot]]:
    """The timetable's slots on the days of a week: validity dates, week A/B, and days off
    (public holidays, the school's holidays) applied. Sorted by day and time."""
    found = []
    for slot in slots:
        day = monday + datetime.timedelta(days=slot.weekday)
        if slot.valid_from and day < slot.valid_from:
            continue
        if slot.valid_until and day > slot.valid_until:
            continue
        if slot.week and slot.week != week_letter:
            continue
        if is_day_off(day, slot.school_id):
            continue
        found.append((day, slot))
    return sorted(found, key=lambda pair: (pair[0], pair[1].start))


# --- Durations -----------------------------------------------------------------------------

# ASCII digits only (re.ASCII): « ٣ », « 𝟑 » or « ３ » are not durations anyone means to type here.
_HOURS_MINUTES = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{1,2})?\s*(?:min)?$", re.ASCII)
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:min|mn|minutes?)$", re.ASCII)
_DECIMAL_HOURS = re.compile(r"^(\d{1,2})(?:[.,](\d{1,2}))?\s*(?:h|heures?)?$", re.ASCII)


def parse_duration(text: object) -> int:
    """Minutes from what a person types: « 2 », « 2,5 », « 2h30 », « 2:30 », « 45 min ». Empty is 0."""
    raw = str(text if text is not None else "").strip().lower().replace("\u00a0", " ")
    if not raw:
        return 0
    if raw.startswith("-"):
        raise DurationError(f"« {raw} » : une durée ne peut pas être négative.")
    if match := _HOURS_MINUTES.match(raw):
        hours, minutes = int(match[1]), int(match[2] or 0)
        if minutes >= 60:
            raise DurationError(f"« {raw} » : les minutes vont de 0 à 59.")
        return hours * 60 + minutes
    if match := _MINUTES.match(raw):
        return int(match[1])
    if match := _DECIMAL_HOURS.match(raw):
        hours = int(match[1])
        fraction = match[2] or "0"
        minutes = round(int(fraction) * 60 / 10 ** len(fraction))
        return hours * 60 + minutes
    raise DurationError(f"« {raw} » n'est pas une durée : écrivez par exemple 2, 2,5, 2 h 30 ou 45 min.")


def format_duration(minutes: int) -> str:
    """« 2 h 30 », « 45 min », « 0 h » (pial.durations: one way everywhere)."""
    return durations.format_minutes(int(minutes))


def input_value(minutes: int) -> str:
    """How a duration is shown back in a field: « 2 h 30 », empty for nothing."""
    return format_duration(minutes) if minutes else ""


# --- Lines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """A line of the week as the rules see it."""

    key: str
    kind: str
    day: datetime.date | None
    planned: int = 0
    minutes: int = 0
    attendance: str = ""
    reason: str = ""
    slot_kind: str = ""
    category: str = ""
    start: datetime.time | None = None
    end: datetime.time | None = None

    @property
    def is_slot(self) -> bool:
        return self.kind == EntryKind.SLOT

    @property
    def is_travel(self) -> bool:
        return self.is_slot and self.slot_kind == timetable_rules.TRAVEL

    @property
    def is_absent(self) -> bool:
        return self.attendance == Attendance.AESH_ABSENT

    @property
    def is_to_come(self) -> bool:
        """A timetabled slot of a day not yet past: nothing is said about it until it has happened."""
        return self.is_slot and not self.attendance

    @property
    def where(self) -> str:
        """How an error names the line: « Mardi 17/11, créneau 08:30–11:30 »."""
        if self.kind == EntryKind.CONNEXE:
            return "Activités connexes"
        day = day_label(self.day) if self.day else ""
        if self.is_slot and self.start and self.end:
            return f"{day}, créneau {self.start:%H:%M}–{self.end:%H:%M}"
        return f"{day}, {EntryKind(self.kind).label.lower()}"


def normalized(line: Line) -> Line:
    """An absence left at the planned duration means absent for the whole slot; a reason
    only goes with an absence."""
    if line.is_slot and line.is_absent and line.minutes == line.planned:
        return replace(line, minutes=0)
    if not line.is_absent and line.reason:
        return replace(line, reason="")
    return line


def line_errors(line: Line) -> list[str]:
    errors = []
    if line.minutes < 0:
        errors.append(f"{line.where} : une durée ne peut pas être négative.")
    elif line.minutes % QUARTER and line.minutes != line.planned:
        errors.append(f"{line.where} : {format_duration(line.minutes)} n'est pas un nombre entier de quarts "
                      "d'heure (par exemple 1 h, 1 h 15, 1 h 30).")
    limit = MAX_ENTRY_MINUTES if line.kind == EntryKind.CONNEXE else MAX_DAILY_MINUTES
    if line.minutes > limit:
        errors.append(f"{line.where} : {format_duration(line.minutes)}, c'est plus que "
                      f"{format_duration(limit)}{' par semaine' if line.kind == EntryKind.CONNEXE else ''}.")
    if line.is_slot and line.is_absent and not line.reason:
        errors.append(f"{line.where} : indiquez le motif de votre absence.")
    if line.is_slot and line.is_absent and line.minutes > line.planned:
        errors.append(f"{line.where} : absent·e, vous ne pouvez déclarer plus que le créneau prévu.")
    if line.kind in (EntryKind.OUTING, EntryKind.LUNCH, EntryKind.REPLACEMENT, EntryKind.TRAINING) \
            and line.minutes <= 0:
        errors.append(f"{line.where} : indiquez la durée.")
    return errors


def day_errors(lines: Iterable[Line], max_daily: int = MAX_DAILY_MINUTES) -> list[str]:
    """A day never holds more than 10 h of work (décret 2000-815)."""
    per_day: dict[datetime.date, int] = defaultdict(int)
    for line in lines:
        if line.day is not None:
            per_day[line.day] += line.minutes
    return [f"{day_label(day)} : {format_duration(total)} de travail déclarées, au-delà de "
            f"{format_duration(max_daily)} par jour." for day, total in sorted(per_day.items()) if total > max_daily]


def week_errors(lines: Sequence[Line], max_daily: int = MAX_DAILY_MINUTES) -> list[str]:
    errors = []
    for line in lines:
        errors.extend(line_errors(line))
    errors.extend(day_errors(lines, max_daily))
    return errors


def line_warnings(lines: Iterable[Line]) -> list[str]:
    """Hours missing on a slot with no absence stated: allowed, but said."""
    return [f"{line.where} : {format_duration(line.planned - line.minutes)} de moins que prévu, sans absence "
            "indiquée." for line in lines
            if line.is_slot and not line.is_to_come and not line.is_absent and line.minutes < line.planned]


# --- Totals and anomalies ------------------------------------------------------------------

@dataclass(frozen=True)
class WeekTotals:
    planned: int = 0
    accompaniment: int = 0
    travel: int = 0
    extra: int = 0
    absence: int = 0
    unexplained: int = 0
    connexe: int = 0
    training: int = 0

    @property
    def declared(self) -> int:
        """Timetable time accounted for: done, travelled, or absent with a reason."""
        return self.accompaniment - self.extra + self.travel + self.absence

    @property
    def worked(self) -> int:
        return self.accompaniment + self.travel + self.connexe + self.training


def week_totals(lines: Iterable[Line]) -> WeekTotals:
    planned = accompaniment = travel = extra = absence = unexplained = connexe = training = 0
    for line in lines:
        if line.is_slot:
            planned += line.planned
            if line.is_to_come:
                continue
            if line.is_travel:
                travel += line.minutes
            else:
                accompaniment += line.minutes
            missing = max(line.planned - line.minutes, 0)
            if line.is_absent:
                absence += missing
            else:
                unexplained += missing
        elif line.kind in ADDED_ACCOMPANIMENT_KINDS:
            accompaniment += line.minutes
            extra += line.minutes
        elif line.kind == EntryKind.TRAINING:
            training += line.minutes
        elif line.kind == EntryKind.CONNEXE:
            connexe += line.minutes
    return WeekTotals(planned=planned, accompaniment=accompaniment, travel=travel, extra=extra, absence=absence,
                      unexplained=unexplained, connexe=connexe, training=training)


def anomalies(totals: WeekTotals) -> list[str]:
    """What the coordination should look at before validating."""
    found = []
    if totals.unexplained:
        found.append(f"Absence sans motif : {format_duration(totals.unexplained)} de moins que l'emploi du temps.")
    if totals.declared != totals.planned or totals.extra:
        details = [f"dont {format_duration(totals.absence)} d'absences motivées"] if totals.absence else []
        details += [f"dont {format_duration(totals.extra)} ajoutées hors emploi du temps"] if totals.extra else []
        found.append(f"Déclaré ≠ prévu : {format_duration(totals.declared + totals.extra)} déclarées"
                     + (f" ({', '.join(details)})" if details else "")
                     + f" pour {format_duration(totals.planned)} à l'emploi du temps.")
    return found


def main_school(lines: Iterable[tuple[int | None, int]]) -> int | None:
    """The school where most of the week's planned time is (the queue groups weeks by it)."""
    per_school: dict[int, int] = defaultdict(int)
    for school_id, minutes in lines:
        if school_id:
            per_school[school_id] += minutes
    return max(per_school, key=lambda s: (per_school[s], -s)) if per_school else None
