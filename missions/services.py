"""Writes on assignments, time slots and mission letters. A timetable is edited under a
row lock on the AESH, and every rule is checked again inside that transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aesh.models import Aesh, Contract
from aesh.selectors import aesh_for_detail, contract_on, terms_of
from eleves.enums import AidKind
from eleves.models import Notification
from missions import rules
from missions.figures import aesh_poles
from missions.models import (
    Assignment,
    AssignmentKind,
    LetterState,
    MissionLetter,
    MissionLetterSignature,
    TimeSlot,
    TimetableChange,
    TravelTime,
)
from missions.notices import timetable_change_drafts
from pial import figures
from pial.conf import setting
from pial.enums import Role
from pial.models import Departement, Membership
from pial.reminders import schedule
from pial.scope import Scope
from pial.years import year_of

KIND_OF_AID = {AssignmentKind.INDIVIDUELLE: AidKind.INDIVIDUELLE, AssignmentKind.MUTUALISEE: AidKind.MUTUALISEE}


def switch_ends_before(aesh_id: int, day: datetime.date) -> datetime.date | None:
    """For a slot or assignment starting on `day` after the current year of the AESH's
    département (a plan for the rentrée, before the switch): that year's last day. The switch
    ends every slot and assignment of year N then, so they do not meet what starts after it."""
    departement = Departement.objects.filter(poles__aesh__pk=aesh_id).first()
    current = year_of(departement) if departement else None
    return current.end_date if current and day > current.end_date else None


def limits() -> rules.Limits:
    start, end = (datetime.time.fromisoformat(t) for t in setting("LUNCH_WINDOW"))
    return rules.Limits(lunch_window=(start, end), default_travel_minutes=setting("TRAVEL_MINUTES_DEFAULT"))


# --- Assignments -----------------------------------------------------------------------

def _covering_notification(student_id: int, kind: str, start: datetime.date, end: datetime.date | None):
    return (Notification.objects.filter(student_id=student_id, aid_kind=KIND_OF_AID[kind], state="NOTIFIED",
                                        start_date__lte=start)
            .filter(end_date__gte=end or start).order_by("-end_date").first())


def _period(start: datetime.date, end: datetime.date | None) -> str:
    return f" (du {start:%d/%m/%Y} au {end:%d/%m/%Y})" if end else f" (à partir du {start:%d/%m/%Y})"


def _notified_periods(assignment: Assignment) -> str:
    """What the coordinator needs to fix the dates: the periods the student's notifications cover."""
    periods = [f"du {n.start_date:%d/%m/%Y} au {n.end_date:%d/%m/%Y}" for n in Notification.objects.filter(
        student_id=assignment.student_id, aid_kind=KIND_OF_AID[assignment.kind], state="NOTIFIED",
    ).order_by("start_date", "pk")]
    if not periods:
        return " : l'élève n'a aucune notification de ce type"
    return " : notification" + ("s" if len(periods) > 1 else "") + " " + ", ".join(periods)


def _default_end(assignment: Assignment) -> None:
    """An assignment left without an end stops at the earliest of the contract's end and the
    notification's end (issue 21): assignment.notes says which date was taken and why."""
    contract = (Contract.objects.filter(aesh_id=assignment.aesh_id).in_force_on(assignment.start_date)
                .order_by("-start_date").first())
    if contract is None:
        return  # the contract error below says what is wrong
    notification = None
    if assignment.student_id:
        notification = _covering_notification(assignment.student_id, assignment.kind, assignment.start_date, None)
        if notification is None:
            return  # the notification error below gives the notified periods
    end, note = rules.default_assignment_end(contract.end_date, notification.end_date if notification else None,
                                             collective=not assignment.student_id)
    assignment.end_date = end
    if note:
        assignment.notes.append(note)


@transaction.atomic
def assignment_save(*, assignment: Assignment) -> Assignment:
    """An assignment lies inside the AESH's contract and, for a student, inside a notification
    of the same kind of aid."""
    Aesh.objects.select_for_update().get(pk=assignment.aesh_id)
    assignment.notes = []
    if assignment.end_date is None and assignment.start_date:
        _default_end(assignment)
    assignment.full_clean()
    errors = []
    contracts = Contract.objects.filter(aesh_id=assignment.aesh_id, start_date__lte=assignment.start_date)
    end = assignment.end_date
    covering = contracts.filter(Q(end_date__isnull=True) | Q(end_date__gte=end or datetime.date.max)).exists()
    if not covering:
        errors.append("L'affectation doit tenir dans un contrat de l'AESH (début et fin compris).")
    if assignment.student_id:
        if assignment.student.school.pole_id != assignment.aesh.home_pole_id:
            errors.append("L'élève n'est pas scolarisé·e dans le pôle de l'AESH.")
        notification = _covering_notification(assignment.student_id, assignment.kind, assignment.start_date, end)
        if notification is None:
            aid = "aide individuelle" if assignment.kind == AssignmentKind.INDIVIDUELLE else "aide mutualisée"
            errors.append(f"Aucune notification d'{aid} ne couvre toute la période de l'affectation"
                          f"{_period(assignment.start_date, end)}{_notified_periods(assignment)}.")
    if twin := _identical_assignment(assignment):
        errors.append(f"Cette affectation existe déjà : {twin.target_label}, {twin.get_kind_display().lower()}"
                      f", {_period(twin.start_date, twin.end_date)[2:-1]}.")
    if errors:
        raise ValidationError(errors)
    # The figures of the pôles it leaves (an AESH changed) and joins (pial.figures).
    old_aesh = Assignment.objects.filter(pk=assignment.pk).values_list("aesh_id", flat=True).first() \
        if assignment.pk else None
    with figures.writes(aesh_poles({assignment.aesh_id, old_aesh})) as block:
        assignment.save()
        block.add([assignment.student.school.pole_id if assignment.student_id else assignment.ulis.school.pole_id
                   if assignment.ulis_id else None])
    return assignment


