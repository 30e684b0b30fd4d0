"""Absence → replacement, pure: every slot an absent AESH leaves, the pupils it leaves without
cover, who already covers them (a replacement made), and for the rest a ranked list of
colleagues who can take those slots under missions.rules.

A lost slot is any slot of the absent AESH with a pupil: one that is a course of the pupil's
class (Problem.current) or any other (Problem.fixed: a slot spanning courses, a pupil without
class timetable). Another AESH's slot with the same pupil at the same time covers it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace

from planner.board import Board
from planner.problem import Course, Fixed, Placement, Problem, Unit


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    known: bool            # already serves this pupil
    travel: int            # minutes from their school of the day (0: same school)
    spare: int             # minutes left on their contract's week
    course_ids: tuple[int, ...]  # the lost slots they can take, all together (Placement.course_id)
    minutes: int

    @property
    def rank_key(self) -> tuple:
        return (not self.known, self.travel, -self.spare, -self.minutes, self.worker_id)


@dataclass(frozen=True)
class Cover:
    """Another AESH's slot with the pupil during a lost slot: the pupil is covered there."""

    worker_id: int
    placement: Placement   # the covering slot
    minutes: int           # of the lost slots it covers


@dataclass(frozen=True)
class Loss:
    unit_id: int
    pupil_ids: tuple[int, ...]
    placements: tuple[Placement, ...]   # the absent AESH's slots with these pupils
    minutes: int                        # weekly minutes lost and not covered by anyone
    candidates: tuple[Candidate, ...]
    covers: tuple[Cover, ...] = ()
    starts: dict[int, datetime.date] = field(default_factory=dict)  # course_id → first day, for a later slot

    @property
    def lost_minutes(self) -> int:
        return sum(p.minutes for p in self.placements)


def _as_placement(fixed: Fixed, unit_id: int) -> Placement:
    return Placement(worker_id=fixed.worker_id, unit_id=unit_id, course_id=-fixed.id, weekday=fixed.weekday,
                     start=fixed.start, end=fixed.end, school_id=fixed.school_id, week=fixed.week)


def _overlap(a: Placement, b: Placement) -> int:
    if a.weekday != b.weekday or (a.week and b.week and a.week != b.week):
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _within(fixed: Fixed, until: datetime.date | None) -> bool:
    """Valid on the first day, or starting later but before `until`."""
    return fixed.current or (until is not None and fixed.valid_from is not None and fixed.valid_from <= until)


