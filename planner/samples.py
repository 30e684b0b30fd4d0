"""Seeded instances for the benchmark and the tests: a collège (40 students, 15 AESH) and a
pôle (100 students, 40 AESH, two collèges and four écoles with travel between them), with
AESH capacity slightly below the notified need."""

from __future__ import annotations

import random
from dataclasses import replace

from missions import rules
from planner.problem import FORBID, PREFER, AeshSpec, Course, Problem, Unit

H = 60
STEP_BUDGET = 1_200_000  # the application's default (settings PLANNER_STEP_BUDGET)
COLLEGE_PERIODS = [(8 * H, 9 * H), (9 * H, 10 * H), (10 * H, 11 * H), (11 * H, 12 * H),
                   (13 * H + 30, 14 * H + 30), (14 * H + 30, 15 * H + 30), (15 * H + 30, 16 * H + 30),
                   (16 * H + 30, 17 * H + 30)]
ECOLE_PERIODS = [(8 * H + 30, 9 * H + 30), (9 * H + 30, 10 * H + 30), (10 * H + 30, 11 * H + 30),
                 (13 * H + 30, 14 * H + 30), (14 * H + 30, 15 * H + 30), (15 * H + 30, 16 * H + 30)]
COLLEGE_HOURS = (4, 6, 8, 9, 10, 10, 12, 12, 12, 15, 18)
ECOLE_HOURS = (6, 8, 9, 10, 12, 12, 15)
MUTUALISED_TARGET = 6 * H


class _Ids:
    def __init__(self):
        self.value = 0

    def __call__(self) -> int:
        self.value += 1
        return self.value


def _college_class(rng: random.Random, school_id: int, ids: _Ids) -> tuple[Course, ...]:
    """26 hours of a class among 32 possible (Wednesday afternoon free), one hour in week A
    and another in week B (half groups)."""
    slots = [(d, s, e) for d in range(5) for s, e in COLLEGE_PERIODS if not (d == 2 and s > 12 * H)]
    free = set(rng.sample([x for x in slots if x[1] > 12 * H or x[1] >= 11 * H], 4))
    kept = [x for x in slots if x not in free]
    courses = [Course(id=ids(), weekday=d, start=s, end=e, school_id=school_id) for d, s, e in kept]
    alternating = rng.sample(range(len(courses)), 2)
    for index, week in zip(alternating, (rules.WEEK_A, rules.WEEK_B), strict=True):
        courses[index] = replace(courses[index], week=week)
    return tuple(courses)


def _ecole_class(school_id: int, ids: _Ids) -> tuple[Course, ...]:
    return tuple(Course(id=ids(), weekday=d, start=s, end=e, school_id=school_id)
                 for d in (0, 1, 3, 4) for s, e in ECOLE_PERIODS)


def _students(rng, school_id, classes, count, hours, ids_unit, ids_student, mutualised_every=7):
    units = []
    mutual: dict[int, list[int]] = {}
    for i in range(count):
        courses = rng.choice(classes)
        student = ids_student()
        if mutualised_every and i % mutualised_every == mutualised_every - 1:
            mutual.setdefault(id(courses), [courses]).append(student)
            continue
        units.append(Unit(id=ids_unit(), student_ids=(student,), school_id=school_id, need=rng.choice(hours) * H,
                          courses=courses))
    for group in mutual.values():
        courses, students = group[0], group[1:]
        for start in range(0, len(students), 3):
            units.append(Unit(id=ids_unit(), student_ids=tuple(students[start:start + 3]), school_id=school_id,
                              need=MUTUALISED_TARGET, courses=courses, exclusive=False))
    return units


def _aesh_pool(rng, units, ratio, ids_aesh, schools, week_hours):
    need = sum(u.need for u in units)
    by_school = {s: sum(u.need for u in units if u.school_id == s) for s in schools}
    budget = int(need * ratio / H)
    aesh_pool = []
    for school, school_need in by_school.items():
        hours = round(school_need / need * budget)
        while hours > 0:
            weekly = min(hours, week_hours[school], rng.choice((24, 24, 24, 20, 27, 30)))
            if hours - weekly < 12:
                weekly = hours
            unavailable = ()
            if rng.random() < 0.2:
                day = rng.choice((0, 1, 3, 4))
                unavailable = ((day, 13 * H + 30, 17 * H + 30, ""),)
            aesh_pool.append(AeshSpec(id=ids_aesh(), capacity=weekly * H, unavailable=unavailable,
                                  home_school_id=school))
            hours -= weekly
    return aesh_pool


def college(seed: int = 1, ratio: float = 0.9) -> Problem:
    rng = random.Random(seed)  # noqa: S311 - a seeded sample, not a secret
    ids_course, ids_unit, ids_student, ids_aesh = _Ids(), _Ids(), _Ids(), _Ids()
    classes = [_college_class(rng, 1, ids_course) for _ in range(12)]
    units = _students(rng, 1, classes, 40, COLLEGE_HOURS, ids_unit, ids_student)
    aesh_pool = _aesh_pool(rng, units, ratio, ids_aesh, [1], {1: 30})
    wishes = {(aesh_pool[0].id, units[0].student_ids[0]): FORBID, (aesh_pool[1].id, units[1].student_ids[0]): PREFER}
    return Problem(units=tuple(units), aesh_pool=tuple(aesh_pool), wishes=wishes,
                   school_names={1: "Collège Jean Moulin"}, step_budget=STEP_BUDGET)


def pole(seed: int = 1, ratio: float = 0.9) -> Problem:
    rng = random.Random(seed)  # noqa: S311 - a seeded sample, not a secret
    ids_course, ids_unit, ids_student, ids_aesh = _Ids(), _Ids(), _Ids(), _Ids()
    units = []
    names = {}
    for school_id, kind, students in ((1, "college", 32), (2, "college", 28), (3, "ecole", 12), (4, "ecole", 10),
                                    (5, "ecole", 10), (6, "ecole", 8)):
        if kind == "college":
            classes = [_college_class(rng, school_id, ids_course) for _ in range(9)]
            units += _students(rng, school_id, classes, students, COLLEGE_HOURS, ids_unit, ids_student)
            names[school_id] = f"Collège {school_id}"
        else:
            classes = [_ecole_class(school_id, ids_course) for _ in range(4)]
            units += _students(rng, school_id, classes, students, ECOLE_HOURS, ids_unit, ids_student,
                                mutualised_every=0)
            names[school_id] = f"École {school_id}"
    # An école's week is 24 h: its AESH hold contracts of 24 h at most.
    week_hours = {s: 30 if s <= 2 else 24 for s in names}
    aesh_pool = _aesh_pool(rng, units, ratio, ids_aesh, list(names), week_hours)
    travel = {frozenset({a, b}): rng.choice((10, 15, 20, 25)) for a in names for b in names if a < b}
    wishes = {(aesh_pool[0].id, units[0].student_ids[0]): FORBID, (aesh_pool[2].id, units[5].student_ids[0]): PREFER}
    return Problem(units=tuple(units), aesh_pool=tuple(aesh_pool), travel=travel, wishes=wishes, school_names=names,
                   step_budget=STEP_BUDGET)