def _identical_assignment(assignment: Assignment) -> Assignment | None:
    """An assignment of the same AESH to the same student or ULIS, of the same kind, over an
    overlapping period (a form submitted twice). The caller holds the AESH row locked, so two
    parallel creations cannot both miss each other."""
    end = assignment.end_date
    return (Assignment.objects.filter(aesh_id=assignment.aesh_id, student_id=assignment.student_id,
                                      ulis_id=assignment.ulis_id, kind=assignment.kind)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=assignment.start_date))
            .filter(start_date__lte=end or datetime.date.max).exclude(pk=assignment.pk)
            .select_related("student", "ulis").order_by("start_date", "pk").first())


@transaction.atomic
def assignment_end(*, assignment: Assignment, on: datetime.date, user) -> Assignment:
    Aesh.objects.select_for_update().get(pk=assignment.aesh_id)
    if on < assignment.start_date:
        raise ValidationError("La fin de l'affectation ne peut précéder son début.")
    assignment.end_date = on
    assignment.full_clean()
    with figures.writes(aesh_poles([assignment.aesh_id])):
        assignment.save(update_fields=["end_date"])
        TimeSlot.objects.filter(assignments=assignment).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on)) \
            .update(valid_until=on)
    _record_change(assignment.aesh, f"Fin d'une affectation le {on:%d/%m/%Y}", user)
    return assignment


# --- Timetable -------------------------------------------------------------------------

def timetable_check(aesh_id: int, slots: list[rules.Slot], day: datetime.date) -> rules.Check:
    """Every rule on the AESH's timetable as it would be on `day`."""
    aesh = aesh_for_detail(Scope.national()).get(pk=aesh_id)
    contract = contract_on(aesh, day)
    terms = terms_of(contract, day, frozenset()) if contract else None
    student_ids = {i for s in slots for i in s.student_ids if i > 0}
    notified = dict(
        Notification.objects.in_force_on(day).filter(student_id__in=student_ids, aid_kind=AidKind.INDIVIDUELLE)
        .values_list("student_id", "weekly_hours")
    )
    school_ids = {s.school_id for s in slots}
    travel = {frozenset({a, b}): m for a, b, m in TravelTime.objects.filter(
        school_a__in=school_ids, school_b__in=school_ids).values_list("school_a", "school_b", "minutes")}
    return rules.check_timetable(
        slots, contract_weekly_hours=terms.weekly_hours if terms else None,
        lunch_duty=terms.lunch_duty if terms else False, notified=notified, travel_minutes=travel, limits=limits(),
    )


def _period_errors(slot: TimeSlot, rule_slot: rules.Slot, assignments: list[Assignment],
                   covering=_covering_notification) -> list[str]:
    """`covering` finds a notification covering a period (timetable_apply passes one reading
    the notifications it loaded once)."""
    errors = []
    for assignment in assignments:
        if assignment.aesh_id != slot.aesh_id:
            errors.append(f"Créneau {rule_slot.label} : l'affectation « {assignment.target_label} » est celle d'un "
                          "autre AESH.")
            continue
        errors.extend(rules.period_errors(rule_slot, assignment.start_date, assignment.end_date, "l'affectation"))
        if assignment.student_id:
            notification = covering(assignment.student_id, assignment.kind, slot.valid_from, slot.valid_until)
            if notification is None:
                errors.append(f"Créneau {rule_slot.label} : aucune notification en vigueur ne couvre toute sa "
                              "période de validité.")
    kinds = {a.kind for a in assignments}
    if AssignmentKind.INDIVIDUELLE in kinds and len(assignments) > 1:
        errors.append(f"Créneau {rule_slot.label} : une aide individuelle est exclusive, un seul élève sur le créneau.")
    return errors


