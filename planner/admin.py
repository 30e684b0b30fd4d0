"""Scoped admin of the planner's inputs (class timetables, unavailabilities, pairing wishes) and runs."""

from django.contrib import admin

from missions.admin import MissionsAdmin
from planner.models import ClassCourse, PairingWish, PlannerRun, Unavailability


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


@admin.register(PlannerRun)
class PlannerRunAdmin(MissionsAdmin):
    """Read-only: runs are started and accepted from the planner's pages."""

    list_display = ["pole", "created_at", "state", "progress", "accepted_at"]
    exclude = ["result"]

    def can_edit(self, request) -> bool:
        return False
