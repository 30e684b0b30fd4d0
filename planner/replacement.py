"""Absence → replacement, pure: the pupils an absent AESH leaves without cover, and for
each a ranked list of colleagues who can take those courses under missions.rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.board import Board
from planner.problem import Placement, Problem


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    known: bool            # already serves this pupil
    travel: int            # minutes from their school of the day (0: same school)
    spare: int             # minutes left on their contract's week
    course_ids: tuple[int, ...]  # the lost courses they can take, all together
    minutes: int

    @property
    def rank_key(self) -> tuple:
        return (not self.known, self.travel, -self.spare, -self.minutes, self.worker_id)


@dataclass(frozen=True)
class Loss:
    unit_id: int
    placements: tuple[Placement, ...]
    minutes: int
    candidates: tuple[Candidate, ...]


def losses(problem: Problem, absent_id: int) -> list[Loss]:
    """For each unit served by the absent worker: what it loses and who can replace them, best first."""
    board = Board(problem)
    for placement in problem.current:
        if placement.worker_id != absent_id:
            board.place(placement.worker_id, board.units[placement.unit_id],
                        board.courses[placement.unit_id, placement.course_id])
    lost = defaultdict(list)
    for placement in problem.current:
        if placement.worker_id == absent_id:
            lost[placement.unit_id].append(placement)
    found = []
    for unit_id, placements in lost.items():
        unit = board.units[unit_id]
        candidates = []
        for worker in problem.workers:
            if worker.id == absent_id:
                continue
            taken = []
            for placement in sorted(placements, key=lambda p: (p.weekday, p.start)):
                course = board.courses[unit_id, placement.course_id]
                if not board.blocker(worker.id, unit, course):
                    taken.append(board.place(worker.id, unit, course))
            if taken:
                candidates.append(Candidate(
                    worker_id=worker.id, known=board.pair_minutes[worker.id, unit_id] > sum(p.minutes for p in taken),
                    travel=_distance(problem, board, worker.id, taken), spare=board.spare(worker.id) + sum(
                        p.minutes for p in taken), course_ids=tuple(p.course_id for p in taken),
                    minutes=sum(p.minutes for p in taken)))
                for placement in taken:
                    board.remove(placement)
        found.append(Loss(unit_id=unit_id, placements=tuple(placements), minutes=sum(p.minutes for p in placements),
                          candidates=tuple(sorted(candidates, key=lambda c: c.rank_key))))
    return sorted(found, key=lambda loss: (-loss.minutes, loss.unit_id))


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
