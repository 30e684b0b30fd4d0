"""Demo missions: assignments covering most students, weekly slots that respect the rules,
some students waiting, a few AESH near their limits, one signed mission letter per référent."""

import datetime
from decimal import Decimal

from aesh.enums import ContractKind, ReferentWish
from aesh.models import Aesh, Amendment, Contract, Wish
from eleves.enums import AidKind, LeaveReason, Level, NotificationState
from eleves.models import Notification, Student, Transfer
from eleves.rentree import projection_save, transfer_answer
from missions.models import (
    Assignment,
    AssignmentKind,
    LetterState,
    MissionLetter,
    MissionLetterSignature,
    TimeSlot,
)
from pial.demo import DEMO_DOMAIN
from pial.enums import Role, SchoolKind
from pial.models import Membership, SchoolYear, Sector, User

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
    _rentree(context, today)


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


def _rentree(context, today) -> None:
    """The preparation of next year already begun: sectors, a CM2 student moving to the collège of
    the other pôle (proposed), a 3e leaving the département, wishes, two contracts to decide."""
    current = SchoolYear.objects.current()
    following = SchoolYear.objects.after(current)
    poles, schools = context["poles"], context["schools"]
    college = next(s for s in schools if s.pole_id == poles["pial2"].pk and s.kind == SchoolKind.COLLEGE)
    ecoles = [s for s in schools if s.pole_id == poles["pial1"].pk and s.kind in SchoolKind.first_degree()]
    for ecole in ecoles:
        Sector.objects.create(departement=ecole.departement, school=ecole, college=college)
    coordination = User.objects.get(email=f"coordination@{DEMO_DOMAIN}")
    coordination_college = User.objects.get(email=f"coordination-college@{DEMO_DOMAIN}")
    elementaire = next(s for s in ecoles if s.kind == SchoolKind.ELEMENTAIRE)
    lasting = {"state": NotificationState.NOTIFIED, "start_date": current.start_date,
               "end_date": following.end_date, "aid_kind": AidKind.INDIVIDUELLE, "activities": ["INSTRUCTIONS"]}
    cm2 = Student.objects.create(first_name="Lina", last_name="Moreau", birth_date=datetime.date(
        current.start_date.year - 10, 4, 12), school=elementaire, level=Level.CM2)
    Notification.objects.create(student=cm2, weekly_hours=Decimal("12"), **lasting)
    projection_save(student=cm2, year=following, level=Level.SIXIEME, school=college, leave_reason="",
                    user=coordination, role=Role.COORDINATOR)
    third = Student.objects.create(first_name="Hugo", last_name="Lambert", birth_date=datetime.date(
        current.start_date.year - 14, 2, 3), school=college, level=Level.TROISIEME, class_name="3e-B")
    Notification.objects.create(student=third, weekly_hours=Decimal("9"), **lasting)
    projection_save(student=third, year=following, level="", school=None, leave_reason=LeaveReason.LEFT_DEPARTEMENT,
                    user=coordination_college, role=Role.COORDINATOR)
    # A family moving south: a 5e of the collège goes to a collège of the PAS (accepted there).
    pas_college = next(s for s in schools if s.pole_id == poles["pas"].pk and s.kind == SchoolKind.COLLEGE)
    mover = Student.objects.create(first_name="Jade", last_name="Fontaine", birth_date=datetime.date(
        current.start_date.year - 12, 6, 30), school=college, level=Level.CINQUIEME, class_name="5e-A")
    Notification.objects.create(student=mover, weekly_hours=Decimal("6"), **lasting)
    projection_save(student=mover, year=following, level=Level.QUATRIEME, school=pas_college, leave_reason="",
                    user=coordination_college, role=Role.COORDINATOR)
    transfer_answer(transfer=Transfer.objects.get(student=mover), accept=True,
                    user=User.objects.get(email=f"coordination-pas@{DEMO_DOMAIN}"), role=Role.COORDINATOR)
    pial1 = [a for a in context["aesh"] if a.home_pole_id == poles["pial1"].pk]
    julie = next(a for a in pial1 if a.user_id)
    wish = Wish.objects.create(aesh=julie, year=following, same_students=True, sector="Lys-Nord",
                               comment="Je souhaite continuer avec mes élèves de cette année.")
    wish.schools.set(ecoles[:2])
    other = next(a for a in pial1 if a != julie)
    Wish.objects.create(aesh=other, year=following, weekly_hours=Decimal("30"), referent=ReferentWish.BECOME)
    # Two contracts ending in August before the rentrée: one after three years of CDD (a CDI by law).
    end = following.start_date - datetime.timedelta(days=1)
    for first, last, years in (("Nadia", "Bouchard", 3), ("Paul", "Renaud", 1)):
        aesh = Aesh.objects.create(first_name=first, last_name=last, home_pole=poles["pial1"],
                                   email=f"{first.lower()}.{last.lower()}@{DEMO_DOMAIN}",
                                   first_hire_date=end.replace(year=end.year - years) + datetime.timedelta(days=1))
        Contract.objects.create(aesh=aesh, kind=ContractKind.CDD, start_date=aesh.first_hire_date, end_date=end,
                                weekly_hours=Decimal("24"), weeks=41, annual_base=1607,
                                contractual_quotite=Decimal("62"))
