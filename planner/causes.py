"""Why a pupil's hours stay uncovered, in French, for the coordinator."""

from __future__ import annotations

from planner.board import BUSY, CAPACITY, FORBIDDEN, NEED, TAKEN, Board
from planner.problem import Uncovered

NO_TIMETABLE = "pas d'emploi du temps de classe : saisissez-le ou importez-le"
NO_AESH = "aucun AESH compatible : tous sont occupés, indisponibles ou exclus à ces heures"
NO_CAPACITY = "capacité insuffisante : les AESH libres à ces heures ont atteint les heures de leur contrat"
CONTINUITY = "non proposé pour limiter le nombre d'AESH auprès de l'élève (poids « continuité »)"


def uncovered(board: Board) -> list[Uncovered]:
    found = []
    for unit in board.units.values():
        missing = round(unit.need - board.got_minutes(unit.id))
        if missing < 15:
            continue
        found.append(Uncovered(unit_id=unit.id, minutes=missing, cause=cause(board, unit)))
    return found


def cause(board: Board, unit) -> str:
    if not unit.courses:
        return NO_TIMETABLE
    reasons = []
    for worker_id in board.workers:
        for course in unit.courses:
            reason = board.blocker(worker_id, unit, course)
            if reason in (TAKEN, NEED):
                continue
            reasons.append(reason)
    if "" in reasons:
        return CONTINUITY
    said = [r for r in reasons if r not in (BUSY, FORBIDDEN, CAPACITY)]
    if said:
        return "règle : " + said[0]
    if CAPACITY in reasons:
        return NO_CAPACITY
    return NO_AESH
