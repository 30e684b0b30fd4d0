"""Issue 24 item 4: a mutualisée aid's own hours (notification or DSDEN file) are that student's
target; the common target (setting PLANNER_MUTUALISED_TARGET_HOURS) only when it gives none."""

import datetime
from decimal import Decimal

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.enums import AidKind
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.tests.conftest import YEAR_END, YEAR_START
from pial.scope import Scope
from planner import engine, inputs
from planner.models import ClassCourse, PolePlanning

pytestmark = pytest.mark.django_db
T = datetime.time


@pytest.fixture
def mutualised(world):
    """Four mutualisée students of one class (20 h of courses): Tom and Lina given 8 h, Noé 4 h,
    Eva no hours; two AESH with time to spare."""
    school = world.schools_a[0]
    for weekday in range(5):
        for hour in (8, 9, 10, 14):
            ClassCourse.objects.create(school=school, class_name="4e B", weekday=weekday, start_time=T(hour),
                                       end_time=T(hour + 1))
    students = {}
    for name, hours in (("Tom", "8"), ("Lina", "8"), ("Noé", "4"), ("Eva", None)):
        student = StudentFactory(school=school, first_name=name, class_name="4e B")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, aid_kind=AidKind.MUTUALISEE,
                            weekly_hours=None, mutualised_hours=Decimal(hours) if hours else None)
        students[name] = student
    for _ in range(2):
        aesh = AeshFactory(home_pole=world.pole_a)
        ContractFactory(aesh=aesh, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal(24))
    PolePlanning.objects.create(pole=world.pole_a, students_per_mutualised_slot=3)
    return students


def _problem(world):
    return inputs.load(Scope.of(world.users["coordinator_a"].memberships.get()), datetime.date.today()).problem


def test_a_student_notified_8_hours_gets_a_target_of_8_hours(world, mutualised):
    problem = _problem(world)
    need = {s: u.need for u in problem.units if not u.exclusive for s in u.student_ids}
    assert need[mutualised["Tom"].pk] == need[mutualised["Lina"].pk] == 8 * 60
    assert need[mutualised["Noé"].pk] == 4 * 60  # no longer 6 h taken from the others
    assert need[mutualised["Eva"].pk] == 6 * 60  # the common target, as before
    # Students sharing a slot share its minutes: never two targets in one group.
    groups = [u.student_ids for u in problem.units if not u.exclusive]
    assert (mutualised["Tom"].pk, mutualised["Lina"].pk) in groups or \
        (mutualised["Lina"].pk, mutualised["Tom"].pk) in groups
    assert all(len(g) == 1 for g in groups if mutualised["Eva"].pk in g or mutualised["Noé"].pk in g)
    plan = engine.plan(problem)
    got = {}
    for p in plan.placements:
        for student in next(u for u in problem.units if u.id == p.unit_id).student_ids:
            got[student] = got.get(student, 0) + p.minutes
    assert got[mutualised["Tom"].pk] == 8 * 60 and got[mutualised["Noé"].pk] == 4 * 60


def test_the_common_target_is_the_fallback_setting(world, mutualised, settings):
    settings.PIAL = {**settings.PIAL, "PLANNER_MUTUALISED_TARGET_HOURS": 5}
    need = {s: u.need for u in _problem(world).units if not u.exclusive for s in u.student_ids}
    assert need[mutualised["Eva"].pk] == 5 * 60 and need[mutualised["Tom"].pk] == 8 * 60
