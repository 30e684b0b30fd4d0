"""Checks of issue 20, shared by the demo's pôles and a generated pôle whose slots do not
align with class courses: what the planner says against what the dashboard and the rules say."""

from __future__ import annotations

import datetime
import re

from django.contrib.messages import get_messages
from django.urls import reverse

from missions import rules, selectors
from planner import causes, inputs
from planner.board import Board, mask
from planner.forms import next_monday
from planner.models import PlannerRun
from planner.problem import Problem
from planner.runs import placement_of


def start_run(client, capture) -> PlannerRun:
    """The coordinator's form, as posted; the run computed inline (tests' embedded mode)."""
    start = next_monday(datetime.date.today())
    with capture(execute=True):
        response = client.post(reverse("planner:home"), {
            "start_date": start.isoformat(), "coverage": 1, "fairness": 1, "continuity": 1, "compactness": 1,
            "stability": 1})
    assert response.status_code == 302, response.content.decode()[:3000]
    run = PlannerRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert run.state == "DONE", (run.state, run.step)
    return run


def proposal(client, run):
    response = client.get(reverse("planner:run", args=[run.pk]))
    assert response.status_code == 200
    return response.context["view"], response.content.decode()


def dashboard(client, day: datetime.date):
    response = client.get(reverse("missions:dashboard") + f"?date={day.isoformat()}")
    assert response.status_code == 200
    return response.context, response.content.decode()


def check_today_equals_dashboard(client, scope, run) -> None:
    """Coverage, waiting count and each AESH's placed hours: the planner's « au … » column is
    the dashboard's for the same date, as both pages print them."""
    view, page = proposal(client, run)
    context, board_page = dashboard(client, run.start_date)
    totals = context["totals"]
    figures = {f.label: f for f in view.figures}
    coverage = figures["Heures individuelles notifiées assurées"].today
    assert coverage == f"{totals.coverage_percent} %"
    assert re.search(rf">{totals.coverage_percent} %<", board_page) and f"<td>{coverage}</td>" in page
    assert figures["Élèves en attente d'AESH (ou partiellement couvert·es)"].today == str(totals.waiting)
    assert figures["Heures des AESH placées à l'emploi du temps"].today == f"{totals.use_percent} %"
    load = {a.pk: a.used_minutes for a in selectors.aesh_load(scope, run.start_date)}
    shown = {a.pk: a.used_minutes for a in context["load"]}
    assert view.aesh_pool, "the pôle's AESH are listed"
    for row in view.aesh_pool:
        assert row.today == load[row.id], row.name
        if row.id in shown:
            assert row.today == shown[row.id], row.name
    assured = {s.pk: s.assured_minutes for s in selectors.coverage(scope, run.start_date)}
    assert {row.id for row in view.students} == set(assured)
    for row in view.students:  # each student's hours, as the dashboard's selector counts them
        assert row.today == assured[row.id], row.names


def accept_everything(client, run) -> list[str]:
    view, _ = proposal(client, run)
    data = {"add": [], "drop": []}
    for row in view.aesh_pool:
        for line in row.lines:
            data[line.name].append(str(line.value))
    response = client.post(reverse("planner:accept", args=[run.pk]), data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def check_dashboard_at_start_shows_the_proposal(client, run, view) -> None:
    """After every line is applied, the dashboard at the start date says what the proposal said."""
    figures = {f.label: f for f in view.figures}
    context, _ = dashboard(client, run.start_date)
    totals = context["totals"]
    assert f"{totals.coverage_percent} %" == figures["Heures individuelles notifiées assurées"].proposed
    assert str(totals.waiting) == figures["Élèves en attente d'AESH (ou partiellement couvert·es)"].proposed
    _, today_page = dashboard(client, datetime.date.today())
    if view.line_count:
        said = re.search(r"(\d+) créneaux? prennen?t? effet le \w+ (\d\d/\d\d/\d{4})", today_page)
        assert said and said.group(2) == f"{run.start_date:%d/%m/%Y}", today_page[:500]
        assert f"?date={run.start_date.isoformat()}" in today_page


def board_of(problem: Problem, run) -> Board:
    """The board as the engine left it: the fixed slots and the proposal."""
    board = Board(problem)
    for line in run.result["placements"]:
        p = placement_of(line)
        board.place(p.aesh_id, board.units[p.unit_id], board.courses[p.unit_id, p.course_id])
    return board


def check_causes(problem: Problem, run) -> int:
    """Each student's causes name only AESH free at one of that student's open courses, and only
    the student's school or a school where a named AESH works that day; « capacité insuffisante »
    only when no AESH free at those hours has enough contract hours left for the course.
    Returns how many causes were checked."""
    board = board_of(problem, run)
    names = {name: w for w, name in problem.aesh_names.items()}
    checked = 0
    for unit_id, _minutes, unit_causes in run.result["uncovered"]:
        unit = board.units[unit_id]
        open_courses = [c for c in unit.courses if (unit.id, c.id) not in board.taken]
        for text, _m in unit_causes:
            checked += 1
            named = {w for name, w in names.items() if name in text}
            for aesh_id in named:
                assert any(not _busy(board, aesh_id, c) for c in open_courses), (text, aesh_id)
            days = {c.weekday for c in open_courses}
            allowed = {unit.school_id} | {p.school_id for w in named for d in days for p in board.day_of(w, d)}
            for school_id, school in problem.school_names.items():
                if school in text:
                    assert school_id in allowed, (text, school)
            if text.startswith(causes.NO_CAPACITY):
                for course in open_courses:
                    if _needed(board, unit, course):
                        for aesh_id in board.aesh_pool:
                            if not _busy(board, aesh_id, course):
                                assert board.spare(aesh_id) < course.minutes, (text, aesh_id, course)
    return checked


def _busy(board: Board, aesh_id: int, course) -> bool:
    bits = mask(course.start, course.end)
    return any(board.busy[aesh_id, course.weekday, week] & bits for week in course.weeks)


def _needed(board: Board, unit, course) -> bool:
    return all(board.got[unit.id, week] + course.minutes <= unit.need for week in course.weeks)


def check_every_rule_with_fixed_slots(problem: Problem, run) -> None:
    """Every AESH's proposed week with their fixed slots passes missions.rules, travel included."""
    from planner.evaluate import rule_violations

    placements = [placement_of(line) for line in run.result["placements"]]
    assert rule_violations(problem, placements) == []
    board = board_of(problem, run)
    for aesh_id in board.aesh_pool:
        slots = [s for d in range(len(rules.WEEKDAYS)) for _, s in board.slots.get((aesh_id, d), [])]
        if aesh_id not in board.broken:
            assert rules.travel_errors(slots, problem.travel, problem.limits) == [], aesh_id


def reload(scope, run) -> Problem:
    return inputs.load(scope, run.start_date).problem
