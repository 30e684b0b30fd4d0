"""The plain greedy baseline of the benchmark: each student in turn, each course in time
order, to the first AESH free for it. It obeys the same rules (board.py), nothing else."""

from __future__ import annotations

from planner.board import Board
from planner.causes import uncovered
from planner.problem import Plan, Problem


def greedy(problem: Problem) -> Plan:
    board = Board(problem)
    for unit in problem.units:
        for course in sorted(unit.courses, key=lambda c: (c.weekday, c.start)):
            for spec in problem.aesh_pool:
                if not board.blocker(spec.id, unit, course):
                    board.place(spec.id, unit, course)
                    break
    return Plan(placements=tuple(board.all_placements()), uncovered=tuple(uncovered(board)))
