"""One planner run, as the task computes it: reads the pôle, plans, stores the proposal.

Progress and cancellation go through the run's row, so any process can follow or stop it.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from dataclasses import asdict

from django.db import connections
from django.db.models import Q
from django.utils import timezone

from pial.enums import Role
from pial.models import Membership
from pial.scope import Scope
from planner import engine, evaluate, inputs
from planner.models import PlannerRun, RunState
from planner.problem import Placement, Plan, Weights

logger = logging.getLogger(__name__)


STALE_AFTER = datetime.timedelta(minutes=10)


def in_background(run_id: int) -> threading.Thread:
    """The embedded default (no broker): the run in a thread of the web process, so that the
    request answers at once and the progress page follows the run like a worker's."""
    def work():
        try:
            run_execute(run_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"planner-run-{run_id}", daemon=True)
    thread.start()
    return thread


def end_stale(*, pole_id: int | None) -> int:
    """Active runs of the pôle (of every pôle: None) that gave no sign of life for STALE_AFTER
    (their process stopped: a server restart, a lost worker) end as failed, so that a new run
    may start. Called when a run starts, when the planner's pages load and every few minutes
    (planner.tasks.sweep_stale_runs)."""
    limit = timezone.now() - STALE_AFTER
    silent = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)  # null: before 0002
    active = PlannerRun.objects.filter(silent, state__in=[RunState.QUEUED, RunState.RUNNING])
    if pole_id is not None:
        active = active.filter(pole_id=pole_id)
    return active.update(
        state=RunState.FAILED, step="Interrompu : le calcul ne répondait plus. Relancez-le.",
        finished_at=timezone.now())


def run_execute(run_id: int) -> None:
    """The task's body: reads the pôle, plans, stores the proposal; progress and cancel go
    through the run's row."""
    run = PlannerRun.objects.select_related("pole").get(pk=run_id)
    if run.state != RunState.QUEUED:
        return  # already done, cancelled, or taken by another worker
    taken = PlannerRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, step="Lecture des données du pôle", progress=1, heartbeat_at=timezone.now())
    if not taken:
        return
    membership = Membership.objects.filter(user_id=run.created_by_id, pole_id=run.pole_id,
                                           role=Role.COORDINATOR).first()
    if membership is None:
        _finish(run_id, RunState.FAILED, "La personne qui a lancé le calcul ne coordonne plus ce pôle.")
        return
    started = time.monotonic()
    last = [0.0]

    def progress(fraction: float, step: str) -> bool:
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            PlannerRun.objects.filter(pk=run_id).update(progress=max(1, min(99, int(fraction * 100))), step=step,
                                                        heartbeat_at=timezone.now())
            return not PlannerRun.objects.filter(pk=run_id, cancel_requested=True).exists()
        return True

    try:
        loaded = inputs.load(Scope.of(membership), run.start_date, Weights(**run.weights))
        if not progress(0.01, "Lecture des données du pôle"):
            _finish(run_id, RunState.CANCELLED, "Annulé à la demande de la coordination.")
            return
        proposal = engine.plan(loaded.problem, progress)
    except Exception:
        logger.exception("Planificateur : échec du calcul %s", run_id)
        _finish(run_id, RunState.FAILED, "Le calcul a échoué ; l'équipe technique est prévenue.")
        return
    if proposal.cancelled:
        _finish(run_id, RunState.CANCELLED, "Annulé à la demande de la coordination.")
        return
    result = _result(loaded, proposal, time.monotonic() - started)
    PlannerRun.objects.filter(pk=run_id).update(state=RunState.DONE, progress=100, step="Proposition prête",
                                                result=result, finished_at=timezone.now())


def _finish(run_id: int, state: str, step: str) -> None:
    PlannerRun.objects.filter(pk=run_id).update(state=state, step=step, finished_at=timezone.now())


def _line(p: Placement) -> list:
    return [p.aesh_id, p.unit_id, p.course_id, p.weekday, p.start, p.end, p.school_id, p.week]


def placement_of(line: list) -> Placement:
    return Placement(*line)


def _result(loaded: inputs.Inputs, proposal: Plan, seconds: float) -> dict:
    problem = loaded.problem
    before = evaluate.figures(problem, Plan(placements=problem.current, uncovered=()))
    after = evaluate.figures(problem, proposal)
    return {
        "placements": [_line(p) for p in proposal.placements],
        "current": [_line(p) for p in problem.current],
        "slot_of": {"|".join(map(str, key)): slot_id for key, slot_id in loaded.slot_of.items()},
        "uncovered": [[u.unit_id, u.minutes, [list(c) for c in u.causes]] for u in proposal.uncovered],
        "fixed": [[f.id, f.aesh_id, f.weekday, f.start, f.end, f.school_id, f.week, f.kind, list(f.student_ids),
                   f.unit_id, f.current] for f in problem.fixed if f.aesh_id in {w.id for w in problem.aesh_pool}],
        "units": {str(u.id): {"students": list(u.student_ids), "need": u.need, "exclusive": u.exclusive,
                              "school": u.school_id} for u in problem.units},
        "aesh": {str(w.id): w.capacity for w in problem.aesh_pool},
        "blockers": loaded.blockers,
        "before": asdict(before), "after": asdict(after), "seconds": round(seconds, 2),
        "steps": proposal.steps, "step_budget": problem.step_budget, "budget_exhausted": proposal.budget_exhausted,
    }
