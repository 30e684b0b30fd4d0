"""Absence → replacement, pure: every slot an absent AESH leaves, the students it leaves without
cover, who already covers them (a replacement made), and for the rest a ranked list of
colleagues who can take those slots under missions.rules.

A lost slot is any slot of the absent AESH with a student: one that is a course of the student's
class (Problem.current) or any other (Problem.fixed: a slot spanning courses, a student without
class timetable). Another AESH's slot with the same student at the same time covers it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from planner.board import Board
from planner.problem import Course, Fixed, Placement, Problem, Unit


@dataclass(frozen=True)
class Candidate:
    aesh_id: int
    known: bool            # already serves this student
    travel: int            # minutes from their school of the day (0: same school)
    spare: int             # minutes left on their contract's week
    course_ids: tuple[int, ...]  # the lost slots they can take, all together (Placement.course_id)
    minutes: int

    @property
    def rank_key(self) -> tuple:
        return (not self.known, self.travel, -self.spare, -self.minutes, self.aesh_id)


@dataclass(frozen=True)
class Cover:
    """Another AESH's slot with the student during a lost slot: the student is covered there."""

    aesh_id: int
    placement: Placement   # the covering slot
    minutes: int           # of the lost slots it covers


@dataclass(frozen=True)
class Loss:
    unit_id: int
    student_ids: tuple[int, ...]
    placements: tuple[Placement, ...]   # the absent AESH's slots with these students
    minutes: int                        # weekly minutes lost and not covered by anyone
    candidates: tuple[Candidate, ...]
    covers: tuple[Cover, ...] = ()

    @property
    def lost_minutes(self) -> int:
        return sum(p.minutes for p in self.placements)


def _as_placement(fixed: Fixed, unit_id: int) -> Placement:
    return Placement(aesh_id=fixed.aesh_id, unit_id=unit_id, course_id=-fixed.id, weekday=fixed.weekday,
                     start=fixed.start, end=fixed.end, school_id=fixed.school_id, week=fixed.week)


def _overlap(a: Placement, b: Placement) -> int:
    if a.weekday != b.weekday or (a.week and b.week and a.week != b.week):
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def losses(problem: Problem, absent_id: int) -> list[Loss]:
    """For each student served by the absent AESH: what they lose, who covers it already, and
    who can replace the rest, best first."""
    units = {u.id: u for u in problem.units}
    lost: dict[int, list[Placement]] = defaultdict(list)
    students_of: dict[int, tuple[int, ...]] = {}
    extra_units: dict[int, Unit] = {}
    for placement in problem.current:
        if placement.aesh_id == absent_id and placement.unit_id in units:
            lost[placement.unit_id].append(placement)
            students_of[placement.unit_id] = units[placement.unit_id].student_ids
    for fixed in problem.fixed:
        students = tuple(p for p in fixed.student_ids if p > 0)
        if fixed.aesh_id != absent_id or not fixed.current or not students:
            continue
        unit_id = fixed.unit_id if fixed.unit_id is not None else students[0]
        if unit_id not in units and unit_id not in extra_units:
            need = max([problem.notified.get(p, 0) for p in students] + [24 * 60 * 5])
            extra_units[unit_id] = Unit(id=unit_id, student_ids=students, school_id=fixed.school_id, need=need,
                                        courses=(), exclusive=fixed.exclusive)
        lost[unit_id].append(_as_placement(fixed, unit_id))
        students_of.setdefault(unit_id, units[unit_id].student_ids if unit_id in units else students)
    others = replace(problem, units=problem.units + tuple(extra_units.values()),
                     fixed=tuple(f for f in problem.fixed if f.aesh_id != absent_id))
    board = Board(others)
    for placement in problem.current:
        if placement.aesh_id != absent_id and (placement.unit_id, placement.course_id) in board.courses:
            board.place(placement.aesh_id, board.units[placement.unit_id],
                        board.courses[placement.unit_id, placement.course_id])
    held = _held_by_student(others, absent_id)
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
            for aesh_id, other in held.get(frozenset(students_of[unit_id]), []):
                minutes = _overlap(placement, other)
                if minutes:
                    covers.append(Cover(aesh_id=aesh_id, placement=other, minutes=minutes))
                    covered += minutes
            if covered < placement.minutes:
                open_slots.append((placement, placement.minutes - min(covered, placement.minutes)))
        candidates = _candidates(problem, board, absent_id, unit, [p for p, _ in open_slots]) if open_slots else []
        found.append(Loss(unit_id=unit_id, student_ids=students_of[unit_id], placements=tuple(placements),
                          minutes=sum(m for _, m in open_slots), candidates=tuple(candidates),
                          covers=tuple(dict.fromkeys(covers))))
    return sorted(found, key=lambda loss: (-loss.minutes, -loss.lost_minutes, loss.unit_id))


def _held_by_student(problem: Problem, absent_id: int) -> dict[frozenset, list[tuple[int, Placement]]]:
    """Every other AESH's slot, by the set of students it serves."""
    units = {u.id: u for u in problem.units}
    held: dict[frozenset, list[tuple[int, Placement]]] = defaultdict(list)
    for placement in problem.current:
        if placement.unit_id in units and placement.aesh_id != absent_id:
            held[frozenset(units[placement.unit_id].student_ids)].append((placement.aesh_id, placement))
    for fixed in problem.fixed:
        students = frozenset(p for p in fixed.student_ids if p > 0)
        if students and fixed.current and fixed.aesh_id != absent_id:
            held[students].append((fixed.aesh_id, _as_placement(fixed, fixed.unit_id or -1)))
    return held


def _candidates(problem: Problem, board: Board, absent_id: int, unit: Unit,
                placements: list[Placement]) -> list[Candidate]:
    candidates = []
    for spec in problem.aesh_pool:
        if spec.id == absent_id:
            continue
        taken = []
        for placement in placements:
            course = board.courses[unit.id, placement.course_id]
            if not board.blocker(spec.id, unit, course):
                taken.append(board.place(spec.id, unit, course))
        if taken:
            minutes = sum(p.minutes for p in taken)
            candidates.append(Candidate(
                aesh_id=spec.id, known=board.pair_minutes[spec.id, unit.id] > minutes,
                travel=_distance(problem, board, spec.id, taken), spare=board.spare(spec.id) + minutes,
                course_ids=tuple(p.course_id for p in taken), minutes=minutes))
            for placement in taken:
                board.remove(placement)
    return sorted(candidates, key=lambda c: c.rank_key)


def _distance(problem: Problem, board: Board, aesh_id: int, taken: list[Placement]) -> int:
    """Travel minutes between the AESH's school and the student's (the worst day)."""
    worst = 0
    home = board.aesh_pool[aesh_id].home_school_id
    for placement in taken:
        day_schools = {p.school_id for p in board.day_of(aesh_id, placement.weekday) if p != placement}
        schools = day_schools or ({home} if home else set())
        for school in schools:
            if school != placement.school_id:
                worst = max(worst, problem.travel.get(frozenset({school, placement.school_id}),
                                                      problem.limits.default_travel_minutes))
    return worst
