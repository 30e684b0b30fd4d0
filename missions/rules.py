"""Timetable rules as pure functions: no ORM, no settings.

Each check takes plain slots and returns French messages that name the slot.
The same functions serve forms, the admin, imports, and the planner (planner/), which decides
every candidate slot with them.
Hard rules block a save; soft ones (under-coverage) only warn.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pial import durations

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
CLASS, LUNCH, TRAVEL = "CLASS", "LUNCH", "TRAVEL"
EVERY_WEEK, WEEK_A, WEEK_B = "", "A", "B"


@dataclass(frozen=True)
class Slot:
    """One weekly slot of an AESH's timetable."""

    weekday: int  # 0 = lundi
    start: datetime.time
    end: datetime.time
    school_id: int
    kind: str = CLASS
    week: str = EVERY_WEEK
    school_name: str = ""
    student_ids: frozenset[int] = field(default_factory=frozenset)
    exclusive: bool = False  # an individuelle aid: nobody else in this slot
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    id: int | None = None

    @property
    def minutes(self) -> int:
        return _minutes(self.end) - _minutes(self.start)

    @property
    def label(self) -> str:
        week = f" (semaine {self.week})" if self.week else ""
        where = f", {self.school_name}" if self.school_name else ""
        return f"{WEEKDAYS[self.weekday]} {_hm(self.start)}–{_hm(self.end)}{week}{where}"

    def shares_week_with(self, other: Slot) -> bool:
        return not self.week or not other.week or self.week == other.week

    def dates_overlap(self, other: Slot) -> bool:
        start_a, end_a = self.valid_from or datetime.date.min, self.valid_until or datetime.date.max
        start_b, end_b = other.valid_from or datetime.date.min, other.valid_until or datetime.date.max
        return start_a <= end_b and start_b <= end_a


def default_assignment_end(
    contract_end: datetime.date | None, notification_end: datetime.date | None, *, collective: bool = False,
) -> tuple[datetime.date | None, str]:
    """The end an assignment left without one takes, and the French sentence saying which date was
    taken and why: the earliest of the AESH's contract end and the student's notification end.
    Both open (a CDI on a ULIS): no end, nothing to say."""
    if contract_end is None and notification_end is None:
        return None, ""
    contract, notification = "la fin du contrat de l'AESH", "la fin de la notification de l'élève"
    if notification_end is None:
        why = " (une aide collective à une ULIS n'a pas de notification)" if collective else ""
        return contract_end, f"Fin de l'affectation fixée au {contract_end:%d/%m/%Y} : {contract}{why}."
    if contract_end is None:
        return notification_end, (f"Fin de l'affectation fixée au {notification_end:%d/%m/%Y} : {notification} "
                                  "(le contrat de l'AESH est sans fin, CDI).")
    if contract_end == notification_end:
        return contract_end, (f"Fin de l'affectation fixée au {contract_end:%d/%m/%Y} : {contract}, "
                              "qui est aussi celle de la notification de l'élève.")
    if contract_end < notification_end:
        return contract_end, (f"Fin de l'affectation fixée au {contract_end:%d/%m/%Y} : {contract}, qui vient "
                              f"avant celle de la notification de l'élève ({notification_end:%d/%m/%Y}).")
    return notification_end, (f"Fin de l'affectation fixée au {notification_end:%d/%m/%Y} : {notification}, qui "
                              f"vient avant celle du contrat de l'AESH ({contract_end:%d/%m/%Y}).")


@dataclass(frozen=True)
class Limits:
    """Daily limits (décret 2000-815) and travel defaults; values come from settings."""

    max_daily_minutes: int = 600          # 10 h of work a day
    max_amplitude_minutes: int = 720      # 12 h between the first start and the last end
    break_after_minutes: int = 360        # work may not reach 6 h without…
    break_minutes: int = 20               # …a break of 20 min
    lunch_window: tuple[datetime.time, datetime.time] = (datetime.time(11, 30), datetime.time(14, 0))
    lunch_minutes: int = 45
    min_rest_minutes: int = 660           # 11 h between two working days
    default_travel_minutes: int = 15


