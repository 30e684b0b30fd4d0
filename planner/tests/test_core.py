"""The planner's pure core: known optima, rules, weights, wishes, stability, replacements."""

import dataclasses
from decimal import Decimal

import pytest

from missions import rules
from planner import causes, engine, evaluate, greedy, replacement, samples
from planner.problem import FORBID, AeshSpec, Course, Placement, Problem, Unit, Weights, rule_slot

H = 60


def course(id, weekday, start, end, school=1, week=""):
    return Course(id=id, weekday=weekday, start=start * H, end=end * H, school_id=school, week=week)


def test_tiny_instance_reaches_its_known_optimum():
    """One AESH for two hours, two students: Alice only at 8–9, Bruno at 8–9 or 9–10. The only
    way to serve both fully is Alice at 8, Bruno at 9; the plain greedy (Bruno first) misses it."""
    problem = Problem(
        units=(Unit(id=2, student_ids=(2,), school_id=1, need=H, courses=(course(1, 0, 8, 9), course(2, 0, 9, 10))),
               Unit(id=1, student_ids=(1,), school_id=1, need=H, courses=(course(3, 0, 8, 9),))),
        aesh_pool=(AeshSpec(id=1, capacity=2 * H),),
    )
    plan = engine.plan(problem)
    assert {(p.unit_id, p.start) for p in plan.placements} == {(1, 8 * H), (2, 9 * H)}
    assert evaluate.figures(problem, plan).coverage == 1.0
    assert evaluate.figures(problem, greedy.greedy(problem)).coverage == 0.5


def test_tiny_instance_capacity_bound_is_the_optimum():
    """Two AESH of 3 h, three students needing 2 h each over the same mornings: at most 6 h of
    6 h, with each student served by one AESH wherever possible."""
    mornings = tuple(course(10 * d + h, d, 8 + h, 9 + h) for d in range(2) for h in range(3))
    units = tuple(Unit(id=i, student_ids=(i,), school_id=1, need=2 * H,
                       courses=tuple(dataclasses.replace(c, id=c.id + 100 * i) for c in mornings)) for i in (1, 2, 3))
    problem = Problem(units=units, aesh_pool=(AeshSpec(id=1, capacity=3 * H), AeshSpec(id=2, capacity=3 * H)))
    plan = engine.plan(problem)
    f = evaluate.figures(problem, plan)
    assert f.coverage == 1.0 and f.worst == 1.0 and f.violations == 0
    assert f.aesh_per_student <= 4 / 3  # one student split at most


@pytest.mark.parametrize("make", [samples.college, samples.pole])
def test_every_proposed_slot_passes_check_timetable(make):
    problem = make(seed=2)
    plan = engine.plan(dataclasses.replace(problem, max_rounds=500))
    units = {u.id: u for u in problem.units}
    notified = {p: Decimal(u.need) / 60 for u in problem.units if u.exclusive for p in u.student_ids}
    for spec in problem.aesh_pool:
        slots = [rule_slot(problem, units[p.unit_id], p) for p in plan.placements if p.aesh_id == spec.id]
        check = rules.check_timetable(slots, contract_weekly_hours=Decimal(spec.capacity) / 60,
                                      lunch_duty=spec.lunch_duty, notified=notified,
                                      travel_minutes=problem.travel, limits=problem.limits)
        assert check.errors == [], spec
    assert evaluate.rule_violations(problem, plan.placements) == []
    assert len(plan.placements) > 100


def test_the_rules_are_those_of_missions_rules(monkeypatch):
    """No second copy: forbidding more than 2 h of work a day in rules.Limits is obeyed."""
    problem = dataclasses.replace(samples.college(seed=1), limits=rules.Limits(max_daily_minutes=2 * H),
                                  max_rounds=500)
    plan = engine.plan(problem)
    per_day = {}
    for p in plan.placements:
        per_day[p.aesh_id, p.weekday, p.week] = per_day.get((p.aesh_id, p.weekday, p.week), 0) + p.minutes
    assert per_day and max(per_day.values()) <= 2 * H


def _f(problem, **weights):
    problem = dataclasses.replace(problem, weights=Weights(**weights), max_rounds=500)
    return evaluate.figures(problem, engine.plan(problem))


def test_weights_move_the_result_in_their_direction():
    problem = samples.pole(seed=1)
    low, high = _f(problem, continuity=0), _f(problem, continuity=5)
    assert high.aesh_per_student < low.aesh_per_student
    unfair, fair = _f(problem, fairness=0), _f(problem, fairness=2)
    assert fair.worst > unfair.worst
    loose, compact = _f(problem, compactness=0), _f(problem, compactness=5)
    assert compact.gap_minutes < loose.gap_minutes


def test_stability_weight_keeps_the_current_plan():
    problem = samples.college(seed=3)
    first = engine.plan(problem)
    gone = problem.aesh_pool[2].id
    again = dataclasses.replace(problem, aesh_pool=tuple(w for w in problem.aesh_pool if w.id != gone),
                                current=tuple(p for p in first.placements if p.aesh_id != gone), max_rounds=500)
    changed = {}
    for weight in (0, 1, 4):
        replan = engine.plan(dataclasses.replace(again, weights=Weights(stability=weight)))
        changed[weight] = evaluate.changed_share(first.placements, replan.placements, ignore_aesh=gone)
        assert evaluate.rule_violations(again, replan.placements) == []
    assert changed[1] < 0.15
    assert changed[4] <= changed[1] < changed[0]


