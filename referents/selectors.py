"""Reads of the toolbox. Each starts from the acting scope (referents.access)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from aesh.models import Aesh, TrainingNeedsWindow
from aesh.selectors import schools_of
from pial.models import School
from referents.access import Access
from referents.enums import NewcomerStepKind
from referents.models import (
    NewcomerPath,
    NewcomerStep,
    PracticeSession,
    Resource,
    SessionAttendance,
    WelcomeSheet,
    WelcomeSheetRead,
    WelcomeSheetVersion,
    schools_assigned,
)


def sheet_schools(access: Access) -> QuerySet[School]:
    """Schools whose sheet the person may read: the pôle's for its coordination, pilots and
    référent·es; for an AESH, the schools of their assignments in force today."""
    scope = access.scope
    if scope.role == "AESH" and not access.is_referent:
        schools = School.objects.filter(pk__in=schools_assigned(scope, access.today))
    elif scope.pole_id:
        schools = School.objects.filter(pole_id=scope.pole_id)
    else:
        schools = School.objects.none()
    return schools.select_related("welcome_sheet").order_by("name")


def sheets_with_reads(access: Access) -> list[tuple[School, WelcomeSheet | None, WelcomeSheetRead | None]]:
    schools = list(sheet_schools(access))
    reads = {}
    if access.aesh is not None:
        reads = {r.sheet_id: r for r in WelcomeSheetRead.objects.filter(aesh=access.aesh)}
    rows = []
    for school in schools:
        sheet = getattr(school, "welcome_sheet", None)
        rows.append((school, sheet, reads.get(sheet.pk) if sheet else None))
    return rows


def versions_of(sheet: WelcomeSheet) -> QuerySet[WelcomeSheetVersion]:
    return sheet.versions.order_by("-number")


# --- Newcomers -------------------------------------------------------------------------------

def paths(access: Access) -> QuerySet[NewcomerPath]:
    queryset = NewcomerPath.objects.visible_to(access.scope)
    if access.role == "AESH" and access.is_referent:
        queryset = queryset.filter(referent=access.aesh)
    return (queryset.select_related("aesh", "referent")
            .annotate(done=Count("steps"),
                      met=Exists(NewcomerStep.objects.filter(path=OuterRef("pk"),
                                                             kind=NewcomerStepKind.WELCOME_MEETING)))
            .order_by("completed_at", "-joined_on", "aesh__last_name"))


def path_detail(access: Access) -> QuerySet[NewcomerPath]:
    return (NewcomerPath.objects.visible_to(access.scope).select_related("aesh__home_pole", "referent__user")
            .prefetch_related(Prefetch("steps", queryset=NewcomerStep.objects.select_related("activity"))))


def newcomer_sheets(path: NewcomerPath, access: Access) -> list[tuple[School, WelcomeSheet | None, bool]]:
    """The newcomer's schools of exercise and assignments, their sheets, and whether they read them."""
    schools = list(schools_of(path.aesh, access.today).select_related("welcome_sheet"))
    read = set(WelcomeSheetRead.objects.filter(aesh=path.aesh).values_list("sheet_id", flat=True))
    return [(s, getattr(s, "welcome_sheet", None), getattr(s, "welcome_sheet", None) is not None
             and s.welcome_sheet.pk in read) for s in schools]


def pole_aesh(pole_id: int) -> QuerySet[Aesh]:
    return Aesh.objects.filter(home_pole_id=pole_id).order_by("last_name", "first_name")


# --- Resources -------------------------------------------------------------------------------

def library(access: Access, *, q: str = "", tag: str = "", level: str = "", shelf: str = "") -> QuerySet[Resource]:
    queryset = Resource.objects.visible_to(access.scope)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if level:
        queryset = queryset.filter(Q(levels="") | Q(levels__contains=f"|{level}|"))
    if shelf == "POLE":
        queryset = queryset.filter(pole__isnull=False)
    elif shelf == "DEPARTEMENT":
        queryset = queryset.filter(departement__isnull=False)
    elif shelf == "NATIONAL":
        queryset = queryset.filter(pole__isnull=True, departement__isnull=True)
    return queryset.select_related("pole", "departement").prefetch_related("tags").distinct()


# --- Sessions --------------------------------------------------------------------------------

def sessions(access: Access) -> QuerySet[PracticeSession]:
    mine = SessionAttendance.objects.filter(session=OuterRef("pk"), aesh=access.aesh) if access.aesh else None
    queryset = (PracticeSession.objects.visible_to(access.scope).select_related("referent", "training_theme")
                .annotate(signed=Count("attendances", filter=Q(attendances__signed_up_at__isnull=False)),
                          present=Count("attendances", filter=Q(attendances__attended=True))))
    if mine is not None:
        queryset = queryset.annotate(mine=Exists(mine))
    return queryset.order_by("-date", "-pk")


def session_detail(access: Access) -> QuerySet[PracticeSession]:
    return (PracticeSession.objects.visible_to(access.scope)
            .select_related("referent", "training_theme", "pole", "training_decided_by")
            .prefetch_related(Prefetch("attendances", queryset=SessionAttendance.objects.select_related("aesh")),
                              Prefetch("resources", queryset=Resource.objects.prefetch_related("tags"))))


def open_window(access: Access) -> TrainingNeedsWindow | None:
    return TrainingNeedsWindow.objects.visible_to(access.scope).open_on(access.today).first() \
        if access.pole_id else None
