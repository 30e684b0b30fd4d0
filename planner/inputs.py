"""Reads a pôle's database into the planner's plain Problem, and says in French which
records cannot be planned (they are left out; the rest is planned).

Every existing slot of the pôle's AESH from the plan's first day on is in the Problem: a slot
that is exactly one course of its student is a current placement (the engine may keep or move
it); any other — spanning several courses, off any course (ULIS, lunch, travel), for a student
without a class timetable, or starting later — is fixed, and counts in every rule."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils import timezone

from aesh.models import Wish
from aesh.selectors import aesh_for_detail, contract_on, terms_of
from eleves.enums import AidKind, TransferState
from eleves.models import Notification, Student
from eleves.rentree import STAYS, incoming_transfers, students_of
from missions.models import Assignment, AssignmentKind, TimeSlot, TravelTime
from missions.services import limits
from pial.conf import setting
from pial.models import Pole, School, SchoolYear
from pial.scope import Scope
from pial.years import next_year, year_of
from planner import pedagogy
from planner.board import Board
from planner.models import ClassCourse, PairingWish, Unavailability
from planner.problem import AeshSpec, Course, Fixed, Placement, Problem, Unit, Weights, minutes_of


@dataclass
class Inputs:
    problem: Problem
    blockers: list[str] = field(default_factory=list)
    slot_of: dict[tuple, int] = field(default_factory=dict)      # placement key → current TimeSlot id


@dataclass
class Rentree:
    """A plan for the rentrée of `year`, prepared during `current`: next year's students (those
    who stay in the pôle, at their projected school) and year N's pairs to keep."""

    current: SchoolYear
    year: SchoolYear
    schools: dict[int, School]     # staying student → projected school
    incoming: list[str]            # students arriving by transfer: planned once the switch has moved them


def rentree_of(scope: Scope, day: datetime.date) -> Rentree | None:
    """A day on or after the rentrée of the year following the pôle's département's current one
    plans that rentrée; any other day plans the current year."""
    pole = Pole.objects.select_related("departement").get(pk=scope.pole_id)
    current = year_of(pole.departement)
    year = next_year(current) if current else None
    if year is None or day < year.start_date:
        return None
    lines = students_of(pole, year)
    incoming = [f"Élève {t.student} : arrive par transfert de {t.from_pole} — planifié·e après la bascule."
                for t in incoming_transfers(pole, year) if t.state == TransferState.ACCEPTED]
    return Rentree(current=current, year=year, incoming=incoming,
                   schools={line.student.pk: line.school for line in lines if line.outcome == STAYS})


def previous_pairs(rentree: Rentree, student_ids) -> dict[tuple[int, int], float]:
    """Year N's AESH of each staying student (assignments still running at the end of year N, or
    today if sooner) → the continuity bonus: whole when the AESH wishes to follow the same
    students for `rentree.year`, half without a wish, none (left out) when they declined."""
    bonus = float(setting("PLANNER_CONTINUITY_BONUS"))
    until = min(timezone.localdate(), rentree.current.end_date)
    pairs = set(Assignment.objects.filter(student_id__in=student_ids, start_date__lte=rentree.current.end_date)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=until)).values_list("aesh_id", "student_id"))
    wishes = dict(Wish.objects.filter(year=rentree.year, aesh_id__in={a for a, _ in pairs})
                  .values_list("aesh_id", "same_students"))
    weights = {a: 1.0 if wishes[a] else 0.0 for a in wishes}
    return {(a, s): bonus * weights.get(a, 0.5) for a, s in sorted(pairs) if bonus * weights.get(a, 0.5) > 0}


def load(scope: Scope, day: datetime.date, weights: Weights | None = None) -> Inputs:
    blockers: list[str] = []
    rentree = rentree_of(scope, day)
    schools = dict(School.objects.filter(pole_id=scope.pole_id).values_list("pk", "name"))
    units, unit_of_student, notified, choices = _units(scope, day, schools, blockers, rentree)
    courses = {(u.id, c.id): c for u in units for c in u.courses}
    aesh_pool, current, fixed, slot_of, names = _aesh_pool(scope, day, units, unit_of_student, courses, blockers,
                                                           after=rentree.current.end_date if rentree else None)
    student_ids = set(unit_of_student)
    previous = {}
    if rentree is not None:
        blockers += rentree.incoming
        pool = {w.id for w in aesh_pool}
        previous = {pair: bonus for pair, bonus in previous_pairs(rentree, student_ids).items() if pair[0] in pool}
    wishes = {(a, s): k for a, s, k in PairingWish.objects.filter(student_id__in=student_ids)
              .values_list("aesh_id", "student_id", "kind")}
    travel = {frozenset({a, b}): m for a, b, m in TravelTime.objects.filter(school_a__in=schools, school_b__in=schools)
              .values_list("school_a", "school_b", "minutes")}
    problem = Problem(units=tuple(units), aesh_pool=tuple(aesh_pool), limits=limits(), travel=travel, wishes=wishes,
                      current=tuple(current), fixed=tuple(fixed), notified=notified, weights=weights or Weights(),
                      school_names=schools, aesh_names=names,
                      max_aesh_per_student=choices.max_aesh_per_student, apart=frozenset(choices.apart),
                      ease=choices.ease, previous=previous,
                      step_budget=setting("PLANNER_STEP_BUDGET"),
                      max_rounds=setting("PLANNER_MAX_ROUNDS"))
    for aesh_id, errors in Board(problem).broken.items():
        blockers.append(f"AESH {names[aesh_id]} : son emploi du temps actuel enfreint déjà une règle "
                        f"({errors[0].rstrip('.')}) — rien de nouveau ne lui est proposé tant qu'il n'est pas "
                        "corrigé.")
    return Inputs(problem=problem, blockers=blockers, slot_of=slot_of)


