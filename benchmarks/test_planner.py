"""The planner against a plain greedy on seeded collège and pôle instances (make bench).

Prints, per instance: coverage of notified hours, worst pupil's rate, AESH per pupil
served, rule violations (missions.rules) and wall time; then the re-plan after one AESH
leaves. The goals of issue #12 are asserted.
"""

import dataclasses
import time

import pytest

from planner import engine, evaluate, greedy, samples

SEEDS = (1, 2, 3)
GOALS = {"college": 10.0, "pole": 30.0}  # seconds


def _row(label, problem, plan, seconds):
    f = evaluate.figures(problem, plan)
    print(f"  {label:<8} couverture {f.coverage:6.1%}  pire élève {f.worst:6.1%}  AESH/élève {f.aesh_per_pupil:4.2f}  "
          f"violations {f.violations}  sans AESH {f.pupils_unserved:2d}  {seconds:6.2f} s")
    return f


@pytest.mark.parametrize("size", ["college", "pole"])
@pytest.mark.parametrize("seed", SEEDS)
def test_planner_beats_greedy(size, seed):
    problem = getattr(samples, size)(seed=seed)
    need = sum(u.need * len(u.pupil_ids) for u in problem.units) / 60
    capacity = sum(w.capacity for w in problem.workers) / 60
    print(f"\n{size} #{seed}: {sum(len(u.pupil_ids) for u in problem.units)} élèves, {len(problem.workers)} AESH, "
          f"{need:.0f} h notifiées pour {capacity:.0f} h d'AESH ({capacity / need:.0%})")
    started = time.perf_counter()
    baseline = greedy.greedy(problem)
    _row("glouton", problem, baseline, time.perf_counter() - started)
    started = time.perf_counter()
    proposal = engine.plan(problem)
    seconds = time.perf_counter() - started
    f = _row("pial", problem, proposal, seconds)
    assert f.violations == 0
    assert f.coverage >= 0.88 and f.worst >= 0.75 and f.aesh_per_pupil <= 1.6
    assert seconds <= GOALS[size]

    gone = problem.workers[3].id
    again = dataclasses.replace(problem, workers=tuple(w for w in problem.workers if w.id != gone),
                                current=tuple(p for p in proposal.placements if p.worker_id != gone))
    started = time.perf_counter()
    replan = engine.plan(again)
    seconds = time.perf_counter() - started
    changed = evaluate.changed_share(proposal.placements, replan.placements, ignore_worker=gone)
    r = _row("re-plan", again, replan, seconds)
    print(f"  re-plan sans l'AESH {gone} : {changed:.1%} des autres créneaux changent")
    assert r.violations == 0 and changed < 0.15