def losses(problem: Problem, absent_id: int, until: datetime.date | None = None) -> list[Loss]:
    """For each pupil served by the absent worker: what they lose, who covers it already, and
    who can replace the rest, best first."""
    units = {u.id: u for u in problem.units}
    lost: dict[int, list[Placement]] = defaultdict(list)
    pupils_of: dict[int, tuple[int, ...]] = {}
    extra_units: dict[int, Unit] = {}
    for placement in problem.current:
        if placement.worker_id == absent_id and placement.unit_id in units:
            lost[placement.unit_id].append(placement)
            pupils_of[placement.unit_id] = units[placement.unit_id].pupil_ids
    starts: dict[int, dict[int, datetime.date]] = defaultdict(dict)
    for fixed in problem.fixed:
        pupils = tuple(p for p in fixed.pupil_ids if p > 0)
        if fixed.worker_id != absent_id or not _within(fixed, until) or not pupils:
            continue
        unit_id = fixed.unit_id if fixed.unit_id is not None else pupils[0]
        if unit_id not in units and unit_id not in extra_units:
            need = max([problem.notified.get(p, 0) for p in pupils] + [24 * 60 * 5])
            extra_units[unit_id] = Unit(id=unit_id, pupil_ids=pupils, school_id=fixed.school_id, need=need,
                                        courses=(), exclusive=fixed.exclusive)
        lost[unit_id].append(_as_placement(fixed, unit_id))
        if not fixed.current:
            starts[unit_id][-fixed.id] = fixed.valid_from
        pupils_of.setdefault(unit_id, units[unit_id].pupil_ids if unit_id in units else pupils)
    others = replace(problem, units=problem.units + tuple(extra_units.values()),
                     fixed=tuple(f for f in problem.fixed if f.worker_id != absent_id))
    board = Board(others)
    for placement in problem.current:
        if placement.worker_id != absent_id and (placement.unit_id, placement.course_id) in board.courses:
            board.place(placement.worker_id, board.units[placement.unit_id],
                        board.courses[placement.unit_id, placement.course_id])
    held = _held_by_pupil(others, absent_id, until)
    found = []
    for unit_id, placements in lost.items():
        unit = board.units[unit_id]
        for placement in placements:  # a lost slot off the class courses becomes a course of its own
            board.courses.setdefault((unit_id, placement.course_id), Course(
                id=placement.course_id, weekday=placement.weekday, start=placement.start, end=placement.end,
                school_id=placement.school_id, week=placement.week))
        covers = []
        open_slots = []
        for placement in sorted(placements, key=lambda p: (p.weekday, p.start)):
            covered = 0
            for worker_id, other in held.get(frozenset(pupils_of[unit_id]), []):
                minutes = _overlap(placement, other)
                if minutes:
                    covers.append(Cover(worker_id=worker_id, placement=other, minutes=minutes))
                    covered += minutes
            if covered < placement.minutes:
                open_slots.append((placement, placement.minutes - min(covered, placement.minutes)))
        candidates = _candidates(problem, board, absent_id, unit, [p for p, _ in open_slots]) if open_slots else []
        found.append(Loss(unit_id=unit_id, pupil_ids=pupils_of[unit_id], placements=tuple(placements),
                          minutes=sum(m for _, m in open_slots), candidates=tuple(candidates),
                          covers=tuple(dict.fromkeys(covers)), starts=dict(starts[unit_id])))
    return sorted(found, key=lambda loss: (-loss.minutes, -loss.lost_minutes, loss.unit_id))


def _held_by_pupil(problem: Problem, absent_id: int,
                   until: datetime.date | None = None) -> dict[frozenset, list[tuple[int, Placement]]]:
    """Every other AESH's slot, by the set of pupils it serves."""
    units = {u.id: u for u in problem.units}
    held: dict[frozenset, list[tuple[int, Placement]]] = defaultdict(list)
    for placement in problem.current:
        if placement.unit_id in units and placement.worker_id != absent_id:
            held[frozenset(units[placement.unit_id].pupil_ids)].append((placement.worker_id, placement))
    for fixed in problem.fixed:
        pupils = frozenset(p for p in fixed.pupil_ids if p > 0)
        if pupils and _within(fixed, until) and fixed.worker_id != absent_id:
            held[pupils].append((fixed.worker_id, _as_placement(fixed, fixed.unit_id or -1)))
    return held


def _candidates(problem: Problem, board: Board, absent_id: int, unit: Unit,
                placements: list[Placement]) -> list[Candidate]:
    candidates = []
    for worker in problem.workers:
        if worker.id == absent_id:
            continue
        taken = []
        for placement in placements:
            course = board.courses[unit.id, placement.course_id]
            if not board.blocker(worker.id, unit, course):
                taken.append(board.place(worker.id, unit, course))
        if taken:
            minutes = sum(p.minutes for p in taken)
            candidates.append(Candidate(
                worker_id=worker.id, known=board.pair_minutes[worker.id, unit.id] > minutes,
                travel=_distance(problem, board, worker.id, taken), spare=board.spare(worker.id) + minutes,
                course_ids=tuple(p.course_id for p in taken), minutes=minutes))
            for placement in taken:
                board.remove(placement)
    return sorted(candidates, key=lambda c: c.rank_key)


def _distance(problem: Problem, board: Board, worker_id: int, taken: list[Placement]) -> int:
    """Travel minutes between the worker's school and the pupil's (the worst day)."""
    worst = 0
    home = board.workers[worker_id].home_school_id
    for placement in taken:
        day_schools = {p.school_id for p in board.day_of(worker_id, placement.weekday) if p != placement}
        schools = day_schools or ({home} if home else set())
        for school in schools:
            if school != placement.school_id:
                worst = max(worst, problem.travel.get(frozenset({school, placement.school_id}),
                                                      problem.limits.default_travel_minutes))
    return worst
