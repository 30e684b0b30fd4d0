"""Running the planner for a pôle, accepting its proposal, and replacing an absent AESH.

Accepted lines become ordinary assignments and slots through missions.services, which
checks every rule again under the AESH's row lock and sends the usual change notices.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aesh.selectors import aesh_for_detail, contract_on
from eleves.enums import AidKind
from eleves.models import Notification, Student
from missions import services as timetable
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot
from missions.planner import engine, evaluate, inputs
from missions.planner.models import AeshAbsence, PlannerRun, RunState
from missions.planner.problem import Placement, Plan, Weights, time_of
from pial.enums import Role
from pial.models import Membership
from pial.queue import enqueue
from pial.scope import Scope

logger = logging.getLogger(__name__)
WEIGHT_NAMES = ("coverage", "fairness", "continuity", "compactness", "stability")


# --- Running ------------------------------------------------------------------------------

def run_start(*, scope: Scope, user, start_date: datetime.date, weights: Weights) -> PlannerRun:
    """A new run for the scope's pôle, queued (run inline when tasks are eager)."""
    from missions.tasks import planner_run

    with transaction.atomic():
        busy = PlannerRun.objects.select_for_update().filter(pole_id=scope.pole_id,
                                                              state__in=[RunState.QUEUED, RunState.RUNNING])
        if busy.exists():
            raise ValidationError("Une proposition est déjà en cours de calcul pour ce pôle : attendez-la ou "
                                  "annulez-la.")
        run = PlannerRun.objects.create(pole_id=scope.pole_id, created_by=user, start_date=start_date,
                                        weights=asdict(weights), step="En attente d'un processus de calcul")
        transaction.on_commit(lambda: enqueue(planner_run, run.pk))
    return run


def run_cancel(*, run: PlannerRun) -> None:
    PlannerRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    PlannerRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(state=RunState.CANCELLED,
                                                                        finished_at=timezone.now())


def run_execute(run_id: int) -> None:
    """The task's body: reads the pôle, plans, stores the proposal; progress and cancel go
    through the run's row."""
    run = PlannerRun.objects.select_related("pole").get(pk=run_id)
    if run.state != RunState.QUEUED:
        return  # already done, cancelled, or taken by another worker
    PlannerRun.objects.filter(pk=run_id).update(state=RunState.RUNNING, step="Lecture des données du pôle",
                                                progress=1)
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
            PlannerRun.objects.filter(pk=run_id).update(progress=max(1, min(99, int(fraction * 100))), step=step)
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
    return [p.worker_id, p.unit_id, p.course_id, p.weekday, p.start, p.end, p.school_id, p.week]


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
        "uncovered": [[u.unit_id, u.minutes, u.cause] for u in proposal.uncovered],
        "units": {str(u.id): {"pupils": list(u.pupil_ids), "need": u.need, "exclusive": u.exclusive,
                              "school": u.school_id} for u in problem.units},
        "workers": {str(w.id): w.capacity for w in problem.workers},
        "blockers": loaded.blockers,
        "before": asdict(before), "after": asdict(after), "seconds": round(seconds, 2),
    }


# --- Accepting ------------------------------------------------------------------------------

def _assignment_for(aesh_id: int, student_id: int, exclusive: bool, start: datetime.date,
                    end: datetime.date | None = None) -> Assignment:
    """The current assignment of the AESH to the pupil, or a new one within the contract and
    the notification."""
    kind = AssignmentKind.INDIVIDUELLE if exclusive else AssignmentKind.MUTUALISEE
    found = Assignment.objects.filter(aesh_id=aesh_id, student_id=student_id, kind=kind).current_on(start).first()
    if found and (end is None or found.end_date is None or found.end_date >= end):
        return found
    aesh = aesh_for_detail(Scope.national()).get(pk=aesh_id)
    contract = contract_on(aesh, start)
    notification = (Notification.objects.in_force_on(start)
                    .filter(student_id=student_id, aid_kind=AidKind.INDIVIDUELLE if exclusive else AidKind.MUTUALISEE)
                    .order_by("-end_date").first())
    ends = [d for d in (end, contract.end_date if contract else None,
                        notification.end_date if notification else None) if d]
    return timetable.assignment_save(assignment=Assignment(
        aesh_id=aesh_id, student_id=student_id, kind=kind, start_date=start, end_date=min(ends) if ends else None))


