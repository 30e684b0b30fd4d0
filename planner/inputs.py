"""Reads a pôle's database into the planner's plain Problem, and says in French which
records cannot be planned (they are left out; the rest is planned)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from aesh.selectors import aesh_for_detail, contract_on, terms_of
from eleves.enums import AidKind
from eleves.models import Notification, Student
from missions.models import AssignmentKind, TimeSlot, TravelTime
from missions.services import limits
from pial.conf import setting
from pial.models import School
from pial.scope import Scope
from planner.models import ClassCourse, PairingWish, Unavailability
from planner.problem import Course, Placement, Problem, Unit, Weights, Worker, minutes_of


@dataclass
class Inputs:
    problem: Problem
    blockers: list[str] = field(default_factory=list)
    slot_of: dict[tuple, int] = field(default_factory=dict)      # placement key → current TimeSlot id
    fixed_slot_ids: list[int] = field(default_factory=list)      # current slots the planner does not move


def load(scope: Scope, day: datetime.date, weights: Weights | None = None) -> Inputs:
    blockers: list[str] = []
    schools = dict(School.objects.filter(pole_id=scope.pole_id).values_list("pk", "name"))
    units, unit_of_pupil = _units(scope, day, schools, blockers)
    courses = {(u.id, c.id): c for u in units for c in u.courses}
    workers, current, slot_of, fixed = _workers(scope, day, units, unit_of_pupil, courses, blockers)
    pupil_ids = set(unit_of_pupil)
    wishes = {(a, s): k for a, s, k in PairingWish.objects.filter(student_id__in=pupil_ids)
              .values_list("aesh_id", "student_id", "kind")}
    travel = {frozenset({a, b}): m for a, b, m in TravelTime.objects.filter(school_a__in=schools, school_b__in=schools)
              .values_list("school_a", "school_b", "minutes")}
    problem = Problem(units=tuple(units), workers=tuple(workers), limits=limits(), travel=travel, wishes=wishes,
                      current=tuple(current), weights=weights or Weights(), school_names=schools,
                      time_budget=float(setting("PLANNER_TIME_BUDGET_SECONDS")))
    return Inputs(problem=problem, blockers=blockers, slot_of=slot_of, fixed_slot_ids=fixed)


def _units(scope, day, schools, blockers):
    notifications = (Notification.objects.in_force_on(day).filter(student__in=Student.objects.visible_to(scope, day),
                                                                  state="NOTIFIED")
                     .select_related("student", "student__school").order_by("student__last_name", "student_id"))
    students = {n.student_id: n.student for n in notifications}
    own = defaultdict(list)
    by_class = defaultdict(list)
    for course in ClassCourse.objects.filter(school_id__in=schools).filter(
            Q(student__isnull=True) | Q(student_id__in=students)).order_by("weekday", "start_time", "pk"):
        plain = Course(id=course.pk, weekday=course.weekday, start=minutes_of(course.start_time),
                       end=minutes_of(course.end_time), school_id=course.school_id, week=course.week)
        if course.student_id:
            own[course.student_id].append(plain)
        else:
            by_class[course.school_id, course.class_name.strip().casefold()].append(plain)
    units, unit_of_pupil = [], {}
    mutualised = defaultdict(list)
    for notification in notifications:
        student = notification.student
        if student.pk in unit_of_pupil:
            continue
        courses = tuple(own.get(student.pk) or by_class.get((student.school_id, student.class_name.strip().casefold()))
                        or ())
        if not courses:
            where = f"classe « {student.class_name} », " if student.class_name else "sans classe indiquée, "
            blockers.append(f"Élève {student} ({where}{student.school.name}) : aucun emploi du temps de classe — "
                            "non planifié·e. Saisissez ou importez l'emploi du temps de sa classe.")
            continue
        if notification.aid_kind == AidKind.INDIVIDUELLE:
            units.append(Unit(id=student.pk, pupil_ids=(student.pk,), school_id=student.school_id,
                              need=int(notification.weekly_hours * 60), courses=courses))
            unit_of_pupil[student.pk] = student.pk
        else:
            mutualised[courses].append(student)
            unit_of_pupil[student.pk] = None
    size = setting("PLANNER_MUTUALISED_MAX_PUPILS")
    target = int(setting("PLANNER_MUTUALISED_TARGET_HOURS") * 60)
    for courses, group in mutualised.items():
        for start in range(0, len(group), size):
            members = group[start:start + size]
            units.append(Unit(id=members[0].pk, pupil_ids=tuple(s.pk for s in members),
                              school_id=members[0].school_id, need=target, courses=courses, exclusive=False))
            for student in members:
                unit_of_pupil[student.pk] = members[0].pk
    return units, unit_of_pupil


def _workers(scope, day, units, unit_of_pupil, courses, blockers):
    index = {(u, c.weekday, c.start, c.end, c.week): c for (u, _), c in courses.items()}
    unavailable = defaultdict(list)
    for u in Unavailability.objects.filter(aesh__home_pole_id=scope.pole_id):
        unavailable[u.aesh_id].append((u.weekday, minutes_of(u.start_time), minutes_of(u.end_time), u.week))
    slots = defaultdict(list)
    for slot in (TimeSlot.objects.visible_to(scope).valid_on(day).prefetch_related("assignments")
                 .order_by("weekday", "start_time")):
        slots[slot.aesh_id].append(slot)
    workers, current, slot_of, fixed = [], [], {}, []
    for aesh in aesh_for_detail(scope).filter(home_pole_id=scope.pole_id).order_by("last_name", "pk"):
        contract = contract_on(aesh, day)
        if contract is None:
            blockers.append(f"AESH {aesh} : aucun contrat en cours au {day:%d/%m/%Y} — non planifié·e.")
            continue
        terms = terms_of(contract, day, frozenset())
        capacity = int(terms.weekly_hours * 60)
        blocked = list(unavailable[aesh.pk])
        schools = Counter()
        for slot in slots[aesh.pk]:
            placement = _as_placement(slot, aesh.pk, unit_of_pupil, index)
            schools[slot.school_id] += slot.minutes
            if placement is None:  # ULIS, lunch, travel or a slot off the class timetable: kept as it is
                fixed.append(slot.pk)
                blocked.append((slot.weekday, minutes_of(slot.start_time), minutes_of(slot.end_time), slot.week))
                capacity -= slot.minutes if not slot.week else slot.minutes // 2
            else:
                current.append(placement)
                slot_of[placement.key] = slot.pk
        home = schools.most_common(1)[0][0] if schools else None
        workers.append(Worker(id=aesh.pk, capacity=max(0, capacity), lunch_duty=terms.lunch_duty,
                              unavailable=tuple(blocked), home_school_id=home))
    return workers, current, slot_of, fixed


def _as_placement(slot: TimeSlot, aesh_id: int, unit_of_pupil, index) -> Placement | None:
    assignments = list(slot.assignments.all())
    if slot.kind != "CLASS" or not assignments or any(a.kind == AssignmentKind.COLLECTIVE for a in assignments):
        return None
    unit_id = unit_of_pupil.get(assignments[0].student_id)
    if unit_id is None:
        return None
    course = index.get((unit_id, slot.weekday, minutes_of(slot.start_time), minutes_of(slot.end_time), slot.week))
    if course is None:
        return None
    return Placement(worker_id=aesh_id, unit_id=unit_id, course_id=course.id, weekday=course.weekday,
                     start=course.start, end=course.end, school_id=course.school_id, week=course.week)
