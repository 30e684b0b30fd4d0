"""Reads of recourses: the AESH's schools, an inbox, one exchange. Each starts from the scope."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from aesh.selectors import schools_of  # noqa: F401  (where the AESH works: re-exported)
from pial.enums import Role
from pial.models import Membership, School
from pial.scope import Scope
from recourse.models import Recourse, RecourseMessage, RecourseRead


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


DUPLICATE_WINDOW = datetime.timedelta(minutes=10)


def recent_same(aesh, data: dict) -> Recourse | None:
    """The same request by the same AESH a few minutes ago (a double click, a second tab)."""
    return (Recourse.objects.filter(aesh=aesh, school=data["school"], category=data["category"],
                                    subject=data["subject"].strip(), text=data["text"].strip(),
                                    inform_coordination=data["inform_coordination"],
                                    created_at__gte=timezone.now() - DUPLICATE_WINDOW)
            .order_by("pk").first())