def add_slot(*, placement: Placement, unit: dict, start: datetime.date, user, end: datetime.date | None = None):
    """One proposed line → assignments and a slot, all rules checked again, or nothing."""
    with transaction.atomic():
        assignments = [_assignment_for(placement.worker_id, pupil, unit["exclusive"], start, end)
                       for pupil in unit["pupils"]]
        ends = [a.end_date for a in assignments if a.end_date] + ([end] if end else [])
        slot = TimeSlot(aesh_id=placement.worker_id, weekday=placement.weekday, start_time=time_of(placement.start),
                        end_time=time_of(placement.end), school_id=placement.school_id, kind=SlotKind.CLASS,
                        week=placement.week, valid_from=start, valid_until=min(ends) if ends else None)
        timetable.slot_save(slot=slot, assignments=assignments, user=user)
        return slot


def end_slot(*, slot: TimeSlot, on: datetime.date, user) -> None:
    """A current slot the proposal drops: it stops the day before the proposal starts."""
    if slot.valid_from >= on:
        timetable.slot_delete(slot=slot, user=user)
        return
    slot.valid_until = on - datetime.timedelta(days=1)
    timetable.slot_save(slot=slot, assignments=list(slot.assignments.all()), user=user)


def accept(*, run: PlannerRun, scope: Scope, user, add: list[int], drop: list[int]) -> tuple[int, list[str]]:
    """The chosen lines of a proposal: drops first (they free time), then additions. Each line
    stands alone: a line that a rule refuses is reported and the others are kept."""
    result = run.result
    lines = [placement_of(line) for line in result.get("placements", [])]
    done, failures = 0, []
    slots = {s.pk: s for s in TimeSlot.objects.visible_to(scope).filter(pk__in=drop).select_related("school")
             .prefetch_related("assignments")}
    for slot_id in drop:
        slot = slots.get(slot_id)
        if slot is None:
            failures.append("Un créneau à retirer n'existe plus.")
            continue
        try:
            end_slot(slot=slot, on=run.start_date, user=user)
            done += 1
        except ValidationError as error:
            failures.append(f"Retrait de « {slot} » : " + " ".join(error.messages))
    allowed_aesh = set(aesh_for_detail(scope).values_list("pk", flat=True))
    allowed_students = set(Student.objects.visible_to(scope).values_list("pk", flat=True))
    for index in add:
        if not 0 <= index < len(lines):
            continue
        placement = lines[index]
        unit = result["units"][str(placement.unit_id)]
        if placement.worker_id not in allowed_aesh or not set(unit["pupils"]) <= allowed_students:
            failures.append("Une ligne concerne un AESH ou un élève hors de votre pôle.")
            continue
        try:
            add_slot(placement=placement, unit=unit, start=run.start_date, user=user)
            done += 1
        except ValidationError as error:
            label = f"{['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'][placement.weekday]} " \
                    f"{time_of(placement.start):%H:%M}–{time_of(placement.end):%H:%M}"
            failures.append(f"Créneau {label} : " + " ".join(error.messages))
    PlannerRun.objects.filter(pk=run.pk).update(accepted_at=timezone.now())
    return done, failures


# --- Absences --------------------------------------------------------------------------------

def absence_save(*, absence: AeshAbsence) -> AeshAbsence:
    absence.full_clean()
    absence.save()
    return absence


def replace_with(*, absence: AeshAbsence, candidate_id: int, unit: dict, placements: list[Placement],
                 user) -> tuple[int, list[str]]:
    """Temporary slots for the candidate on the lost courses, for the absence period."""
    start = max(absence.start_date, timezone.localdate())
    done, failures = 0, []
    for placement in placements:
        moved = Placement(worker_id=candidate_id, unit_id=placement.unit_id, course_id=placement.course_id,
                          weekday=placement.weekday, start=placement.start, end=placement.end,
                          school_id=placement.school_id, week=placement.week)
        try:
            add_slot(placement=moved, unit=unit, start=start, user=user, end=absence.end_date)
            done += 1
        except ValidationError as error:
            failures.append(" ".join(error.messages))
    return done, failures
