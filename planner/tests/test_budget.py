"""The planner's budget is counted in steps over the whole run, never on a clock: a seed gives
the same plan under any machine load, the budget holds at 1 000 students, and the result says
how many steps were used and whether the budget ran out."""

import dataclasses
import time
from unittest import mock

import pytest
from django.urls import reverse

from benchmarks.test_quality import departement
from planner import engine, evaluate, samples
from planner.board import Board
from planner.models import PlannerRun
from planner.problem import AeshSpec, Course, Problem, Unit
from planner.tests.test_app import planned, start_run  # noqa: F401  (shared fixtures)


def _key(plan):
    return plan.placements, plan.uncovered, plan.steps, plan.budget_exhausted


def test_the_counter_refuses_every_candidate_past_the_budget():
    course = Course(id=1, weekday=0, start=480, end=540, school_id=1)
    unit = Unit(id=1, student_ids=(1,), school_id=1, need=60, courses=(course,))
    board = Board(Problem(units=(unit,), aesh_pool=(AeshSpec(id=1, capacity=600),)))
    steps = engine.Steps(2)
    answers = [steps.blocker(board, 1, unit, course) for _ in range(4)]
    assert answers == ["", "", engine.OUT_OF_STEPS, engine.OUT_OF_STEPS]
    assert steps.used == 2 and steps.exhausted
    unbounded = engine.Steps(None)
    for _ in range(5):
        unbounded.blocker(board, 1, unit, course)
    assert unbounded.used == 5 and not unbounded.out() and not unbounded.exhausted


def _no_clock(*_args, **_kwargs):
    raise AssertionError("the engine read a clock")


@pytest.mark.parametrize("budget", [None, 4_000])
def test_the_same_seed_gives_the_same_plan_under_any_load(budget):
    """Twice the same plan, the second time with every clock made to fail (and a busy machine
    would only slow the clock's readers): the engine reads none."""
    problem = dataclasses.replace(samples.pole(seed=3), step_budget=budget, max_rounds=2000)
    first = engine.plan(problem)
    with (mock.patch.object(time, "thread_time", _no_clock), mock.patch.object(time, "process_time", _no_clock),
          mock.patch.object(time, "monotonic", _no_clock), mock.patch.object(time, "perf_counter", _no_clock),
          mock.patch.object(time, "time", _no_clock)):
        second = engine.plan(problem)
    assert _key(first) == _key(second)
    assert first.budget_exhausted == (budget is not None)
    assert first.steps == budget if budget else first.steps > 4_000


def test_the_budget_holds_at_a_thousand_students_and_the_plan_keeps_every_rule():
    problem = dataclasses.replace(departement(1, 0.9), step_budget=20_000, max_rounds=2000)
    assert sum(len(u.student_ids) for u in problem.units) == 1000
    plan = engine.plan(problem)
    assert plan.steps == 20_000 and plan.budget_exhausted
    figures = evaluate.figures(problem, plan)
    assert figures.violations == 0 and figures.coverage > 0
    assert plan.uncovered, "the uncovered hours are still explained"


def test_a_run_ending_by_itself_says_so_and_a_larger_budget_changes_nothing():
    problem = dataclasses.replace(samples.college(seed=2), step_budget=None, max_rounds=2000)
    free = engine.plan(problem)
    assert not free.budget_exhausted and free.steps > 0
    bounded = engine.plan(dataclasses.replace(problem, step_budget=free.steps))
    assert _key(bounded)[:3] == _key(free)[:3]
    cut = engine.plan(dataclasses.replace(problem, step_budget=free.steps // 3))
    assert cut.budget_exhausted and cut.steps == free.steps // 3
    assert evaluate.figures(problem, cut).violations == 0
    assert evaluate.figures(problem, cut).coverage <= evaluate.figures(problem, free).coverage


@pytest.mark.django_db
def test_the_run_stores_its_steps_and_the_page_says_when_the_budget_ran_out(client_as, planned, settings,  # noqa: F811
                                                                            start_run):  # noqa: F811
    client = client_as("coordinator_a")
    start_run(client)
    run = PlannerRun.objects.get()
    assert run.result["steps"] > 0 and run.result["budget_exhausted"] is False
    assert run.result["step_budget"] == settings.PIAL["PLANNER_STEP_BUDGET"]
    assert "budget" not in client.get(reverse("planner:run", args=[run.pk])).content.decode()
    settings.PIAL = {**settings.PIAL, "PLANNER_STEP_BUDGET": 10}
    PlannerRun.objects.all().delete()
    start_run(client)
    run = PlannerRun.objects.get()
    assert run.result["steps"] == 10 and run.result["budget_exhausted"] is True
    page = client.get(reverse("planner:run", args=[run.pk])).content.decode()
    assert "Le calcul a atteint son budget de 10 étapes" in page


def test_a_run_cut_short_still_keeps_the_current_plan():
    problem = dataclasses.replace(samples.college(seed=2), step_budget=None, max_rounds=2000)
    today = engine.plan(problem).placements
    again = engine.plan(dataclasses.replace(problem, current=today, step_budget=10))
    assert again.budget_exhausted and set(today) <= set(again.placements)
    assert again.steps == len(today)  # each current slot looked at once, nothing else
