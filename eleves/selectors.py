"""Reads about students that feed pages and reports; each starts from Student.objects.visible_to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from eleves.models import AccessLog, Notification, PpsDocument, Student
from pial.scope import Scope


def _in_force(day: datetime.date) -> QuerySet[Notification]:
    return Notification.objects.filter(student=OuterRef("pk")).in_force_on(day).order_by("-start_date")


def with_current_notification(queryset: QuerySet[Student], day: datetime.date) -> QuerySet[Student]:
    """Annotates the notification in force on `day`: kind, hours, end (one query)."""
    in_force = _in_force(day)
    return queryset.annotate(
        has_notification_now=Exists(in_force),
        aid_kind_now=Subquery(in_force.values("aid_kind")[:1]),
        notified_hours_now=Subquery(in_force.values("weekly_hours")[:1]),
        notification_end_now=Subquery(in_force.values("end_date")[:1]),
    )


@dataclass(frozen=True)
class StudentFilters:
    search: str = ""
    school_id: int | None = None
    level: str = ""
    aid_kind: str = ""
    ending_within_days: int | None = None
    without_notification: bool = False
    include_left: bool = False


def student_list(scope: Scope, filters: StudentFilters, today: datetime.date) -> QuerySet[Student]:
    queryset = with_current_notification(Student.objects.visible_to(scope, today), today)
    if not filters.include_left:
        queryset = queryset.filter(left_on__isnull=True)
    for word in filters.search.split():
        queryset = queryset.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    if filters.school_id:
        queryset = queryset.filter(school_id=filters.school_id)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.aid_kind:
        queryset = queryset.filter(aid_kind_now=filters.aid_kind)
    if filters.ending_within_days:
        queryset = queryset.filter(
            notification_end_now__lte=today + datetime.timedelta(days=filters.ending_within_days)
        )
    if filters.without_notification:
        queryset = queryset.filter(has_notification_now=False)
    return queryset.select_related("school", "ulis").order_by("last_name", "first_name")


def student_for_detail(scope: Scope, today: datetime.date) -> QuerySet[Student]:
    return (
        Student.objects.visible_to(scope, today)
        .select_related("school", "school__pole", "ulis", "referent", "pps")
        .prefetch_related(
            Prefetch("notifications", queryset=Notification.objects.order_by("-start_date")),
            Prefetch("documents", queryset=PpsDocument.objects.select_related("uploaded_by")),
        )
    )


def notifications_ending(scope: Scope, today: datetime.date, days: int) -> QuerySet[Notification]:
    """Notifications in force that end within `days` days, soonest first."""
    return (
        Notification.objects.visible_to(scope)
        .in_force_on(today)
        .filter(end_date__lte=today + datetime.timedelta(days=days), student__left_on__isnull=True)
        .select_related("student", "student__school")
        .order_by("end_date")
    )


@dataclass(frozen=True)
class JournalFilters:
    student_ref: int | None = None
    user_email: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def journal_entries(scope: Scope, filters: JournalFilters) -> QuerySet[AccessLog]:
    queryset = AccessLog.objects.visible_to(scope).select_related("student")
    if filters.student_ref:
        queryset = queryset.filter(student_ref=filters.student_ref)
    if filters.user_email:
        queryset = queryset.filter(user_email__icontains=filters.user_email)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.since:
        queryset = queryset.filter(at__date__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(at__date__lte=filters.until)
    return queryset
