"""Starting the planner for a pôle, accepting its proposal, and replacing an absent AESH.

A run itself is computed by planner.runs, in the task planner.tasks.planner_run.

Accepted lines become ordinary assignments and slots through missions.services, which
checks every rule again under the AESH's row lock and sends the usual change notices.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aesh.models import Absence, Aesh
from aesh.selectors import aesh_for_detail, contract_on
from eleves.enums import AidKind
from eleves.models import Notification, Student
from missions import services as timetable
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot
from missions.timetable_apply import NewSlot, refusal_heading, week_apply
from pial.models import School
from pial.queue import enqueue
from pial.scope import Scope
from planner import runs
from planner.models import PlannerRun, RunState
from planner.presenters import slot_label
from planner.problem import Placement, Weights, time_of
from planner.runs import placement_of
from planner.tasks import planner_run

logger = logging.getLogger(__name__)
WEIGHT_NAMES = ("coverage", "fairness", "continuity", "compactness", "stability")


# --- Running ------------------------------------------------------------------------------

BUSY = "Une proposition est déjà en cours de calcul pour ce pôle : attendez-la ou annulez-la."


def run_start(*, scope: Scope, user, start_date: datetime.date, weights: Weights) -> PlannerRun:
    """A new run for the scope's pôle, computed off the request once this transaction commits.

    One active run per pôle is the database's rule (a partial unique constraint): of two
    clicks, two tabs or two coordinators at once, the second insert waits for the first and
    is refused. A run whose computation fell silent (a worker or server stopped) is ended first.
    """
    runs.end_stale(pole_id=scope.pole_id)
    try:
        with transaction.atomic():
            run = PlannerRun.objects.create(pole_id=scope.pole_id, created_by=user, start_date=start_date,
                                            weights=asdict(weights), step="En attente d'un processus de calcul",
                                            heartbeat_at=timezone.now())
    except IntegrityError:
        raise ValidationError(BUSY) from None
    transaction.on_commit(lambda: _dispatch(run.pk))
    return run


def _dispatch(run_id: int) -> None:
    """To the Celery workers when there is a broker; else, in the embedded default, a thread of
    this process (settings.PLANNER_EMBEDDED_RUN = "thread"), or inline for the tests."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue(planner_run, run_id)
    elif settings.PLANNER_EMBEDDED_RUN == "thread":
        runs.in_background(run_id)
    else:
        runs.run_execute(run_id)


def run_cancel(*, run: PlannerRun) -> None:
    PlannerRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    PlannerRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(state=RunState.CANCELLED,
                                                                        finished_at=timezone.now())


# --- Accepting ------------------------------------------------------------------------------

def _assignment_for(aesh_id: int, student_id: int, exclusive: bool, start: datetime.date,
                    end: datetime.date | None = None) -> Assignment:
    """The current assignment of the AESH to the student, or a new one within the contract and
    the notification."""
    kind = AssignmentKind.INDIVIDUELLE if exclusive else AssignmentKind.MUTUALISEE
    found = Assignment.objects.filter(aesh_id=aesh_id, student_id=student_id, kind=kind).current_on(start)
    if ends := timetable.switch_ends_before(aesh_id, start):  # a rentrée plan: N's assignment ends at the switch
        found = found.filter(start_date__gt=ends)
    found = found.first()
    # The current assignment serves even when it ends before `end` (the slot then ends with it):
    # a second one over the same period would be a duplicate (services.assignment_save refuses it).
    if found:
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


def add_slot(*, placement: Placement, unit: dict, start: datetime.date, user, end: datetime.date | None = None,
             notify: bool = True):
    """One proposed line → assignments and a slot, all rules checked again, or nothing."""
    with transaction.atomic():
        assignments = [_assignment_for(placement.aesh_id, student, unit["exclusive"], start, end)
                       for student in unit["students"]]
        ends = [a.end_date for a in assignments if a.end_date] + ([end] if end else [])
        slot = TimeSlot(aesh_id=placement.aesh_id, weekday=placement.weekday, start_time=time_of(placement.start),
                        end_time=time_of(placement.end), school_id=placement.school_id, kind=SlotKind.CLASS,
                        week=placement.week, valid_from=start, valid_until=min(ends) if ends else None)
        timetable.slot_save(slot=slot, assignments=assignments, user=user, notify=notify)
        return slot


def end_slot(*, slot: TimeSlot, on: datetime.date, user, notify: bool = True) -> None:
    """A current slot the proposal drops: it stops the day before the proposal starts."""
    if slot.valid_from >= on:
        timetable.slot_delete(slot=slot, user=user, notify=notify)
        return
    slot.valid_until = on - datetime.timedelta(days=1)
    timetable.slot_save(slot=slot, assignments=list(slot.assignments.all()), user=user, notify=notify)