@transaction.atomic
def slot_save(*, slot: TimeSlot, assignments: list[Assignment], user, notify: bool = True) -> rules.Check:
    """Saves a slot after checking the whole week of the AESH, with the AESH row locked:
    two coordinators editing the same week at once are served one after the other.
    notify=False: the caller records one change for many slots (change_record)."""
    Aesh.objects.select_for_update().get(pk=slot.aesh_id)
    slot.full_clean()
    rule_slot = slot.as_rule_slot(assignments)
    errors = _period_errors(slot, rule_slot, assignments)
    others = (
        TimeSlot.objects.filter(aesh_id=slot.aesh_id).exclude(pk=slot.pk)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=slot.valid_from))
        .select_related("school").prefetch_related("assignments")
    )
    if slot.valid_until:
        others = others.filter(valid_from__lte=slot.valid_until)
    if ends := switch_ends_before(slot.aesh_id, slot.valid_from):
        others = others.exclude(valid_from__lte=ends)
    week = [other.as_rule_slot() for other in others] + [rule_slot]
    check = timetable_check(slot.aesh_id, week, slot.valid_from)
    errors.extend(check.errors)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    is_new = slot.pk is None
    with figures.writes(aesh_poles([slot.aesh_id])):  # its assignments are the AESH's (checked above)
        slot.save()
        slot.assignments.set(assignments)
        ended = end_year_early(slot.aesh_id, ends) if ends else 0
    if notify:
        summary = f"Créneau {'ajouté' if is_new else 'modifié'} : {rule_slot.label}"
        if ended:
            summary += (f" ; {ended} créneau{'x' if ended > 1 else ''} de l'année en cours "
                        f"terminé{'s' if ended > 1 else ''} le {ends:%d/%m/%Y}")
        _record_change(slot.aesh, summary, user)
    return check


def end_year_early(aesh_id: int, ends: datetime.date) -> int:
    """A slot for the rentrée saved before the switch: what the switch will do for this AESH
    (missions.switch._end_timetables), done now so that the AESH is not booked twice from the
    rentrée. The year-N slots and assignments still running after `ends` end on it; returns the
    number of slots ended."""
    (Assignment.objects.filter(aesh_id=aesh_id, start_date__lte=ends)
     .filter(Q(end_date__isnull=True) | Q(end_date__gt=ends)).update(end_date=ends))
    return (TimeSlot.objects.filter(aesh_id=aesh_id, valid_from__lte=ends)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=ends)).update(valid_until=ends))


@transaction.atomic
def slot_delete(*, slot: TimeSlot, user, notify: bool = True) -> None:
    Aesh.objects.select_for_update().get(pk=slot.aesh_id)
    label = str(slot)
    aesh = slot.aesh
    with figures.writes(aesh_poles([slot.aesh_id])):
        slot.delete()
    if notify:
        _record_change(aesh, f"Créneau supprimé : {label}", user)


def change_record(*, aesh: Aesh, summary: str, user) -> TimetableChange:
    """One change notice for several slots saved with notify=False (a planner proposal)."""
    return _record_change(aesh, summary, user)


def _record_change(aesh: Aesh, summary: str, user) -> TimetableChange:
    """The change and its notices, in one transaction; the notices leave after commit (or later)."""
    change = TimetableChange.objects.create(aesh=aesh, summary=summary[:300], created_by=user)
    schedule(timetable_change_drafts(change))
    return change


def change_acknowledge(*, change: TimetableChange) -> None:
    if change.acknowledged_at is None:
        change.acknowledged_at = timezone.now()
        change.save(update_fields=["acknowledged_at"])


# --- Mission letters ---------------------------------------------------------------------

def referent_quotite_on(aesh: Aesh, day: datetime.date):
    return referent_quotite_of(aesh_for_detail(Scope.national()).get(pk=aesh.pk), day)


def referent_quotite_of(loaded: Aesh, day: datetime.date):
    """The référent time of an AESH read by `aesh_for_detail` (contracts and avenants prefetched)."""
    contract = contract_on(loaded, day)
    return terms_of(contract, day, frozenset()).referent_quotite if contract else None


def letter_create(*, referent: Aesh, school_year) -> MissionLetter:
    quotite = referent_quotite_on(referent, max(school_year.start_date, timezone.localdate()))
    if not quotite:
        raise ValidationError("Cet AESH n'a pas de temps de référent dans son contrat ou par avenant à cette date.")
    letter = MissionLetter(referent=referent, pole=referent.home_pole, school_year=school_year,
                           referent_quotite=quotite)
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def letter_sign(*, letter: MissionLetter, pilot) -> MissionLetter:
    """Records the pilot's signature; the letter is in force once every pilot of the pôle signed."""
    letter = MissionLetter.objects.select_for_update().get(pk=letter.pk)
    pilots = set(Membership.objects.filter(role=Role.PILOT, pole_id=letter.pole_id).values_list("user_id", flat=True))
    if pilot.pk not in pilots:
        raise ValidationError("Seuls les pilotes du pôle signent la lettre de mission.")
    if letter.state == LetterState.IN_FORCE:
        raise ValidationError("La lettre est déjà en vigueur.")
    if letter.signatures.filter(pilot=pilot).exists():
        raise ValidationError("Vous avez déjà signé cette lettre.")
    MissionLetterSignature.objects.create(letter=letter, pilot=pilot)
    signed = set(letter.signatures.values_list("pilot_id", flat=True))
    letter.state = LetterState.IN_FORCE if pilots <= signed else LetterState.SIGNING
    letter.save(update_fields=["state", "updated_at"])
    return letter