# --- Single slots -------------------------------------------------------------------

def slot_shape_errors(slot: Slot) -> list[str]:
    errors = []
    if slot.end <= slot.start:
        errors.append(f"Créneau {slot.label} : la fin doit suivre le début.")
    if slot.exclusive and len(slot.student_ids) != 1:
        errors.append(f"Créneau {slot.label} : une aide individuelle est exclusive, un seul élève sur le créneau.")
    if slot.kind == TRAVEL and slot.student_ids:
        errors.append(f"Créneau {slot.label} : un trajet n'accompagne aucun élève.")
    if slot.kind != TRAVEL and not slot.student_ids and slot.kind != LUNCH:
        errors.append(f"Créneau {slot.label} : indiquez l'élève ou le dispositif accompagné.")
    return errors


def period_errors(slot: Slot, start: datetime.date, end: datetime.date | None, what: str) -> list[str]:
    """The slot must fall inside a period (an assignment, a notification, a contract)."""
    errors = []
    if slot.valid_from and slot.valid_from < start:
        errors.append(f"Créneau {slot.label} : commence le {slot.valid_from:%d/%m/%Y}, avant {what} "
                      f"(à partir du {start:%d/%m/%Y}).")
    if end and (slot.valid_until is None or slot.valid_until > end):
        limit = f"{slot.valid_until:%d/%m/%Y}" if slot.valid_until else "sans date de fin"
        errors.append(f"Créneau {slot.label} : se poursuit ({limit}) au-delà de {what} (jusqu'au {end:%d/%m/%Y}).")
    return errors


# --- A whole timetable ----------------------------------------------------------------

def overlap_errors(slots: Sequence[Slot]) -> list[str]:
    """An AESH is never in two places at once."""
    errors = []
    ordered = sorted(slots, key=lambda s: (s.weekday, s.start))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.weekday != a.weekday or b.start >= a.end:
                break  # sorted by start: no later slot can overlap a
            if a.shares_week_with(b) and a.dates_overlap(b):
                errors.append(f"L'AESH ne peut être à deux endroits à la fois : {a.label} chevauche {b.label}.")
    return errors


def weekly_minutes(slots: Iterable[Slot]) -> dict[str, int]:
    """Minutes of work in week A and week B (slots of every week count in both)."""
    totals = {WEEK_A: 0, WEEK_B: 0}
    for slot in slots:
        for week in (WEEK_A, WEEK_B):
            if slot.week in (EVERY_WEEK, week):
                totals[week] += slot.minutes
    return totals


def contract_hours_errors(slots: Sequence[Slot], contract_weekly_hours: Decimal | None) -> list[str]:
    """Weekly hours of the AESH never exceed the contract's weekly hours."""
    if contract_weekly_hours is None:
        return ["Aucun contrat en cours pour l'AESH à ces dates : impossible de lui confier un créneau."]
    limit = int(Decimal(contract_weekly_hours) * 60)
    errors = []
    for week, minutes in weekly_minutes(slots).items():
        if minutes > limit:
            label = "" if all(not s.week for s in slots) else f" en semaine {week}"
            errors.append(f"Emploi du temps de {_h(minutes)}{label}, au-delà des {_h(limit)} hebdomadaires du "
                          "contrat.")
            if not label:
                break
    return errors


def notified_hours_errors(slots: Sequence[Slot], notified: dict[int, Decimal]) -> list[str]:
    """The hours of an individuelle aid never exceed the notified hours."""
    per_student: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.exclusive:
            for student_id in slot.student_ids:
                per_student[student_id].append(slot)
    errors = []
    for student_id, student_slots in per_student.items():
        hours = notified.get(student_id)
        if hours is None:
            continue
        limit = int(Decimal(hours) * 60)
        worst = max(weekly_minutes(student_slots).values())
        if worst > limit:
            errors.append(f"Aide individuelle de {_h(worst)} par semaine, au-delà des {_h(limit)} notifiées "
                          f"({', '.join(s.label for s in student_slots)}).")
    return errors


