"""Demo missions: assignments covering most students, weekly slots that respect the rules,
some students waiting, a few AESH near their limits, one signed mission letter per référent."""

import datetime

from aesh.models import Amendment
from eleves.enums import AidKind
from eleves.models import Notification
from missions.models import (
    Assignment,
    AssignmentKind,
    LetterState,
    MissionLetter,
    MissionLetterSignature,
    TimeSlot,
)
from pial.enums import Role
from pial.models import Membership, SchoolYear

# Blocks of the week, in the order they are handed out: mornings first.
BLOCKS = [(day, start) for start in ((8, 30), (13, 30)) for day in (0, 1, 3, 4)] + [(2, (8, 30))]


def seed(context: dict) -> None:
    today, rng = context["today"], context["rng"]
    by_pole: dict[int, list] = {}
    for aesh in context["aesh"]:
        by_pole.setdefault(aesh.home_pole_id, []).append(aesh)
    julie = next(a for a in context["aesh"] if a.user_id)
    free = {a.pk: list(BLOCKS) for a in context["aesh"]}
    budget = {a.pk: _contract_minutes(a, today) for a in context["aesh"]}
    in_force = Notification.objects.in_force_on(today).select_related("student__school").order_by("pk")
    for index, notification in enumerate(in_force):
        if index % 6 == 5:
            continue  # waiting for an AESH
        student = notification.student
        pool = [a for a in by_pole[student.school.pole_id] if budget[a.pk] >= 120]
        if not pool:
            continue
        aesh = julie if julie in pool and index % 4 == 0 else rng.choice(pool)
        kind = (AssignmentKind.INDIVIDUELLE if notification.aid_kind == AidKind.INDIVIDUELLE
                else AssignmentKind.MUTUALISEE)
        assignment = Assignment.objects.create(aesh=aesh, student=student, kind=kind,
                                               start_date=notification.start_date, end_date=notification.end_date)
        wanted = int(notification.weekly_hours * 60) if notification.weekly_hours else 180
        if index % 7 == 3:
            wanted = max(wanted - 180, 60)  # partial coverage, for the waiting list
        _place(assignment, wanted, free[aesh.pk], budget, notification)
    ulis = context["ulis"]
    aesh_co = by_pole[ulis.school.pole_id][-1]
    Assignment.objects.create(aesh=aesh_co, ulis=ulis, kind=AssignmentKind.COLLECTIVE,
                              start_date=today - datetime.timedelta(days=today.weekday()))
    _letters(context, today)


def _contract_minutes(aesh, today) -> int:
    contract = aesh.contracts.filter(start_date__lte=today).order_by("-start_date").first()
    if contract is None:
        return 0
    amended = (Amendment.objects.filter(contract=contract, state="ACCEPTED", weekly_hours__isnull=False,
                                        effective_date__lte=today).order_by("-effective_date").first())
    return int((amended.weekly_hours if amended else contract.weekly_hours) * 60)


def _place(assignment, wanted: int, free: list, budget: dict, notification) -> None:
    """Three-hour blocks (the last one shorter) until the notified hours or the contract run out."""
    while wanted > 0 and free and budget[assignment.aesh_id] > 0:
        day, (hour, minute) = free.pop(0)
        minutes = min(180, wanted, budget[assignment.aesh_id])
        start = datetime.time(hour, minute)
        end_minutes = hour * 60 + minute + minutes
        slot = TimeSlot.objects.create(
            aesh_id=assignment.aesh_id, weekday=day, start_time=start,
            end_time=datetime.time(end_minutes // 60, end_minutes % 60), school=notification.student.school,
            valid_from=assignment.start_date, valid_until=assignment.end_date,
        )
        slot.assignments.set([assignment])
        wanted -= minutes
        budget[assignment.aesh_id] -= minutes


def _letters(context, today) -> None:
    year = SchoolYear.objects.current()
    for amendment in Amendment.objects.filter(referent_quotite__gt=0, state="ACCEPTED").select_related(
            "contract__aesh__home_pole"):
        aesh = amendment.contract.aesh
        letter = MissionLetter.objects.create(referent=aesh, pole=aesh.home_pole, school_year=year,
                                              referent_quotite=amendment.referent_quotite)
        pilots = Membership.objects.filter(role=Role.PILOT, pole=aesh.home_pole).select_related("user")
        for membership in pilots:
            MissionLetterSignature.objects.create(letter=letter, pilot=membership.user)
        if pilots:
            letter.state = LetterState.IN_FORCE
            letter.save(update_fields=["state"])
