"""Why a student's hours stay uncovered, in the coordinator's words.

For each course of the student that nobody covers, only the AESH free at those hours are
looked at (not busy, not unavailable), and the page says why none of them took it: they
have reached their contract, the travel from the school where they are just before or
after does not fit, a wish keeps them apart, another rule of their day, or — when one of
them could take it — the continuity weight. Identical causes of several courses are one
cause, with the minutes of the courses it concerns.
"""

from __future__ import annotations

from collections import defaultdict

from missions import rules
from planner.board import APART, BROKEN, BUSY, CAPACITY, CAPPED, FORBIDDEN, NEED, TAKEN, Board, mask
from planner.problem import Course, Uncovered, Unit

NO_TIMETABLE = "pas d'emploi du temps de classe : saisissez-le ou importez-le"
NO_AESH = "aucun AESH disponible à ces heures"
NO_CAPACITY = "capacité insuffisante : les AESH disponibles à ces heures ont atteint leur contrat"
REACHED = "les AESH disponibles à ces heures ont atteint leur contrat"
CONTINUITY = "poids de continuité : non proposé pour limiter le nombre d'AESH auprès de l'élève"
ALL_TAKEN = "tous ses cours sont déjà accompagnés, certains par des créneaux plus courts que le cours"
REMAINDER = ("il reste moins qu'un cours entier à couvrir : un AESH est placé sur des cours entiers, "
             "ajustez un créneau à la main si besoin")
SHOWN_NAMES = 3


def uncovered(board: Board) -> list[Uncovered]:
    found = []
    free: dict[tuple, list[int]] = {}  # the AESH free at a course's hours, shared by the courses at those hours
    for unit in board.units.values():
        missing = round(unit.need - board.got_minutes(unit.id))
        if missing < 15:
            continue
        found.append(Uncovered(unit_id=unit.id, minutes=missing, causes=tuple(causes_of(board, unit, free))))
    return found


def causes_of(board: Board, unit: Unit, free: dict | None = None) -> list[tuple[str, int]]:
    """(cause, weekly minutes of the open courses it concerns), the largest first."""
    if not unit.courses:
        return [(NO_TIMETABLE, unit.need)]
    grouped: dict[str, float] = defaultdict(float)
    for course in unit.courses:
        if (unit.id, course.id) in board.taken:
            continue
        why = course_cause(board, unit, course, free)
        if why:
            grouped[why] += course.minutes / 2 if course.week else course.minutes
    if not grouped:  # every open course would pass the notified hours (or none is open)
        grouped[REMAINDER if _open(board, unit) else ALL_TAKEN] = 0
    return sorted(((text, round(minutes)) for text, minutes in grouped.items()), key=lambda c: (-c[1], c[0]))


def _open(board: Board, unit: Unit) -> bool:
    return any((unit.id, c.id) not in board.taken for c in unit.courses)


def course_cause(board: Board, unit: Unit, course: Course, cache: dict | None = None) -> str:
    """Why no AESH free at the course's hours took it; '' when the student's hours for that
    week are already reached (the course is not needed). `cache` keeps the AESH free at given
    hours for the next courses at the same hours (the board must not change meanwhile)."""
    if any(board.got[unit.id, week] + course.minutes > unit.need for week in course.weeks):
        return ""
    key = (course.weekday, course.start, course.end, course.week)
    free = None if cache is None else cache.get(key)
    if free is None:
        free = [w for w in board.aesh_pool if _free(board, w, course)]
        if cache is not None:
            cache[key] = free
    if not free:
        return NO_AESH
    reached, travel, wishes, other, broken = [], defaultdict(list), [], defaultdict(list), []
    for aesh_id in free:
        reason = board.blocker(aesh_id, unit, course)
        if reason == "":
            return CONTINUITY
        if reason == FORBIDDEN:
            wishes.append(aesh_id)
        elif reason == BROKEN:
            broken.append(aesh_id)
        elif reason == CAPACITY:
            reached.append(aesh_id)
        elif reason in (BUSY, TAKEN, NEED):
            continue
        elif reason == CAPPED:
            other[f"plafond de {board.problem.max_aesh_per_student} AESH différent·es par élève atteint"].append(
                aesh_id)
        elif reason == APART:
            other["élève à ne jamais confier au même AESH qu'un·e élève qu'il ou elle accompagne"].append(aesh_id)
        elif reason.startswith("Trajet de"):
            travel[_other_school(board, aesh_id, course)].append(aesh_id)
        else:
            other[_rule_words(reason, board.problem.limits)].append(aesh_id)
    parts = []
    if reached and not (travel or wishes or other or broken):
        return f"{NO_CAPACITY} ({_names(board, reached)})"
    if reached:
        parts.append(f"{REACHED} ({_names(board, reached)})")
    for school_id, aesh_pool in sorted(travel.items(), key=lambda x: (x[0] is None, x[0] or 0)):
        school = board.problem.school_names.get(school_id, "d'un autre établissement") if school_id else \
            "d'un autre établissement"
        parts.append(f"trajet impossible depuis {school} pour {_names(board, aesh_pool)}")
    if wishes:
        parts.append(f"souhait : éviter {_names(board, wishes)}")
    for rule, aesh_pool in sorted(other.items()):
        parts.append(f"{rule} pour {_names(board, aesh_pool)}")
    if broken:
        parts.append(f"l'emploi du temps actuel de {_names(board, broken)} enfreint déjà une règle")
    return " ; ".join(parts) or NO_AESH


_RULES = (("de travail, au-delà", "journée de plus de {max_daily} de travail"),
          ("amplitude", "amplitude de la journée au-delà de {amplitude}"),
          ("sans pause", "pas de pause de {pause} min avant {pause_after} de travail"),
          ("pause déjeuner", "pas de pause déjeuner de {lunch} min"),
          ("pause méridienne", "pause méridienne hors contrat"),
          ("deux endroits", "déjà occupé·e à ces heures"))


def _rule_words(message: str, limits: rules.Limits | None = None) -> str:
    """A rule's message, as a short cause (the AESH named after it)."""
    limits = limits or rules.Limits()
    for needle, words in _RULES:
        if needle in message:
            return words.format(max_daily=rules._h(limits.max_daily_minutes),
                                amplitude=rules._h(limits.max_amplitude_minutes), pause=limits.break_minutes,
                                pause_after=rules._h(limits.break_after_minutes), lunch=limits.lunch_minutes)
    return "règle : " + message.rstrip(".")


def _free(board: Board, aesh_id: int, course: Course) -> bool:
    bits = mask(course.start, course.end)
    return not any(board.busy[aesh_id, course.weekday, week] & bits for week in course.weeks)


def _other_school(board: Board, aesh_id: int, course: Course) -> int | None:
    """The school where the AESH is just before or after the course, the nearest in time."""
    nearest, gap = None, None
    for placement in board.day_of(aesh_id, course.weekday):
        if placement.school_id == course.school_id:
            continue
        distance = min(abs(course.start - placement.end), abs(placement.start - course.end))
        if gap is None or distance < gap:
            nearest, gap = placement.school_id, distance
    return nearest


def _names(board: Board, aesh_ids: list[int]) -> str:
    names = sorted(board.problem.aesh_names.get(w, f"AESH n° {w}") for w in aesh_ids)
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" et {len(names) - SHOWN_NAMES} autre(s)" if len(names) > SHOWN_NAMES else "")
