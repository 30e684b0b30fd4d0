"""Reads of recourses: the AESH's schools, an inbox, one exchange. Each starts from the scope."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from aesh.recourse.models import Recourse, RecourseMessage, RecourseRead
from pial.enums import Role
from pial.models import Membership, School
from pial.scope import Scope


def schools_of(aesh, day: datetime.date) -> QuerySet[School]:
    """Where the AESH works: their schools of exercise, and the schools of their assignments and
    time slots in force (reverse lookups: the timetables live upstairs)."""
    current_slot = Q(time_slots__aesh=aesh, time_slots__valid_from__lte=day) & (
        Q(time_slots__valid_until__isnull=True) | Q(time_slots__valid_until__gte=day))
    in_force = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    assignment_ids = aesh.assignments.filter(in_force).values("pk")
    return (School.objects.filter(
        Q(aesh=aesh) | current_slot | Q(students__assignments__in=assignment_ids)
        | Q(ulis_units__assignments__in=assignment_ids))
        .filter(pole_id=aesh.home_pole_id).select_related("circonscription", "pole__circonscription")
        .distinct().order_by("name"))


def circonscription_of(school: School):
    """The school's circonscription, or else its pôle's (a collège may have none of its own)."""
    return school.circonscription or (school.pole.circonscription if school.pole_id else None)


def inspectors_of(circonscription_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(role=Role.INSPECTOR, circonscription_id=circonscription_id,
                                                user__is_active=True).values_list("user__email", flat=True)))


def inbox(scope: Scope, status: str = "") -> QuerySet[Recourse]:
    queryset = (Recourse.objects.visible_to(scope).select_related("school", "circonscription", "aesh")
                .annotate(message_count=Count("messages")))
    return queryset.filter(status=status) if status else queryset


def status_counts(scope: Scope) -> dict[str, int]:
    return dict(Recourse.objects.visible_to(scope).values_list("status").annotate(n=Count("pk")).order_by())


def exchange(scope: Scope) -> QuerySet[Recourse]:
    return (Recourse.objects.visible_to(scope).select_related("school", "circonscription", "aesh__home_pole")
            .prefetch_related(Prefetch("messages", queryset=RecourseMessage.objects.select_related("author"))))


def reads_of(recourse: Recourse) -> QuerySet[RecourseRead]:
    """Who opened the recourse, besides its author: what the AESH and the inspector see of its journal."""
    return recourse.reads.exclude(role=Role.AESH).order_by("at")
