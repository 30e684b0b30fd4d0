"""Starting the planner for a pôle, accepting its proposal, and replacing an absent AESH.

A run itself is computed by planner.runs, in the task planner.tasks.planner_run.

Accepted lines become ordinary assignments and slots through missions.services, which
checks every rule again under the AESH's row lock and sends the usual change notices.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aesh.models import Absence
from aesh.selectors import aesh_for_detail, contract_on
from eleves.enums import AidKind
from eleves.models import Notification, Student
from missions import services as timetable
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot
from pial.queue import enqueue
from pial.scope import Scope
from planner.models import PlannerRun, RunState
from planner.problem import Placement, Weights, time_of
from planner.runs import placement_of
from planner.tasks import planner_run

logger = logging.getLogger(__name__)
WEIGHT_NAMES = ("coverage", "fairness", "continuity", "compactness", "stability")


# --- Running ------------------------------------------------------------------------------

def run_start(*, scope: Scope, user, start_date: datetime.date, weights: Weights) -> PlannerRun:
    """A new run for the scope's pôle, queued (run inline when tasks are eager)."""
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

def absence_save(*, absence: Absence) -> Absence:
    absence.full_clean()
    absence.save()
    return absence


def replace_with(*, absence: Absence, candidate_id: int, unit: dict, placements: list[Placement],
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
