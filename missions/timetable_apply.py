"""A whole week of timetables saved at once (a planner proposal): all or nothing.

Every line is first checked with the rules `assignment_save` and `slot_save` apply one slot at
a time (contract and notification periods, pôle, the whole week of the AESH with
rules.check_timetable), each week as it will be once every line is written. If any line is
refused nothing is written and the refusals are raised, each naming its line. Otherwise the
assignments, slots and their links are written with a constant number of statements, and one
change notice per AESH is recorded, its e-mails in the reminders' outbox.

The AESH rows are locked first (in pk order), as slot_save does for one AESH.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from aesh.models import Aesh
from aesh.selectors import aesh_for_detail, contract_on, terms_of
from eleves.enums import NotificationState
from eleves.models import Notification, Student
from missions import rules
from missions.figures import aesh_poles
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot, TimetableChange, TravelTime
from missions.notices import timetable_change_drafts_many
from missions.services import KIND_OF_AID, _period_errors, limits
from pial import figures
from pial.models import Departement, School
from pial.reminders import schedule_many
from pial.scope import Scope
from pial.years import year_of

# The database constraints of the rows written here, checked in Python before any write (a
# test fails when a model gains a constraint this module does not know).
CHECKED_CONSTRAINTS = {
    TimeSlot: {"timeslot_end_after_start", "timeslot_valid_period"},
    Assignment: {"assignment_student_or_ulis", "assignment_end_after_start"},
}


@dataclass(frozen=True)
class NewSlot:
    """One line to add: an AESH with one student (individuelle) or several (mutualisée)."""

    aesh_id: int
    student_ids: tuple[int, ...]
    exclusive: bool
    weekday: int
    start: datetime.time
    end: datetime.time
    school_id: int
    week: str = rules.EVERY_WEEK
    kind: str = SlotKind.CLASS


@dataclass
class Applied:
    added: Counter = field(default_factory=Counter)    # per AESH
    ended: Counter = field(default_factory=Counter)    # per AESH
    slots: list[TimeSlot] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return sum(self.added.values()) + sum(self.ended.values())


def refusal_heading(count: int) -> str:
    return (f"Aucune ligne n'a été appliquée : {count} ligne{'s' if count > 1 else ''} "
            f"refusée{'s' if count > 1 else ''} par les règles (détail ci-dessous). Décochez-les ou corrigez "
            "les données, puis appliquez de nouveau.")


class _Notifications:
    """The students' notified rights, loaded once, read as services' queries read them."""

    def __init__(self, student_ids: set[int]):
        self.rows = list(Notification.objects.filter(student_id__in=student_ids, state=NotificationState.NOTIFIED)
                         .order_by("student_id", "-start_date", "pk"))

    def covering(self, student_id: int, kind: str, start: datetime.date, end: datetime.date | None):
        """services._covering_notification."""
        found = [n for n in self.rows if n.student_id == student_id and n.aid_kind == KIND_OF_AID[kind]
                 and n.start_date <= start and n.end_date >= (end or start)]
        return max(found, key=lambda n: n.end_date) if found else None

    def in_force(self, student_id: int, aid_kind: str, day: datetime.date):
        """Notification.objects.in_force_on(day) of that kind, latest end first (planner's choice)."""
        found = [n for n in self.rows if n.student_id == student_id and n.aid_kind == aid_kind
                 and n.start_date <= day <= n.end_date]
        return max(found, key=lambda n: n.end_date) if found else None

    def notified_hours(self, student_ids: set[int], day: datetime.date) -> dict:
        """services.timetable_check's `notified`: for a student with several in force, the last
        row in the model's order (student, -start_date) wins, as dict() over the query did."""
        hours = {}
        for n in self.rows:
            if n.student_id in student_ids and n.aid_kind == KIND_OF_AID[AssignmentKind.INDIVIDUELLE] \
                    and n.start_date <= day <= n.end_date:
                hours[n.student_id] = n.weekly_hours
        return hours


def _overlaps(slot: TimeSlot, start: datetime.date, end: datetime.date | None) -> bool:
    return (slot.valid_until is None or slot.valid_until >= start) and (end is None or slot.valid_from <= end)


def _slot_field_errors(slot: TimeSlot, label: str) -> list[str]:
    """TimeSlot.full_clean without its per-row queries (foreign keys are checked by the caller)."""
    errors = []
    try:
        slot.full_clean(exclude=["aesh", "school"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.extend(f"Créneau {label} : {m}" for m in error.messages)
    if slot.end_time and slot.start_time and slot.end_time <= slot.start_time:
        errors.append(f"Créneau {label} : La fin du créneau doit suivre son début.")
    if slot.valid_until and slot.valid_until < slot.valid_from:
        errors.append(f"Créneau {label} : La fin de validité doit suivre son début.")
    return errors


def _assignment_field_errors(assignment: Assignment) -> list[str]:
    """Assignment.full_clean without its per-row queries, the constraints written out."""
    try:
        assignment.full_clean(exclude=["aesh", "student", "ulis"], validate_unique=False,
                              validate_constraints=False)
    except ValidationError as error:
        return list(error.messages)
    return []


@transaction.atomic
def week_apply(*, additions: list[NewSlot], endings: list[int], start: datetime.date, user,
               end: datetime.date | None = None, labels: dict | None = None) -> Applied:
    """Adds `additions` from `start` (to `end`, or as far as assignments allow) and ends the
    slots `endings` the day before `start` (deleted when they start on or after it).

    Raises ValidationError listing every refused line, the first message saying nothing was
    applied; then nothing is written. `labels` names the lines in those messages (index →
    how the caller shows the line; ("drop", slot id) → an ending)."""
    labels = labels or {}
    ending = list(TimeSlot.objects.filter(pk__in=endings).values_list("aesh_id", "valid_from"))
    aesh_ids = {a.aesh_id for a in additions} | {aesh_id for aesh_id, _ in ending}
    list(Aesh.objects.select_for_update().filter(pk__in=aesh_ids).order_by("pk").values_list("pk", flat=True))
    aeshes = {a.pk: a for a in aesh_for_detail(Scope.national()).filter(pk__in=aesh_ids)}
    refusals: list[str] = []
    cut = _year_ends(aesh_ids, start)

    # The current weeks of these AESH, from the earliest day a check looks at.
    earliest = min([start] + [valid_from for _, valid_from in ending])
    existing = list(TimeSlot.objects.filter(aesh_id__in=aesh_ids).exclude(valid_until__lt=earliest)
                    .select_related("school").prefetch_related("assignments").order_by("pk"))
    by_pk = {s.pk: s for s in existing}
    new_students = {i for a in additions for i in a.student_ids}
    week_students = new_students | {a.student_id for s in existing for a in s.assignments.all() if a.student_id}
    notifications = _Notifications(week_students)
    students = Student.objects.select_related("school").in_bulk(new_students)
    schools = School.objects.in_bulk({a.school_id for a in additions} | {s.school_id for s in existing})
    current = defaultdict(list)  # (aesh, student, kind) → assignments current on start, as .first() orders them
    for assignment in (Assignment.objects.filter(aesh_id__in=aesh_ids, student_id__in=new_students)
                       .current_on(start).order_by("-start_date", "pk")):
        if cut.get(assignment.aesh_id) and assignment.start_date <= cut[assignment.aesh_id]:
            continue  # a rentrée plan: year N's assignment ends at the switch, a new one starts
        current[assignment.aesh_id, assignment.student_id, assignment.kind].append(assignment)

    travel = {frozenset({a, b}): m for a, b, m in TravelTime.objects.filter(
        school_a__in=schools, school_b__in=schools).values_list("school_a", "school_b", "minutes")}
    weeks: dict[int, dict] = defaultdict(dict)  # AESH → their slots as they stand, with their rule view
    for slot in existing:
        weeks[slot.aesh_id][slot.pk] = (slot, slot.as_rule_slot())

    def week_errors(slot: TimeSlot, rule_slot: rules.Slot) -> list[str]:
        """slot_save's check: the AESH's other slots overlapping this one's period, and this one."""
        ends = cut.get(slot.aesh_id)
        ends = ends if ends and slot.valid_from > ends else None  # N's slots end at the switch
        week = [rule for other, rule in weeks[slot.aesh_id].values()
                if other is not slot and _overlaps(other, slot.valid_from, slot.valid_until)
                and not (ends and other.valid_from <= ends)] + [rule_slot]
        contract = contract_on(aeshes[slot.aesh_id], slot.valid_from)
        terms = terms_of(contract, slot.valid_from, frozenset()) if contract else None
        notified = notifications.notified_hours({i for s in week for i in s.student_ids if i > 0}, slot.valid_from)
        return rules.check_timetable(
            week, contract_weekly_hours=terms.weekly_hours if terms else None,
            lunch_duty=terms.lunch_duty if terms else False, notified=notified, travel_minutes=travel,
            limits=limits()).errors

    # Endings first (they free time), one after the other as planner.services.end_slot.
    shortened, deleted = [], []
    for slot_id in dict.fromkeys(endings):
        slot = by_pk.get(slot_id)
        if slot is None:
            refusals.append(labels.get(("drop", slot_id), "Un créneau à retirer") + " n'existe plus.")
            continue
        if slot.valid_from >= start:
            deleted.append(slot)
            del weeks[slot.aesh_id][slot.pk]
            continue
        previous, slot.valid_until = slot.valid_until, start - datetime.timedelta(days=1)
        assignments = list(slot.assignments.all())
        rule_slot = slot.as_rule_slot(assignments)
        errors = (_slot_field_errors(slot, rule_slot.label)
                  + _period_errors(slot, rule_slot, assignments, covering=notifications.covering)
                  + week_errors(slot, rule_slot))
        if errors:
            slot.valid_until = previous
            refusals.append(labels.get(("drop", slot.pk), f"Retrait de « {slot} »") + " : "
                            + " ".join(dict.fromkeys(errors)))
        else:
            shortened.append(slot)
            weeks[slot.aesh_id][slot.pk] = (slot, rule_slot)

    # Additions: the assignments they need (found, or new ones as planner.services._assignment_for)
    # and the line's own rules; then each week grows line by line, as slots saved one at a time:
    # a line refused at first is tried again once the others are in (the single path's retry).
    new_assignments: list[Assignment] = []
    prepared = []
    for index, line in enumerate(additions):
        aesh = aeshes.get(line.aesh_id)
        school = schools.get(line.school_id)
        label = labels.get(index) or f"{rules.WEEKDAYS[line.weekday]} {line.start:%H:%M}–{line.end:%H:%M}"
        if aesh is None or school is None or any(i not in students for i in line.student_ids):
            refusals.append(f"{label} : l'AESH, l'établissement ou un·e élève n'existe plus.")
            continue
        errors, assignments = [], []
        for student_id in line.student_ids:
            assignment, assignment_errors = _assignment_for(aesh, students[student_id], line.exclusive, start, end,
                                                            current, notifications)
            errors.extend(assignment_errors)
            if assignment is not None:
                assignments.append(assignment)
                if assignment.pk is None and assignment not in new_assignments:
                    new_assignments.append(assignment)
        ends = [a.end_date for a in assignments if a.end_date] + ([end] if end else [])
        slot = TimeSlot(aesh=aesh, weekday=line.weekday, start_time=line.start, end_time=line.end, school=school,
                        kind=line.kind, week=line.week, valid_from=start, valid_until=min(ends) if ends else None)
        slot.minutes = rules.Slot(slot.weekday, slot.start_time, slot.end_time, slot.school_id).minutes
        rule_slot = slot.as_rule_slot(assignments)
        errors.extend(_slot_field_errors(slot, rule_slot.label))
        errors.extend(_period_errors(slot, rule_slot, assignments, covering=notifications.covering))
        if errors:
            refusals.append(f"{label} : " + " ".join(dict.fromkeys(errors)))
            continue
        prepared.append((index, label, slot, assignments, rule_slot))
    new_slots, pending, refused = [], prepared, []
    for attempt in range(2):
        refused = []
        for item in pending:
            index, _label, slot, _assignments, rule_slot = item
            errors = week_errors(slot, rule_slot)
            if errors:
                refused.append((item, errors))
                continue
            weeks[slot.aesh_id][("new", index)] = (slot, rule_slot)
            new_slots.append(item)
        pending = [item for item, _errors in refused]
        if not refused or attempt:
            break
    refusals.extend(f"{item[1]} : " + " ".join(errors) for item, errors in refused)
    if refusals:
        raise ValidationError([refusal_heading(len(refusals)), *dict.fromkeys(refusals)])
    # The dashboard's figures of these AESH's pôles and of their students' (pial.figures).
    with figures.writes(aesh_poles(aesh_ids) | {s.school.pole_id for s in students.values()}):
        if cut:
            shortened += _end_year(cut, by_pk, shortened)
        return _write(new_assignments, new_slots, shortened, deleted, start, user)


def _year_ends(aesh_ids: set[int], start: datetime.date) -> dict[int, datetime.date]:
    """missions.services.switch_ends_before for many AESH at once: for those whose département's
    current year ends before `start` (a plan for the rentrée), that year's last day."""
    departements = dict(Aesh.objects.filter(pk__in=aesh_ids).values_list("pk", "home_pole__departement_id"))
    ends = {}
    for departement in Departement.objects.filter(pk__in=set(departements.values())):
        year = year_of(departement)
        if year and start > year.end_date:
            ends[departement.pk] = year.end_date
    return {aesh_id: ends[dep] for aesh_id, dep in departements.items() if dep in ends}


def _end_year(cut: dict[int, datetime.date], by_pk: dict, shortened: list[TimeSlot]) -> list[TimeSlot]:
    """A rentrée plan applied before the switch: what the switch will do (switch._end_timetables)
    for these AESH, done now so that they are not booked twice from the rentrée. Their year-N
    slots and assignments still running after that year's last day end on it; the slots are
    returned (not yet written) to be shortened with the others, so the change notices say it."""
    slots = []
    for row in (TimeSlot.objects.filter(aesh_id__in=cut).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=min(cut.values()))).order_by("pk")):
        slot, ends = by_pk.get(row.pk, row), cut[row.aesh_id]
        if slot.valid_from <= ends and (slot.valid_until is None or slot.valid_until > ends):
            slot.valid_until = ends
            if slot not in shortened:
                slots.append(slot)
    by_end = defaultdict(list)
    for aesh_id, ends in cut.items():
        by_end[ends].append(aesh_id)
    for ends, aesh_ids in by_end.items():  # one per département
        (Assignment.objects.filter(aesh_id__in=aesh_ids, start_date__lte=ends)
         .filter(Q(end_date__isnull=True) | Q(end_date__gt=ends)).update(end_date=ends))
    return slots


def _assignment_for(aesh: Aesh, student: Student, exclusive: bool, start: datetime.date,
                    end: datetime.date | None, current: dict, notifications: _Notifications):
    """planner.services._assignment_for and services.assignment_save, from loaded rows: the
    current assignment, or a new one (kept in `current` for the next lines), with its refusals."""
    kind = AssignmentKind.INDIVIDUELLE if exclusive else AssignmentKind.MUTUALISEE
    found = next(iter(current[aesh.pk, student.pk, kind]), None)
    # The current assignment serves even when it ends before `end` (the slot then ends with it):
    # a second one over the same period would be a duplicate (services.assignment_save refuses it).
    if found:
        return found, []
    contract = contract_on(aesh, start)
    notification = notifications.in_force(student.pk, KIND_OF_AID[kind], start)
    ends = [d for d in (end, contract.end_date if contract else None,
                        notification.end_date if notification else None) if d]
    assignment = Assignment(aesh=aesh, student=student, kind=kind, start_date=start,
                            end_date=min(ends) if ends else None)
    errors = _assignment_field_errors(assignment)
    last = assignment.end_date or datetime.date.max
    if not any(c.start_date <= start and (c.end_date is None or c.end_date >= last) for c in aesh.contracts.all()):
        errors.append("L'affectation doit tenir dans un contrat de l'AESH (début et fin compris).")
    if student.school.pole_id != aesh.home_pole_id:
        errors.append("L'élève n'est pas scolarisé·e dans le pôle de l'AESH.")
    if notifications.covering(student.pk, kind, start, assignment.end_date) is None:
        aid = "aide individuelle" if kind == AssignmentKind.INDIVIDUELLE else "aide mutualisée"
        periods = [f"du {n.start_date:%d/%m/%Y} au {n.end_date:%d/%m/%Y}" for n in sorted(
            (n for n in notifications.rows if n.student_id == student.pk and n.aid_kind == KIND_OF_AID[kind]),
            key=lambda n: (n.start_date, n.pk))]
        known = (" : notification" + ("s" if len(periods) > 1 else "") + " " + ", ".join(periods) if periods
                 else " : l'élève n'a aucune notification de ce type")
        period = (f" (du {start:%d/%m/%Y} au {assignment.end_date:%d/%m/%Y})" if assignment.end_date
                  else f" (à partir du {start:%d/%m/%Y})")
        errors.append(f"Aucune notification d'{aid} ne couvre toute la période de l'affectation{period}{known}.")
    if errors:
        return None, errors
    current[aesh.pk, student.pk, kind].insert(0, assignment)
    return assignment, []


def _write(new_assignments, new_slots, shortened, deleted, start, user) -> Applied:
    Assignment.objects.bulk_create(new_assignments)
    slots = [slot for _index, _label, slot, _assignments, _rule in new_slots]
    TimeSlot.objects.bulk_create(slots)
    Link = TimeSlot.assignments.through
    Link.objects.bulk_create(Link(timeslot_id=slot.pk, assignment_id=a.pk)
                             for _index, _label, slot, assignments, _rule in new_slots for a in assignments)
    TimeSlot.objects.bulk_update(shortened, ["valid_until"])
    TimeSlot.objects.filter(pk__in=[s.pk for s in deleted]).delete()
    applied = Applied(added=Counter(s.aesh_id for s in slots),
                      ended=Counter(s.aesh_id for s in shortened + deleted), slots=slots)
    _record_changes(applied, start, user)
    return applied


def change_summary(added: int, ended: int, start: datetime.date) -> str:
    parts = [f"{n} créneau{'x' if n > 1 else ''} {what}{'s' if n > 1 else ''}"
             for n, what in ((added, "ajouté"), (ended, "retiré")) if n]
    return f"Nouvel emploi du temps à partir du {start:%d/%m/%Y} : {' et '.join(parts)}"


def _record_changes(applied: Applied, start: datetime.date, user) -> None:
    """One change per AESH for the whole week, and its notices, in bulk."""
    touched = sorted(set(applied.added) | set(applied.ended))
    aeshes = Aesh.objects.select_related("home_pole").in_bulk(touched)
    changes = TimetableChange.objects.bulk_create(
        TimetableChange(aesh=aeshes[pk], created_by=user,
                        summary=change_summary(applied.added[pk], applied.ended[pk], start)[:300])
        for pk in touched)
    schedule_many(timetable_change_drafts_many(changes))