@transaction.atomic
def accept(*, run: PlannerRun, scope: Scope, user, add: list[int], drop: list[int]) -> tuple[int, list[str]]:
    """The chosen lines of a proposal, all or nothing: every line is checked against the weeks
    as they will be once all are written (missions.timetable_apply); if one is refused, nothing
    is applied and the refusals name their lines. One change notice per AESH."""
    # Under the run's row lock: a second click (or a second tab) waits, then finds it applied.
    if PlannerRun.objects.select_for_update().get(pk=run.pk).accepted_at:
        raise ValidationError("Cette proposition a déjà été appliquée : relancez un calcul pour en obtenir une "
                              "nouvelle.")
    result = run.result
    lines = [placement_of(line) for line in result.get("placements", [])]
    failures = []
    drop = list(dict.fromkeys(drop))
    visible = set(TimeSlot.objects.visible_to(scope).filter(pk__in=drop).values_list("pk", flat=True))
    endings = [slot_id for slot_id in drop if slot_id in visible]
    if len(endings) < len(drop):
        failures.append("Un créneau à retirer n'existe plus.")
    aesh_names = {a.pk: str(a) for a in Aesh.objects.visible_to(scope).only("pk", "first_name", "last_name")}
    schools = dict(School.objects.filter(pk__in={p.school_id for p in lines}).values_list("pk", "name"))
    allowed_students = set(Student.objects.visible_to(scope).values_list("pk", flat=True))
    additions, labels = [], {}
    for index in dict.fromkeys(add):
        if not 0 <= index < len(lines):
            continue
        placement = lines[index]
        unit = result["units"][str(placement.unit_id)]
        if placement.aesh_id not in aesh_names or not set(unit["students"]) <= allowed_students:
            failures.append("Une ligne concerne un AESH ou un élève hors de votre pôle.")
            continue
        labels[len(additions)] = f"Ajouter {slot_label(placement, schools)} ({aesh_names[placement.aesh_id]})"
        additions.append(NewSlot(aesh_id=placement.aesh_id, student_ids=tuple(unit["students"]),
                                 exclusive=unit["exclusive"], weekday=placement.weekday,
                                 start=time_of(placement.start), end=time_of(placement.end),
                                 school_id=placement.school_id, week=placement.week))
    if failures:
        return 0, [refusal_heading(len(failures)), *dict.fromkeys(failures)]
    try:
        applied = week_apply(additions=additions, endings=endings, start=run.start_date, user=user, labels=labels)
    except ValidationError as error:
        return 0, error.messages
    PlannerRun.objects.filter(pk=run.pk).update(accepted_at=timezone.now())
    return applied.lines, []


# --- Absences --------------------------------------------------------------------------------

@transaction.atomic
def absence_save(*, absence: Absence) -> Absence:
    """An absence, once: a second one over the same days (a double click, a second tab) is refused."""
    absence.full_clean()
    Aesh.objects.select_for_update().filter(pk=absence.aesh_id).first()  # two clicks wait for each other
    overlap = (Absence.objects.filter(aesh_id=absence.aesh_id, start_date__lte=absence.end_date,
                                      end_date__gte=absence.start_date).exclude(pk=absence.pk)
               .order_by("start_date", "pk").first())
    if overlap is not None:
        raise ValidationError({"start_date": f"{absence.aesh} est déjà absent·e du {overlap.start_date:%d/%m/%Y} au "
                                             f"{overlap.end_date:%d/%m/%Y} : ouvrez cette absence plutôt que d'en "
                                             "saisir une seconde."})
    absence.save()
    return absence


def replace_with(*, absence: Absence, candidate_id: int, unit: dict, placements: list[Placement],
                 user, start: datetime.date | None = None) -> tuple[int, list[str]]:
    """Temporary slots for the candidate on the lost courses, from `start` (by default the
    absence's first day still to come) to the absence's end."""
    start = max(start or absence.start_date, absence.start_date, timezone.localdate())
    done, failures = 0, []
    for placement in placements:
        moved = Placement(aesh_id=candidate_id, unit_id=placement.unit_id, course_id=placement.course_id,
                          weekday=placement.weekday, start=placement.start, end=placement.end,
                          school_id=placement.school_id, week=placement.week)
        try:
            add_slot(placement=moved, unit=unit, start=start, user=user, end=absence.end_date)
            done += 1
        except ValidationError as error:
            failures.append(" ".join(error.messages))
    return done, failures
