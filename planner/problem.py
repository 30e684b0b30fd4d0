"""The planner's plain data: what it is given (a Problem) and what it returns (a Plan)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from missions import rules

FORBID, IMPOSE, PREFER = "FORBID", "IMPOSE", "PREFER"


def minutes_of(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def time_of(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class Course:
    """One course of a class timetable, in minutes since midnight."""

    id: int
    weekday: int
    start: int
    end: int
    school_id: int
    week: str = rules.EVERY_WEEK
    priority: int = 3              # how much accompaniment matters in it, 1–5 (planner.pedagogy)
    family: str = ""               # its family of subjects (planner.pedagogy.family_of)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def weeks(self) -> tuple[str, ...]:
        return (self.week,) if self.week else (rules.WEEK_A, rules.WEEK_B)


@dataclass(frozen=True)
class Unit:
    """What one slot serves: a student with an individuelle aid (exclusive), or up to N students
    with a mutualisée aid who follow the same courses."""

    id: int
    student_ids: tuple[int, ...]
    school_id: int
    need: int                      # minutes a week: notified hours (individuelle), a target (mutualisée)
    courses: tuple[Course, ...]
    exclusive: bool = True


@dataclass(frozen=True)
class AeshSpec:
    """An AESH: weekly minutes of their contract, lunch duty, weekly unavailabilities."""

    id: int
    capacity: int
    lunch_duty: bool = False
    unavailable: tuple[tuple[int, int, int, str], ...] = ()  # (weekday, start, end, week)
    home_school_id: int | None = None


@dataclass(frozen=True)
class Placement:
    """A proposed slot: a AESH on a course of a unit."""

    aesh_id: int
    unit_id: int
    course_id: int
    weekday: int
    start: int
    end: int
    school_id: int
    week: str = rules.EVERY_WEEK

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def key(self) -> tuple:
        return (self.aesh_id, self.unit_id, self.weekday, self.start, self.end, self.week)


@dataclass(frozen=True)
class Fixed:
    """An existing slot the planner keeps as it is: one that is not exactly one course of its
    student (it spans several courses, or lies off any: ULIS, lunch, travel, a student without a
    class timetable), or one that starts after the plan's first day. It counts in every rule
    of its AESH's week; it covers, for its student, the minutes it lasts and the courses it
    overlaps."""

    id: int                        # the TimeSlot's id
    aesh_id: int
    weekday: int
    start: int
    end: int
    school_id: int
    week: str = rules.EVERY_WEEK
    kind: str = rules.CLASS
    student_ids: tuple[int, ...] = ()    # students (ULIS: minus the dispositif's id, as missions.rules has it)
    exclusive: bool = False
    unit_id: int | None = None         # the planned unit it serves, if any
    course_ids: tuple[int, ...] = ()   # the unit's courses it overlaps
    current: bool = True               # valid on the plan's first day (else: later, counted in the rules only)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def weekly(self) -> float:
        return self.minutes / 2 if self.week else self.minutes


@dataclass(frozen=True)
class Weights:
    """How much each objective counts (0 = ignored); the coordinator moves them, 0 to 5."""

    coverage: float = 1.0
    fairness: float = 1.0
    continuity: float = 1.0
    compactness: float = 1.0
    stability: float = 1.0


@dataclass(frozen=True)
class Problem:
    units: tuple[Unit, ...]
    aesh_pool: tuple[AeshSpec, ...]
    limits: rules.Limits = field(default_factory=rules.Limits)
    travel: dict[frozenset[int], int] = field(default_factory=dict)
    wishes: dict[tuple[int, int], str] = field(default_factory=dict)  # (AESH, student) → FORBID/IMPOSE/PREFER
    current: tuple[Placement, ...] = ()   # current slots that are exactly one course: the engine may move them
    fixed: tuple[Fixed, ...] = ()         # every other existing slot: kept, counted in every rule
    notified: dict[int, int] = field(default_factory=dict)  # student → notified individuelle minutes, planned or not
    weights: Weights = field(default_factory=Weights)
    school_names: dict[int, str] = field(default_factory=dict)
    aesh_names: dict[int, str] = field(default_factory=dict)  # for the causes, in the coordinator's words
    # Pedagogical choices (planner.pedagogy): hard cap of different AESH per student, pairs of
    # students never sharing an AESH, an AESH's ease (1–5) per family of subjects.
    max_aesh_per_student: int | None = None
    apart: frozenset[frozenset[int]] = frozenset()
    ease: dict[tuple[int, str], int] = field(default_factory=dict)
    # Continuity across school years (a plan for the rentrée): (AESH, student) of year N → bonus
    # for keeping the pair (PLANNER_CONTINUITY_BONUS, whole when the AESH wishes to follow the same
    # students, half without a wish; a pair the AESH declined is absent).
    previous: dict[tuple[int, int], float] = field(default_factory=dict)
    step_budget: int | None = None    # steps of the whole run at most (engine.Steps; None: unbounded)
    max_rounds: int | None = None     # balancing rounds at most (None: the step budget alone bounds them)

    def wish(self, aesh_id: int, unit: Unit) -> str:
        found = {self.wishes.get((aesh_id, p), "") for p in unit.student_ids}
        for kind in (FORBID, IMPOSE, PREFER):
            if kind in found:
                return kind
        return ""


@dataclass(frozen=True)
class Uncovered:
    """Minutes a week a unit still misses, and why: (cause in French, minutes) pairs, the
    largest first; identical causes of several courses are one pair."""

    unit_id: int
    minutes: int
    causes: tuple[tuple[str, int], ...] = ()

    @property
    def cause(self) -> str:
        return self.causes[0][0] if self.causes else ""


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]
    uncovered: tuple[Uncovered, ...]
    cancelled: bool = False
    steps: int = 0                    # candidates the rules decided (engine.Steps)
    budget_exhausted: bool = False    # the step budget ran out before the search ended


def fixed_slot(problem: Problem, fixed: Fixed) -> rules.Slot:
    """An existing slot as missions.rules sees it."""
    return rules.Slot(
        weekday=fixed.weekday, start=time_of(fixed.start), end=time_of(fixed.end), school_id=fixed.school_id,
        kind=fixed.kind, week=fixed.week, school_name=problem.school_names.get(fixed.school_id, ""),
        student_ids=frozenset(fixed.student_ids), exclusive=fixed.exclusive, id=fixed.id,
    )


def notified_hours(problem: Problem) -> dict[int, Decimal]:
    """Notified individuelle hours of every student the rules may meet (planned or not)."""
    hours = {p: Decimal(m) / 60 for p, m in problem.notified.items()}
    hours.update({p: Decimal(u.need) / 60 for u in problem.units if u.exclusive for p in u.student_ids})
    return hours


def rule_slot(problem: Problem, unit: Unit, placement: Placement) -> rules.Slot:
    """The placement as missions.rules sees a slot."""
    return rules.Slot(
        weekday=placement.weekday, start=time_of(placement.start), end=time_of(placement.end),
        school_id=placement.school_id, week=placement.week,
        school_name=problem.school_names.get(placement.school_id, ""),
        student_ids=frozenset(unit.student_ids), exclusive=unit.exclusive,
    )