def _days(slots: Sequence[Slot]):
    """Each (weekday, week) day of the timetable with its slots in time order."""
    weeks = {s.week for s in slots if s.week} or {EVERY_WEEK}
    for week in sorted(weeks):
        for weekday in range(len(WEEKDAYS)):
            day = sorted((s for s in slots if s.weekday == weekday and s.week in (EVERY_WEEK, week)),
                         key=lambda s: s.start)
            if day:
                yield weekday, week, day


def daily_errors(slots: Sequence[Slot], limits: Limits, lunch_duty: bool) -> list[str]:
    """≤ 10 h of work, amplitude ≤ 12 h, 20 min break before reaching 6 h, lunch break ≥ 45 min."""
    errors = []
    for weekday, week, day in _days(slots):
        name = WEEKDAYS[weekday] + (f" (semaine {week})" if week else "")
        worked = sum(s.minutes for s in day)
        if worked > limits.max_daily_minutes:
            errors.append(f"{name.capitalize()} : {_h(worked)} de travail, au-delà de {_h(limits.max_daily_minutes)}.")
        amplitude = _minutes(day[-1].end) - _minutes(day[0].start)
        if amplitude > limits.max_amplitude_minutes:
            errors.append(f"{name.capitalize()} : amplitude de {_h(amplitude)} ({_hm(day[0].start)}–"
                          f"{_hm(day[-1].end)}), au-delà de {_h(limits.max_amplitude_minutes)}.")
        errors.extend(_break_errors(name, day, limits))
        errors.extend(_lunch_errors(name, day, limits, lunch_duty))
    return errors


def _break_errors(name: str, day: list[Slot], limits: Limits) -> list[str]:
    stretch_start, stretch_minutes, previous_end = None, 0, None
    for slot in day:
        gap = None if previous_end is None else _minutes(slot.start) - _minutes(previous_end)
        if gap is None or gap >= limits.break_minutes:
            stretch_start, stretch_minutes = slot.start, 0
        else:
            stretch_minutes += gap  # a short gap is not a break: it counts as work time
        stretch_minutes += slot.minutes
        if stretch_minutes >= limits.break_after_minutes:
            return [f"{name.capitalize()} : {_h(stretch_minutes)} de travail d'affilée depuis {_hm(stretch_start)} "
                    f"sans pause de {limits.break_minutes} min (obligatoire avant d'atteindre "
                    f"{_h(limits.break_after_minutes)})."]
        previous_end = slot.end
    return []


def _lunch_errors(name: str, day: list[Slot], limits: Limits, lunch_duty: bool) -> list[str]:
    window_start, window_end = (_minutes(t) for t in limits.lunch_window)
    lunch_slots = [s for s in day if s.kind == LUNCH]
    if lunch_slots:
        if not lunch_duty:
            return [f"{name.capitalize()} : l'accompagnement sur la pause méridienne ({lunch_slots[0].label}) "
                    "n'est prévu ni au contrat ni par avenant."]
        return []
    works_before = any(_minutes(s.start) < window_start for s in day)
    works_after = any(_minutes(s.end) > window_end for s in day)
    if not (works_before and works_after):
        return []
    busy = sorted((max(_minutes(s.start), window_start), min(_minutes(s.end), window_end)) for s in day
                  if _minutes(s.end) > window_start and _minutes(s.start) < window_end)
    longest, cursor = 0, window_start
    for start, end in busy:
        longest = max(longest, start - cursor)
        cursor = max(cursor, end)
    longest = max(longest, window_end - cursor)
    if longest < limits.lunch_minutes:
        return [f"{name.capitalize()} : pause déjeuner de {longest} min entre {_hm(limits.lunch_window[0])} et "
                f"{_hm(limits.lunch_window[1])}, il en faut au moins {limits.lunch_minutes}."]
    return []


