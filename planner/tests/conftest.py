"""The missions fixtures (an AESH with a contract, notified students) serve here too, and a
pôle whose existing slots do not align with class courses (issue 20)."""

import datetime
from decimal import Decimal

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot, TravelTime
from missions.tests.conftest import YEAR_END, YEAR_START, students, team  # noqa: F401  (shared fixtures)
from planner.models import ClassCourse

T = datetime.time
COLLEGE = [(T(8), T(9)), (T(9), T(10)), (T(10), T(11)), (T(11), T(12)), (T(13, 30), T(14, 30)),
           (T(14, 30), T(15, 30))]
ECOLE = [(T(8, 30), T(9, 30)), (T(9, 30), T(10, 30)), (T(10, 30), T(11, 30)), (T(13, 30), T(14, 30)),
         (T(14, 30), T(15, 30)), (T(15, 30), T(16, 30))]


def _courses(school, class_name, periods, days=(0, 1, 3, 4)):
    ClassCourse.objects.bulk_create(ClassCourse(school=school, class_name=class_name, weekday=d, start_time=s,
                                                end_time=e) for d in days for s, e in periods)


def _student(school, first, last, class_name, hours):
    student = StudentFactory(school=school, first_name=first, last_name=last, class_name=class_name)
    NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal(hours))
    return student


def _aesh(world, first, last, hours, lunch=False):
    aesh = AeshFactory(home_pole=world.pole_a, first_name=first, last_name=last)
    ContractFactory(aesh=aesh, start_date=YEAR_START - datetime.timedelta(days=30), end_date=YEAR_END,
                    weekly_hours=Decimal(hours), lunch_duty=lunch)
    return aesh


def _slot(aesh, student, school, weekday, start, end, kind=SlotKind.CLASS):
    slot = TimeSlot.objects.create(aesh=aesh, school=school, weekday=weekday, start_time=start, end_time=end,
                                   kind=kind, valid_from=YEAR_START, valid_until=YEAR_END)
    if student is not None:
        assignment = Assignment.objects.filter(aesh=aesh, student=student).first() or Assignment.objects.create(
            aesh=aesh, student=student, kind=AssignmentKind.INDIVIDUELLE, start_date=YEAR_START, end_date=YEAR_END)
        slot.assignments.set([assignment])
    return slot


@pytest.fixture
def misaligned(world, team):  # noqa: F811  (the shared fixture, as an argument)
    """A collège timetable on the hour, an école one on the half hour, 25 min apart; slots
    entered before the class timetables (08:30–11:30 over four collège courses, 13:30–16:30 over
    three école courses), one for a student without class timetable, a lunch duty, one slot
    exactly a course; students waiting."""
    college, ecole = world.schools_a[0], world.schools_a[1]
    TravelTime.objects.create(school_a=college, school_b=ecole, minutes=25)
    _courses(college, "5e A", COLLEGE)
    _courses(ecole, "CE1", ECOLE)
    lea, alice, bruno = team["aesh"], team["alice"], team["bruno"]
    alice.class_name = "5e A"
    alice.save()
    bruno.class_name = "CE1"
    bruno.save()
    damien = _student(ecole, "Damien", "Roux", "CE1", "9")
    chloe = _student(college, "Chloé", "Durand", "4e Z", "4")  # no class timetable entered
    _student(college, "Emma", "Faure", "5e A", "8")
    marc = _aesh(world, "Marc", "Petit", "20", lunch=True)
    nina = _aesh(world, "Nina", "Vidal", "24")
    _slot(lea, alice, college, 0, T(8, 30), T(11, 30))
    _slot(lea, alice, college, 1, T(8, 30), T(10))
    _slot(marc, damien, ecole, 0, T(13, 30), T(16, 30))
    _slot(marc, damien, ecole, 3, T(8, 30), T(9, 30))       # exactly a course
    _slot(marc, chloe, college, 2, T(8), T(10))
    _slot(marc, None, ecole, 1, T(12), T(12, 45), kind=SlotKind.LUNCH)
    _slot(nina, bruno, ecole, 4, T(9), T(11, 30))
    return {"lea": lea, "marc": marc, "nina": nina, "alice": alice, "bruno": bruno, "damien": damien,
            "chloe": chloe, "college": college, "ecole": ecole}


