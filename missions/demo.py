"""Demo assignments: most pupils with a notification in force have an AESH of their pôle."""

from eleves.enums import AidKind
from eleves.models import Notification
from missions.models import Assignment, AssignmentKind


def seed(context: dict) -> None:
    today, rng = context["today"], context["rng"]
    by_pole: dict[int, list] = {}
    for aesh in context["aesh"]:
        by_pole.setdefault(aesh.home_pole_id, []).append(aesh)
    julie = next(a for a in context["aesh"] if a.user_id)
    in_force = Notification.objects.in_force_on(today).select_related("student__school").order_by("pk")
    for index, notification in enumerate(in_force):
        if index % 6 == 5:
            continue  # waiting for an AESH
        student = notification.student
        pool = by_pole[student.school.pole_id]
        aesh = julie if student.school.pole_id == julie.home_pole_id and index % 4 == 0 else rng.choice(pool)
        Assignment.objects.create(
            aesh=aesh, student=student, start_date=max(notification.start_date, today.replace(month=9, day=1)
                                                       if today.month >= 9 else notification.start_date),
            end_date=notification.end_date,
            kind=AssignmentKind.INDIVIDUELLE if notification.aid_kind == AidKind.INDIVIDUELLE
            else AssignmentKind.MUTUALISEE,
        )
    aesh_co = by_pole[context["ulis"].school.pole_id][0]
    Assignment.objects.create(aesh=aesh_co, ulis=context["ulis"], kind=AssignmentKind.COLLECTIVE,
                              start_date=today.replace(month=9, day=1) if today.month >= 9 else today)