MAX_ABSENCE_PERIODS = 6


def absence_days(scope: Scope, absence, today: datetime.date) -> list[datetime.date]:
    """The days from which an absence's losses are read: its first day still to come, then each
    later day inside the absence on which a slot of the absent AESH starts (a timetable that
    changes mid-absence loses those slots too). A handful at most: the first ones are kept."""
    first = max(absence.start_date, today)
    later = (TimeSlot.objects.visible_to(scope).filter(aesh_id=absence.aesh_id, valid_from__gt=first,
                                                        valid_from__lte=absence.end_date)
             .order_by("valid_from").values_list("valid_from", flat=True).distinct()[:MAX_ABSENCE_PERIODS - 1])
    return [first, *later]


def _units(scope, day, schools, blockers, rentree: Rentree | None = None):
    planned = (Student.objects.filter(pk__in=rentree.schools) if rentree is not None
               else Student.objects.visible_to(scope, day))
    notifications = list(Notification.objects.in_force_on(day).filter(student__in=planned, state="NOTIFIED")
                         .select_related("student", "student__school").order_by("student__last_name", "student_id"))
    if rentree is not None:  # next year's school (the switch will write it)
        for notification in notifications:
            notification.student.school = rentree.schools[notification.student_id]
    students = {n.student_id: n.student for n in notifications}
    subjects: dict[int, str] = {}
    choices = pedagogy.load_choices(scope.pole_id, students)
    own = defaultdict(list)
    by_class = defaultdict(list)
    for course in ClassCourse.objects.filter(school_id__in=schools).filter(
            Q(student__isnull=True) | Q(student_id__in=students)).order_by("weekday", "start_time", "pk"):
        plain = Course(id=course.pk, weekday=course.weekday, start=minutes_of(course.start_time),
                       end=minutes_of(course.end_time), school_id=course.school_id, week=course.week,
                       family=pedagogy.family_of(course.subject) if course.subject else "")
        subjects[course.pk] = course.subject
        if course.student_id:
            own[course.student_id].append(plain)
        else:
            by_class[course.school_id, course.class_name.strip().casefold()].append(plain)
    units, unit_of_student, notified = [], {}, {}
    mutualised = defaultdict(list)
    for notification in notifications:
        student = notification.student
        if notification.aid_kind == AidKind.INDIVIDUELLE:
            notified.setdefault(student.pk, int(notification.weekly_hours * 60))
        if student.pk in unit_of_student:
            continue
        courses = tuple(own.get(student.pk) or by_class.get((student.school_id, student.class_name.strip().casefold()))
                        or ())
        if courses:  # a subject of priority 0 is never accompanied
            courses = _weighed(courses, (student.pk,), subjects, choices)
            if not courses:
                blockers.append(f"Élève {student} ({student.school.name}) : aucune matière à accompagner (toutes "
                                "d'importance 0) — non planifié·e.")
                continue
        if not courses:
            where = f"classe « {student.class_name} », " if student.class_name else "sans classe indiquée, "
            blockers.append(f"Élève {student} ({where}{student.school.name}) : aucun emploi du temps de classe — "
                            "non planifié·e. Saisissez ou importez l'emploi du temps de sa classe.")
            continue
        if notification.aid_kind == AidKind.INDIVIDUELLE:
            units.append(Unit(id=student.pk, student_ids=(student.pk,), school_id=student.school_id,
                              need=int(notification.weekly_hours * 60), courses=courses))
            unit_of_student[student.pk] = student.pk
        else:  # the hours the notification gives the mutualisée aid, else the common target (setting)
            hours = notification.mutualised_hours or setting("PLANNER_MUTUALISED_TARGET_HOURS")
            mutualised[tuple(c.id for c in courses), int(hours * 60)].append((student, courses))
            unit_of_student[student.pk] = None
    size = choices.students_per_mutualised_slot or setting("PLANNER_MUTUALISED_MAX_STUDENTS")
    # Students sharing a slot share its minutes: a group is made of students with the same target.
    for (_courses, target), entries in mutualised.items():
        courses_of = {s.pk: c for s, c in entries}
        for members in pedagogy.groups([s for s, _ in entries], size, choices):
            student_ids = tuple(s.pk for s in members)
            courses = _weighed(courses_of[members[0].pk], student_ids, subjects, choices)
            units.append(Unit(id=members[0].pk, student_ids=student_ids,
                              school_id=members[0].school_id, need=target, courses=courses, exclusive=False))
            for student in members:
                unit_of_student[student.pk] = members[0].pk
    return units, unit_of_student, notified, choices


