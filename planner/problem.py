"""The planner's plain data: what it is given (a Problem) and what it returns (a Plan)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def weeks(self) -> tuple[str, ...]:
        return (self.week,) if self.week else (rules.WEEK_A, rules.WEEK_B)


@dataclass(frozen=True)
class Unit:
    """What one slot serves: a pupil with an individuelle aid (exclusive), or up to N pupils
    with a mutualisée aid who follow the same courses."""

    id: int
    pupil_ids: tuple[int, ...]
    school_id: int
    need: int                      # minutes a week: notified hours (individuelle), a target (mutualisée)
    courses: tuple[Course, ...]
    exclusive: bool = True


@dataclass(frozen=True)
class Worker:
    """An AESH: weekly minutes of their contract, lunch duty, weekly unavailabilities."""

    id: int
    capacity: int
    lunch_duty: bool = False
    unavailable: tuple[tuple[int, int, int, str], ...] = ()  # (weekday, start, end, week)
    home_school_id: int | None = None


@dataclass(frozen=True)
class Placement:
    """A proposed slot: a worker on a course of a unit."""

    worker_id: int
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
        return (self.worker_id, self.unit_id, self.weekday, self.start, self.end, self.week)


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
    workers: tuple[Worker, ...]
    limits: rules.Limits = field(default_factory=rules.Limits)
    travel: dict[frozenset[int], int] = field(default_factory=dict)
    wishes: dict[tuple[int, int], str] = field(default_factory=dict)  # (worker, pupil) → FORBID/IMPOSE/PREFER
    current: tuple[Placement, ...] = ()
    weights: Weights = field(default_factory=Weights)
    school_names: dict[int, str] = field(default_factory=dict)
    time_budget: float = 8.0       # seconds, for the improvement phase

    def wish(self, worker_id: int, unit: Unit) -> str:
        found = {self.wishes.get((worker_id, p), "") for p in unit.pupil_ids}
        for kind in (FORBID, IMPOSE, PREFER):
            if kind in found:
                return kind
        return ""


@dataclass(frozen=True)
class Uncovered:
    unit_id: int
    minutes: int
    cause: str


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]
    uncovered: tuple[Uncovered, ...]
    cancelled: bool = False


def rule_slot(problem: Problem, unit: Unit, placement: Placement) -> rules.Slot:
    """The placement as missions.rules sees a slot."""
    return rules.Slot(
        weekday=placement.weekday, start=time_of(placement.start), end=time_of(placement.end),
        school_id=placement.school_id, week=placement.week,
        school_name=problem.school_names.get(placement.school_id, ""),
        student_ids=frozenset(unit.pupil_ids), exclusive=unit.exclusive,
    )