def test_a_forbidden_pairing_never_appears():
    problem = samples.college(seed=1)
    student = problem.units[0].student_ids[0]
    forbidden = {(w.id, student): FORBID for w in problem.aesh_pool[:-1]}
    plan = engine.plan(dataclasses.replace(problem, wishes=forbidden, max_rounds=500))
    served_by = {p.aesh_id for p in plan.placements if p.unit_id == problem.units[0].id}
    assert served_by <= {problem.aesh_pool[-1].id}
    units = {u.id: u for u in problem.units}
    assert not [p for p in plan.placements for q in units[p.unit_id].student_ids if (p.aesh_id, q) in forbidden]
    assert served_by  # the one AESH left serves them


def test_uncovered_hours_say_why():
    units = (Unit(id=1, student_ids=(1,), school_id=1, need=2 * H, courses=()),
             Unit(id=2, student_ids=(2,), school_id=1, need=2 * H, courses=(course(1, 0, 8, 9), course(2, 0, 9, 10))),
             Unit(id=3, student_ids=(3,), school_id=1, need=H, courses=(course(3, 1, 8, 9),)))
    problem = Problem(units=units, aesh_pool=(AeshSpec(id=1, capacity=H),), wishes={(1, 3): FORBID},
                      aesh_names={1: "MARTIN Léa"})
    plan = engine.plan(problem)
    why = {u.unit_id: u.cause for u in plan.uncovered}
    assert why[1] == causes.NO_TIMETABLE
    assert why[2] == f"{causes.NO_CAPACITY} (MARTIN Léa)"
    assert why[3] == "souhait : éviter MARTIN Léa"


def test_a_cancelled_run_returns_no_proposal():
    seen = []

    def progress(fraction, step):
        seen.append(step)
        return len(seen) < 3

    plan = engine.plan(samples.college(seed=1), progress)
    assert plan.cancelled and plan.placements == ()


def _absence_problem():
    """Alice (school 1) loses Monday 8–9 and 9–10 with AESH 1. AESH 2 already serves her on
    Tuesday; AESH 3 works at her school with many hours left; AESH 4 at school 2 (20 min
    away); AESH 5 is busy on Monday morning."""
    alice = Unit(id=1, student_ids=(1,), school_id=1, need=4 * H,
                 courses=(course(1, 0, 8, 9), course(2, 0, 9, 10), course(3, 1, 8, 9)))
    other = Unit(id=2, student_ids=(2,), school_id=1, need=4 * H, courses=(course(4, 0, 8, 10),))
    far = Unit(id=3, student_ids=(3,), school_id=2, need=4 * H, courses=(course(5, 0, 14, 15, school=2),))
    third = Unit(id=4, student_ids=(4,), school_id=1, need=4 * H, courses=(course(6, 2, 8, 9),))
    aesh_pool = (AeshSpec(id=1, capacity=20 * H, home_school_id=1), AeshSpec(id=2, capacity=3 * H, home_school_id=1),
               AeshSpec(id=3, capacity=20 * H, home_school_id=1), AeshSpec(id=4, capacity=20 * H, home_school_id=2),
               AeshSpec(id=5, capacity=20 * H, home_school_id=1))
    current = (Placement(1, 1, 1, 0, 8 * H, 9 * H, 1), Placement(1, 1, 2, 0, 9 * H, 10 * H, 1),
               Placement(2, 1, 3, 1, 8 * H, 9 * H, 1), Placement(5, 2, 4, 0, 8 * H, 10 * H, 1),
               Placement(4, 3, 5, 0, 14 * H, 15 * H, 2), Placement(3, 4, 6, 2, 8 * H, 9 * H, 1))
    return Problem(units=(alice, other, far, third), aesh_pool=aesh_pool, current=current,
                   travel={frozenset({1, 2}): 20})


def test_absence_candidates_are_ranked_known_then_near_then_hours_left():
    problem = _absence_problem()
    [loss] = replacement.losses(problem, absent_id=1)
    assert loss.unit_id == 1 and loss.minutes == 2 * H
    assert [c.aesh_id for c in loss.candidates] == [2, 3, 4]
    assert loss.candidates[0].known and not loss.candidates[1].known
    assert loss.candidates[1].travel == 0 and loss.candidates[2].travel == 20
    assert set(loss.candidates[1].course_ids) == {1, 2}


def test_absence_candidates_are_never_double_booked():
    problem = _absence_problem()
    [loss] = replacement.losses(problem, absent_id=1)
    assert 5 not in [c.aesh_id for c in loss.candidates]  # busy at those times
    courses = {p.course_id: p for p in loss.placements}
    for candidate in loss.candidates:
        theirs = [p for p in problem.current if p.aesh_id == candidate.aesh_id]
        for course_id in candidate.course_ids:
            lost = courses[course_id]
            assert not any(p.weekday == lost.weekday and p.start < lost.end and lost.start < p.end for p in theirs)


def test_absence_candidates_respect_contract_hours():
    problem = _absence_problem()
    problem = dataclasses.replace(problem, aesh_pool=tuple(
        dataclasses.replace(w, capacity=H + H // 2) if w.id == 2 else w for w in problem.aesh_pool))
    [loss] = replacement.losses(problem, absent_id=1)
    assert 2 not in [c.aesh_id for c in loss.candidates]  # 1 h placed, 30 min left: not a whole course