def _weighed(courses, student_ids, subjects, choices) -> tuple[Course, ...]:
    """The courses with their priority for these students; those of priority 0 left out."""
    out = []
    for course in courses:
        priority = choices.priority(student_ids, subjects.get(course.id, ""))
        if priority > 0:
            out.append(replace(course, priority=priority))
    return tuple(out)


def _aesh_pool(scope, day, units, unit_of_student, courses, blockers, after: datetime.date | None = None):
    """`after`: for a rentrée plan, year N's last day — N's slots end then (the switch), so they
    are not read."""
    by_unit = defaultdict(list)
    for (unit_id, _), course in courses.items():
        by_unit[unit_id].append(course)
    students_of_unit = {u.id: frozenset(u.student_ids) for u in units}
    unavailable = defaultdict(list)
    for u in Unavailability.objects.filter(aesh__home_pole_id=scope.pole_id):
        unavailable[u.aesh_id].append((u.weekday, minutes_of(u.start_time), minutes_of(u.end_time), u.week))
    slots = defaultdict(list)
    # Every slot of the pôle's AESH from the plan's first day on: the acceptance checks them all.
    for slot in (TimeSlot.objects.filter(aesh__home_pole_id=scope.pole_id)
                 .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
                 .filter(valid_from__gt=after or datetime.date.min)
                 .prefetch_related("assignments").order_by("weekday", "start_time", "pk")):
        slots[slot.aesh_id].append(slot)
    aesh_pool, current, fixed, slot_of, names = [], [], [], {}, {}
    for aesh in aesh_for_detail(scope).filter(home_pole_id=scope.pole_id).order_by("last_name", "pk"):
        contract = contract_on(aesh, day)
        mine = [_read(slot, day, unit_of_student, students_of_unit, by_unit) for slot in slots[aesh.pk]]
        if contract is None:
            blockers.append(f"AESH {aesh} : aucun contrat en cours au {day:%d/%m/%Y} — non planifié·e.")
            fixed += [f for f in mine if isinstance(f, Fixed)]  # their slots still cover their students
            continue
        terms = terms_of(contract, day, frozenset())
        schools = Counter()
        for slot, read in zip(slots[aesh.pk], mine, strict=True):
            schools[slot.school_id] += slot.minutes
            if isinstance(read, Placement):
                current.append(read)
                slot_of[read.key] = slot.pk
            else:
                fixed.append(read)
        home = schools.most_common(1)[0][0] if schools else None
        names[aesh.pk] = str(aesh)
        aesh_pool.append(AeshSpec(id=aesh.pk, capacity=int(terms.weekly_hours * 60), lunch_duty=terms.lunch_duty,
                              unavailable=tuple(unavailable[aesh.pk]), home_school_id=home))
    return aesh_pool, current, fixed, slot_of, names


def _read(slot: TimeSlot, day, unit_of_student, students_of_unit, by_unit) -> Placement | Fixed:
    """A slot that is exactly one course of its students' unit (valid on the day, serving that
    unit's students and nobody else) is a current placement the engine may move; any other is
    fixed, and covers the courses of its students that it overlaps."""
    is_current = slot.valid_from <= day
    assignments = [a for a in slot.assignments.all()
                   if a.start_date <= max(day, slot.valid_from) and (a.end_date is None or a.end_date >= day)]
    served = tuple(sorted(a.student_id or -a.ulis_id for a in assignments))  # ULIS: minus its id
    students = frozenset(p for p in served if p > 0)
    units = {unit_of_student.get(p) for p in students}
    unit_id = next(iter(units)) if len(units) == 1 else None
    start, end = minutes_of(slot.start_time), minutes_of(slot.end_time)
    if (is_current and unit_id is not None and slot.kind == "CLASS" and students == students_of_unit.get(unit_id)
            and not any(a.kind == AssignmentKind.COLLECTIVE for a in assignments)):
        for course in by_unit[unit_id]:
            if (course.weekday, course.start, course.end, course.week) == (slot.weekday, start, end, slot.week):
                return Placement(aesh_id=slot.aesh_id, unit_id=unit_id, course_id=course.id,
                                 weekday=course.weekday, start=course.start, end=course.end,
                                 school_id=course.school_id, week=course.week)
    overlapped = tuple(c.id for c in by_unit.get(unit_id, ()) if c.weekday == slot.weekday and c.start < end
                       and start < c.end and (not c.week or not slot.week or c.week == slot.week))
    return Fixed(id=slot.pk, aesh_id=slot.aesh_id, weekday=slot.weekday, start=start, end=end,
                 school_id=slot.school_id, week=slot.week, kind=slot.kind, student_ids=served,
                 exclusive=any(a.kind == AssignmentKind.INDIVIDUELLE for a in assignments),
                 unit_id=unit_id, course_ids=overlapped, current=is_current)
