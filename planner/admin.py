"""Scoped admin of the planner's inputs (class timetables, unavailabilities, pairing wishes) and runs."""

from django.contrib import admin

from missions.admin import MissionsAdmin
from planner.models import (
    AeshSubjectEase,
    ClassCourse,
    PairingWish,
    PlannerRun,
    PolePlanning,
    StudentPlanning,
    StudentsApart,
    SubjectPriority,
    Unavailability,
)


@admin.register(ClassCourse)
class ClassCourseAdmin(MissionsAdmin):
    """A class's courses (or one student's own timetable): what the planner places AESH on."""

    list_display = ["school", "class_name", "student", "weekday", "start_time", "end_time", "week", "subject"]
    list_filter = ["weekday", "week"]
    list_select_related = ["school", "student"]
    search_fields = ["class_name", "subject"]
    raw_id_fields = ["student"]


@admin.register(Unavailability)
class UnavailabilityAdmin(MissionsAdmin):
    list_display = ["aesh", "weekday", "start_time", "end_time", "week", "label"]
    list_select_related = ["aesh"]


@admin.register(PairingWish)
class PairingWishAdmin(MissionsAdmin):
    list_display = ["aesh", "student", "kind"]
    list_filter = ["kind"]
    list_select_related = ["aesh", "student"]
    raw_id_fields = ["student"]


@admin.register(SubjectPriority)
class SubjectPriorityAdmin(MissionsAdmin):
    """Per student and subject, how much accompaniment matters (0 removes the subject)."""

    list_display = ["student", "subject", "priority"]
    list_select_related = ["student"]
    search_fields = ["subject"]


@admin.register(AeshSubjectEase)
class AeshSubjectEaseAdmin(MissionsAdmin):
    list_display = ["aesh", "family", "ease"]
    list_filter = ["family"]
    list_select_related = ["aesh"]


@admin.register(StudentsApart)
class StudentsApartAdmin(MissionsAdmin):
    """Two students never accompanied by the same AESH (a hard rule of the planner)."""

    list_display = ["student", "other"]
    list_select_related = ["student", "other"]


@admin.register(StudentPlanning)
class StudentPlanningAdmin(MissionsAdmin):
    list_display = ["student", "mutualisation"]
    list_filter = ["mutualisation"]
    list_select_related = ["student"]


@admin.register(PolePlanning)
class PolePlanningAdmin(MissionsAdmin):
    list_display = ["pole", "max_aesh_per_student", "students_per_mutualised_slot"]
    list_select_related = ["pole"]


@admin.register(PlannerRun)
class PlannerRunAdmin(MissionsAdmin):
    """Read-only: runs are started and accepted from the planner's pages."""

    list_display = ["pole", "created_at", "state", "progress", "accepted_at"]
    exclude = ["result"]

    def can_edit(self, request) -> bool:
        return False
