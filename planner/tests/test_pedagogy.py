"""The pôle's pedagogical choices move the plan in their direction (issue 24): priority per
subject (0 removes it), ease per family, the cap of different AESH per student, students never
sharing an AESH, the mutualisation rule."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.enums import AidKind
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.tests.conftest import YEAR_END, YEAR_START
from pial.scope import Scope
from planner import engine, evaluate, inputs, pedagogy, samples
from planner.models import ClassCourse, Mutualisation, PolePlanning, StudentPlanning, StudentsApart, SubjectPriority
from planner.problem import AeshSpec, Course, Problem, Unit

H = 60
T = datetime.time


def course(id, weekday, start, end, priority=3, family=""):
    return Course(id=id, weekday=weekday, start=start * H, end=end * H, school_id=1, priority=priority,
                  family=family)


def test_subject_families_and_default_priorities():
    assert pedagogy.family_of("EPS") == "EPS" and pedagogy.family_of("Éducation musicale") == "ARTS"
    assert pedagogy.family_of("MATHEMATIQUES") == "SCIENCES" and pedagogy.family_of("Français") == "LETTRES"
    assert pedagogy.family_of("Anglais LV1") == "LANGUES" and pedagogy.family_of("Vie de classe") == "AUTRE"
    choices = pedagogy.Choices(priorities={(1, "francais"): 5})
    assert choices.priority((1,), "FRANÇAIS") == 5
    assert choices.priority((1,), "EPS") == 1 and choices.priority((1,), "Arts plastiques") == 1
    assert choices.priority((2,), "Histoire") == 3


def test_the_plan_favours_the_subjects_that_matter_most():
    """Two hours for the student, four courses: the two of priority 5 are the ones accompanied."""
    courses = (course(1, 0, 8, 9, priority=1), course(2, 0, 9, 10, priority=5), course(3, 1, 8, 9, priority=1),
               course(4, 1, 9, 10, priority=5))
    problem = Problem(units=(Unit(id=1, student_ids=(1,), school_id=1, need=2 * H, courses=courses),),
                      aesh_pool=(AeshSpec(id=1, capacity=10 * H),), max_rounds=50)
    plan = engine.plan(problem)
    assert sorted(p.course_id for p in plan.placements) == [2, 4]
    flipped = dataclasses.replace(problem, units=(dataclasses.replace(problem.units[0], courses=tuple(
        dataclasses.replace(c, priority=6 - c.priority) for c in courses)),))
    assert sorted(p.course_id for p in engine.plan(flipped).placements) == [1, 3]


def test_an_aesh_at_ease_in_a_family_is_preferred():
    courses = (course(1, 0, 8, 9, family="SCIENCES"), course(2, 1, 8, 9, family="LANGUES"))
    units = (Unit(id=1, student_ids=(1,), school_id=1, need=2 * H, courses=courses),)
    pool = (AeshSpec(id=1, capacity=H), AeshSpec(id=2, capacity=H))
    problem = Problem(units=units, aesh_pool=pool, ease={(1, "LANGUES"): 5, (2, "SCIENCES"): 5,
                                                         (1, "SCIENCES"): 1, (2, "LANGUES"): 1}, max_rounds=50)
    got = {p.course_id: p.aesh_id for p in engine.plan(problem).placements}
    assert got == {1: 2, 2: 1}


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_the_cap_of_aesh_per_student_is_never_exceeded(cap):
    problem = dataclasses.replace(samples.college(seed=3), max_aesh_per_student=cap,
                                  max_rounds=300)
    plan = engine.plan(problem)
    teams = {}
    for p in plan.placements:
        teams.setdefault(p.unit_id, set()).add(p.aesh_id)
    assert max(len(t) for t in teams.values()) <= cap
    assert evaluate.rule_violations(problem, plan.placements) == []
    free = engine.plan(dataclasses.replace(problem, max_aesh_per_student=None))
    assert evaluate.figures(problem, plan).coverage <= evaluate.figures(problem, free).coverage + 0.02


def test_students_kept_apart_never_share_an_aesh():
    """One AESH could serve both students (different hours); kept apart, the second goes to the other AESH."""
    units = (Unit(id=1, student_ids=(1,), school_id=1, need=H, courses=(course(1, 0, 8, 9),)),
             Unit(id=2, student_ids=(2,), school_id=1, need=H, courses=(course(2, 0, 9, 10),)))
    pool = (AeshSpec(id=1, capacity=4 * H), AeshSpec(id=2, capacity=4 * H))
    together = engine.plan(Problem(units=units, aesh_pool=pool, max_rounds=50))
    assert len({p.aesh_id for p in together.placements}) == 1  # compact: one AESH for both
    apart = engine.plan(Problem(units=units, aesh_pool=pool, apart=frozenset({frozenset({1, 2})}), max_rounds=50))
    assert len(apart.placements) == 2
    assert len({p.aesh_id for p in apart.placements}) == 2
    only_one = engine.plan(Problem(units=units, aesh_pool=pool[:1], apart=frozenset({frozenset({1, 2})}),
                                   max_rounds=50))
    assert len(only_one.placements) == 1  # never together, even at the cost of coverage


def test_apart_on_a_larger_instance():
    problem = samples.college(seed=4)
    ids = sorted(p for u in problem.units for p in u.student_ids)
    pairs = frozenset(frozenset({a, b}) for a, b in zip(ids[::2], ids[1::2], strict=False))
    plan = engine.plan(dataclasses.replace(problem, apart=pairs, max_rounds=300))
    students = {u.id: u.student_ids for u in problem.units}
    served = {}
    for p in plan.placements:
        served.setdefault(p.aesh_id, set()).update(students[p.unit_id])
    for pair in pairs:
        assert not any(pair <= s for s in served.values())


# --- From the database -------------------------------------------------------------------

@pytest.fixture
def school_day(world, team):
    """Alice (6 h notified) with French, maths and EPS courses in her class timetable."""
    alice, school = team["alice"], world.schools_a[0]
    alice.class_name = "5e A"
    alice.save()
    for weekday in (0, 1):
        for hour, subject in ((8, "Français"), (9, "Mathématiques"), (10, "EPS"), (11, "EPS")):
            ClassCourse.objects.create(school=school, class_name="5e A", weekday=weekday, start_time=T(hour),
                                       end_time=T(hour + 1), subject=subject)
    return team


def _scope(world):
    return Scope.of(world.users["coordinator_a"].memberships.get())


@pytest.mark.django_db
def test_priority_zero_removes_a_subject_and_defaults_follow_the_family(world, school_day):
    alice = school_day["alice"]
    unit = next(u for u in inputs.load(_scope(world), datetime.date.today()).problem.units if u.id == alice.pk)
    assert sorted({c.priority for c in unit.courses}) == [1, 3]  # EPS low by default
    SubjectPriority.objects.create(student=alice, subject="EPS", priority=0)
    SubjectPriority.objects.create(student=alice, subject="francais", priority=5)
    unit = next(u for u in inputs.load(_scope(world), datetime.date.today()).problem.units if u.id == alice.pk)
    assert len(unit.courses) == 4
    assert sorted(c.priority for c in unit.courses) == [3, 3, 5, 5]


@pytest.mark.django_db
def test_pole_cap_and_apart_pairs_reach_the_problem(world, school_day):
    alice, bruno = school_day["alice"], school_day["bruno"]
    PolePlanning.objects.create(pole=world.pole_a, max_aesh_per_student=2)
    StudentsApart.objects.create(student=alice, other=bruno)
    problem = inputs.load(_scope(world), datetime.date.today()).problem
    assert problem.max_aesh_per_student == 2
    assert problem.apart == frozenset({frozenset({alice.pk, bruno.pk})})


@pytest.mark.django_db
def test_a_student_never_mutualised_is_planned_alone(world, team):
    school = world.schools_a[0]
    for weekday in (0, 1):
        ClassCourse.objects.create(school=school, class_name="4e B", weekday=weekday, start_time=T(8),
                                   end_time=T(9))
    students = []
    for name in ("Anna", "Bob", "Cléo"):
        student = StudentFactory(school=school, first_name=name, class_name="4e B")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, aid_kind=AidKind.MUTUALISEE,
                            weekly_hours=None)
        students.append(student)
    aesh = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=aesh, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal(24))
    PolePlanning.objects.create(pole=world.pole_a, students_per_mutualised_slot=3)
    groups = [u.student_ids for u in inputs.load(_scope(world), datetime.date.today()).problem.units if not u.exclusive]
    assert groups == [tuple(sorted(p.pk for p in students))] or sorted(len(g) for g in groups) == [3]
    StudentPlanning.objects.create(student=students[0], mutualisation=Mutualisation.NEVER)
    StudentsApart.objects.create(student=students[1], other=students[2])
    groups = [u.student_ids for u in inputs.load(_scope(world), datetime.date.today()).problem.units if not u.exclusive]
    assert sorted(len(g) for g in groups) == [1, 1, 1]  # Anna alone; Bob and Cléo apart


@pytest.mark.django_db
def test_mutualised_groups_hold_two_students_unless_the_pole_says_otherwise(world, team, settings):
    """Issue 24: students per mutualised slot is a setting, 2 by default; a pôle may set its own."""
    school = world.schools_a[0]
    ClassCourse.objects.create(school=school, class_name="5e C", weekday=0, start_time=T(8), end_time=T(9))
    for name in ("Anna", "Bob", "Cléo", "Dina"):
        student = StudentFactory(school=school, first_name=name, class_name="5e C")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, aid_kind=AidKind.MUTUALISEE,
                            weekly_hours=None)

    def sizes():
        problem = inputs.load(_scope(world), datetime.date.today()).problem
        return sorted(len(u.student_ids) for u in problem.units if not u.exclusive)

    assert settings.PIAL["PLANNER_MUTUALISED_MAX_STUDENTS"] == 2
    assert sizes() == [2, 2]
    PolePlanning.objects.create(pole=world.pole_a, students_per_mutualised_slot=4)
    assert sizes() == [4]
