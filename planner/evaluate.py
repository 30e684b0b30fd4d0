"""Figures of a plan: coverage, worst student, AESH per student, rule violations, gaps, changes."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from missions import rules
from planner.problem import Placement, Plan, Problem, fixed_slot, notified_hours, rule_slot


@dataclass(frozen=True)
class Figures:
    coverage: float         # covered / notified minutes, over every student
    worst: float            # the worst-served student's rate
    aesh_per_student: float   # distinct AESH per student served
    violations: int         # messages of missions.rules, plus a course covered twice
    gap_minutes: int        # idle minutes inside AESH days
    students_unserved: int
    continuity_bonus: float = 0.0   # bonus of the year-N pairs the plan keeps (Problem.previous)


def rule_violations(problem: Problem, placements: tuple[Placement, ...] | list[Placement]) -> list[str]:
    """Every hard rule of missions.rules on each AESH's week — the fixed slots with the
    proposed ones, as the acceptance checks them — and no course served twice. An AESH whose
    fixed slots alone break a rule is reported only if something is proposed to them."""
    units = {u.id: u for u in problem.units}
    aesh_pool = {w.id: w for w in problem.aesh_pool}
    notified = notified_hours(problem)
    per_aesh = defaultdict(list)
    fixed_of = defaultdict(list)
    for fixed in problem.fixed:
        fixed_of[fixed.aesh_id].append(fixed_slot(problem, fixed))
    errors = []
    seen: dict[tuple[int, int], int] = {}
    for fixed in problem.fixed:
        if fixed.unit_id is not None:
            for course_id in fixed.course_ids:
                seen[fixed.unit_id, course_id] = fixed.aesh_id
    for placement in placements:
        per_aesh[placement.aesh_id].append(rule_slot(problem, units[placement.unit_id], placement))
        if (placement.unit_id, placement.course_id) in seen:
            errors.append(f"Cours {placement.course_id} de l'unité {placement.unit_id} servi deux fois.")
        seen[placement.unit_id, placement.course_id] = placement.aesh_id
        unavailable = aesh_pool[placement.aesh_id].unavailable
        for weekday, start, end, week in unavailable:
            if (weekday == placement.weekday and start < placement.end and placement.start < end
                    and (not week or not placement.week or week == placement.week)):
                errors.append(f"AESH {placement.aesh_id} indisponible sur un créneau proposé.")
    for aesh_id, slots in per_aesh.items():
        spec = aesh_pool[aesh_id]
        errors.extend(rules.check_timetable(
            slots + fixed_of[aesh_id], contract_weekly_hours=Decimal(spec.capacity) / 60,
            lunch_duty=spec.lunch_duty,
            notified=notified, travel_minutes=problem.travel, limits=problem.limits,
        ).errors)
    for unit in problem.units:  # notified hours across AESH
        weeks = {rules.WEEK_A: 0, rules.WEEK_B: 0}
        for fixed in problem.fixed:
            if fixed.unit_id == unit.id and fixed.current:
                for week in ((fixed.week,) if fixed.week else weeks):
                    weeks[week] += fixed.minutes
        for placement in placements:
            if placement.unit_id == unit.id:
                for week in ((placement.week,) if placement.week else weeks):
                    weeks[week] += placement.minutes
        if unit.exclusive and max(weeks.values()) > unit.need:
            errors.append(f"Unité {unit.id} : au-delà des heures notifiées.")
    return errors


def figures(problem: Problem, plan: Plan) -> Figures:
    got = defaultdict(float)
    pairs = defaultdict(set)
    for fixed in problem.fixed:
        if fixed.unit_id is not None and fixed.current:
            got[fixed.unit_id] += fixed.weekly
            pairs[fixed.unit_id].add(fixed.aesh_id)
    for placement in plan.placements:
        got[placement.unit_id] += placement.minutes / (1 if not placement.week else 2)
        pairs[placement.unit_id].add(placement.aesh_id)
    units = [u for u in problem.units if u.need]
    need = sum(u.need * len(u.student_ids) for u in units)
    covered = sum(min(got[u.id], u.need) * len(u.student_ids) for u in units)
    served = [u for u in units if pairs[u.id]]
    days = defaultdict(list)
    for placement in plan.placements:
        days[placement.aesh_id, placement.weekday, placement.week].append(placement)
    gaps = 0
    for day in days.values():
        day.sort(key=lambda p: p.start)
        gaps += sum(max(0, b.start - a.end) for a, b in itertools.pairwise(day))
    return Figures(
        coverage=covered / need if need else 1.0,
        worst=min((min(got[u.id], u.need) / u.need for u in units), default=1.0),
        aesh_per_student=(sum(len(pairs[u.id]) * len(u.student_ids) for u in served)
                        / max(1, sum(len(u.student_ids) for u in served))),
        violations=len(rule_violations(problem, plan.placements)),
        gap_minutes=gaps,
        students_unserved=sum(len(u.student_ids) for u in units if not pairs[u.id]),
        continuity_bonus=continuity_bonus(problem, plan.placements),
    )


def continuity_bonus(problem: Problem, placements) -> float:
    """The bonus of every year-N pair (AESH, student) the placements keep, each pair once."""
    units = {u.id: u for u in problem.units}
    kept = {(p.aesh_id, s) for p in placements for s in units[p.unit_id].student_ids}
    return sum(bonus for pair, bonus in problem.previous.items() if pair in kept)


def changed_share(before: tuple[Placement, ...], after: tuple[Placement, ...],
                  ignore_aesh: int | None = None) -> float:
    """Share of the slots of `before` (other than those of ignore_worker) that `after` no longer has."""
    kept = {p.key for p in after}
    considered = [p for p in before if p.aesh_id != ignore_aesh]
    if not considered:
        return 0.0
    return sum(1 for p in considered if p.key not in kept) / len(considered)
