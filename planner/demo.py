"""Demo data for the planner: a weekly timetable for every class of the demo students
(écoles: 24 h over four days; collèges and lycées: 26 h with free hours), so that a
coordinator can run the planner right after `make run`."""

from __future__ import annotations

import datetime

from eleves.models import Student
from pial.enums import SchoolKind
from planner.models import ClassCourse, Unavailability

T = datetime.time
ECOLE = [(T(8, 30), T(9, 30)), (T(9, 30), T(10, 30)), (T(10, 30), T(11, 30)), (T(13, 30), T(14, 30)),
         (T(14, 30), T(15, 30)), (T(15, 30), T(16, 30))]
COLLEGE = [(T(8), T(9)), (T(9), T(10)), (T(10), T(11)), (T(11), T(12)), (T(13, 30), T(14, 30)),
           (T(14, 30), T(15, 30)), (T(15, 30), T(16, 30)), (T(16, 30), T(17, 30))]
SUBJECTS = ["Français", "Mathématiques", "Histoire-géographie", "Anglais", "Sciences", "EPS", "Arts plastiques",
            "Musique", "Technologie"]


def seed(context: dict) -> None:
    rng = context["rng"]
    first_degree = set(SchoolKind.first_degree())
    students = list(Student.objects.filter(left_on__isnull=True).select_related("school").order_by("pk"))
    for student in students:
        if not student.class_name:
            student.class_name = student.level or "Classe unique"
            student.save(update_fields=["class_name"])
    courses = []
    for school_id, class_name, kind in sorted({(s.school_id, s.class_name, s.school.kind) for s in students}):
        if kind in first_degree:
            slots = [(d, s, e) for d in (0, 1, 3, 4) for s, e in ECOLE]
        else:
            slots = [(d, s, e) for d in range(5) for s, e in COLLEGE if not (d == 2 and s > T(12))]
            for free in rng.sample([x for x in slots if x[1] > T(12)], 4):
                slots.remove(free)
        courses += [ClassCourse(school_id=school_id, class_name=class_name, weekday=d, start_time=s, end_time=e,
                                subject=rng.choice(SUBJECTS)) for d, s, e in slots]
    ClassCourse.objects.bulk_create(courses)
    for aesh in context["aesh"][::7]:
        Unavailability.objects.create(aesh=aesh, weekday=2, start_time=T(8), end_time=T(12),
                                      label="Autre emploi le mercredi matin")
