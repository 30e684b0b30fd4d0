"""The planner against a plain greedy on seeded collège and pôle instances (make bench).

Prints, per instance: coverage of notified hours, worst student's rate, AESH per student
served, rule violations (missions.rules) and wall time; then the re-plan after one AESH
leaves. The goals of issue #12 are asserted.
"""

import dataclasses
import time

import pytest

from planner import engine, evaluate, greedy, samples
from planner.problem import Fixed

SEEDS = (1, 2, 3)
GOALS = {"college": 10.0, "pole": 30.0}  # seconds


def _row(label, problem, plan, seconds):
    f = evaluate.figures(problem, plan)
    print(f"  {label:<8} couverture {f.coverage:6.1%}  pire élève {f.worst:6.1%}  "
          f"AESH/élève {f.aesh_per_student:4.2f}  "
          f"violations {f.violations}  sans AESH {f.students_unserved:2d}  {seconds:6.2f} s")
    return f


@pytest.mark.parametrize("size", ["college", "pole"])
@pytest.mark.parametrize("seed", SEEDS)
def test_planner_beats_greedy(size, seed):
    problem = getattr(samples, size)(seed=seed)
    need = sum(u.need * len(u.student_ids) for u in problem.units) / 60
    capacity = sum(w.capacity for w in problem.aesh_pool) / 60
    print(f"\n{size} #{seed}: {sum(len(u.student_ids) for u in problem.units)} élèves, {len(problem.aesh_pool)} AESH, "
          f"{need:.0f} h notifiées pour {capacity:.0f} h d'AESH ({capacity / need:.0%})")
    started = time.perf_counter()
    baseline = greedy.greedy(problem)
    _row("glouton", problem, baseline, time.perf_counter() - started)
    started = time.perf_counter()
    proposal = engine.plan(problem)
    seconds = time.perf_counter() - started
    f = _row("pial", problem, proposal, seconds)
    assert f.violations == 0
    assert f.coverage >= 0.88 and f.worst >= 0.75 and f.aesh_per_student <= 1.6
    assert seconds <= GOALS[size]

    gone = problem.aesh_pool[3].id
    again = dataclasses.replace(problem, aesh_pool=tuple(w for w in problem.aesh_pool if w.id != gone),
                                current=tuple(p for p in proposal.placements if p.aesh_id != gone))
    started = time.perf_counter()
    replan = engine.plan(again)
    seconds = time.perf_counter() - started
    changed = evaluate.changed_share(proposal.placements, replan.placements, ignore_aesh=gone)
    r = _row("re-plan", again, replan, seconds)
    print(f"  re-plan sans l'AESH {gone} : {changed:.1%} des autres créneaux changent")
    assert r.violations == 0 and changed < 0.15


def _merged(problem, plan):
    """The plan as a coordinator would have typed it: two consecutive courses of a student with
    the same AESH become one slot (08:00–10:00), which the planner then keeps as it is."""
    units = {u.id: u for u in problem.units}
    by_day = {}
    for p in sorted(plan.placements, key=lambda p: (p.aesh_id, p.unit_id, p.weekday, p.week, p.start)):
        by_day.setdefault((p.aesh_id, p.unit_id, p.weekday, p.week), []).append(p)
    fixed, current = [], []
    for day in by_day.values():
        while day:
            a = day.pop(0)
            if day and day[0].start == a.end:
                b = day.pop(0)
                unit = units[a.unit_id]
                fixed.append(Fixed(id=len(fixed) + 1, aesh_id=a.aesh_id, weekday=a.weekday, start=a.start,
                                   end=b.end, school_id=a.school_id, week=a.week, student_ids=unit.student_ids,
                                   exclusive=unit.exclusive, unit_id=unit.id, course_ids=(a.course_id, b.course_id)))
            else:
                current.append(a)
    return dataclasses.replace(problem, current=tuple(current), fixed=tuple(fixed))


@pytest.mark.parametrize("seed", SEEDS)
def test_planner_keeps_slots_that_span_courses(seed):
    """A pôle whose current slots mostly span two courses (kept as they are, counted in every
    rule): after an AESH leaves, the re-plan breaks no rule with them and changes little else."""
    problem = samples.pole(seed=seed)
    first = engine.plan(problem)
    gone = problem.aesh_pool[3].id
    typed = _merged(problem, first)
    typed = dataclasses.replace(typed, aesh_pool=tuple(w for w in problem.aesh_pool if w.id != gone),
                                fixed=tuple(f for f in typed.fixed if f.aesh_id != gone),
                                current=tuple(p for p in typed.current if p.aesh_id != gone))
    print(f"\npole #{seed} : {len(typed.fixed)} créneaux gardés tels quels (deux cours chacun), "
          f"{len(typed.current)} créneaux d'un cours")
    started = time.perf_counter()
    replan = engine.plan(typed)
    seconds = time.perf_counter() - started
    f = _row("gardés", typed, replan, seconds)
    changed = evaluate.changed_share(typed.current, replan.placements)
    print(f"  {changed:.1%} des créneaux d'un cours changent")
    assert f.violations == 0 and f.coverage >= 0.85 and seconds <= GOALS["pole"]