def rest_errors(slots: Sequence[Slot], limits: Limits) -> list[str]:
    """At least 11 h of rest between two consecutive working days."""
    errors = []
    days = {(weekday, week): day for weekday, week, day in _days(slots)}
    for (weekday, week), day in days.items():
        following = days.get((weekday + 1, week))
        if following:
            rest = 24 * 60 - _minutes(day[-1].end) + _minutes(following[0].start)
            if rest < limits.min_rest_minutes:
                errors.append(f"Entre {WEEKDAYS[weekday]} et {WEEKDAYS[weekday + 1]} : {_h(rest)} de repos, "
                              f"il en faut {_h(limits.min_rest_minutes)}.")
    return errors


def travel_errors(slots: Sequence[Slot], travel_minutes: dict[frozenset[int], int], limits: Limits) -> list[str]:
    """Between consecutive slots at two schools, the travel time fits (a travel slot counts)."""
    errors = []
    for _weekday, _week, day in _days(slots):
        places = [s for s in day if s.kind != TRAVEL]
        for before, after in itertools.pairwise(places):
            if before.school_id == after.school_id:
                continue
            needed = travel_minutes.get(frozenset({before.school_id, after.school_id}),
                                        limits.default_travel_minutes)
            available = _minutes(after.start) - _minutes(before.end)
            if available < needed:
                errors.append(
                    f"Trajet de {before.school_name or 'l’établissement'} à {after.school_name or 'l’établissement'} "
                    f"entre {before.label} et {after.label} : {available} min prévues, {needed} min nécessaires."
                )
    return errors


@dataclass(frozen=True)
class Check:
    errors: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_timetable(
    slots: Sequence[Slot], *, contract_weekly_hours: Decimal | None, lunch_duty: bool,
    notified: dict[int, Decimal], travel_minutes: dict[frozenset[int], int], limits: Limits,
) -> Check:
    """Every hard rule on an AESH's whole timetable; under-coverage is only a warning."""
    errors: list[str] = []
    for slot in slots:
        errors.extend(slot_shape_errors(slot))
    errors.extend(overlap_errors(slots))
    errors.extend(contract_hours_errors(slots, contract_weekly_hours))
    errors.extend(notified_hours_errors(slots, notified))
    errors.extend(daily_errors(slots, limits, lunch_duty))
    errors.extend(rest_errors(slots, limits))
    errors.extend(travel_errors(slots, travel_minutes, limits))
    warnings = coverage_warnings(slots, notified)
    return Check(errors=list(dict.fromkeys(errors)), warnings=warnings)


def coverage_warnings(slots: Sequence[Slot], notified: dict[int, Decimal]) -> list[str]:
    """Soft rule: an individuelle aid below its notified hours."""
    per_student: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.exclusive:
            for student_id in slot.student_ids:
                per_student[student_id].append(slot)
    warnings = []
    for student_id, student_slots in per_student.items():
        hours = notified.get(student_id)
        if hours is None:
            continue
        assigned = min(weekly_minutes(student_slots).values())
        if assigned < int(Decimal(hours) * 60):
            warnings.append(f"Couverture partielle : {_h(assigned)} assurées sur {_h(int(Decimal(hours) * 60))} "
                            "notifiées pour un élève de cet emploi du temps.")
    return warnings


# --- Coverage --------------------------------------------------------------------------

def coverage_cause(notified_minutes: int | None, assigned_minutes: int, has_assignment: bool) -> str:
    """'', 'aucun AESH affecté', 'AESH désigné·e, aucun créneau' (the next step: the timetable)
    or 'couverture partielle'."""
    if not has_assignment:
        return "aucun AESH affecté"
    if notified_minutes and not assigned_minutes:
        return "AESH désigné·e, aucun créneau"
    if notified_minutes and assigned_minutes < notified_minutes:
        return "couverture partielle"
    return ""


# --- Formatting ------------------------------------------------------------------------

def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _hm(t: datetime.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _h(minutes: int) -> str:
    return durations.format_minutes(int(minutes))
