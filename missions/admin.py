"""Scoped admin for assignments, slots, travel times and mission letters."""

from django.contrib import admin

from missions import perms
from missions.models import (
    AeshAbsence,
    Assignment,
    ClassCourse,
    MissionLetter,
    MissionLetterSignature,
    PairingWish,
    PlannerRun,
    ReferentActivity,
    TimeEntry,
    Timesheet,
    TimesheetEvent,
    TimeSlot,
    TravelTime,
    Unavailability,
)
from pial.admin import ScopedAdmin
from pial.models import School


class MissionsAdmin(ScopedAdmin):
    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and perms.can_edit_timetables(request.scope)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def can_edit(self, request) -> bool:
        return perms.can_edit_timetables(request.scope)


@admin.register(Assignment)
class AssignmentAdmin(MissionsAdmin):
    list_display = ["aesh", "kind", "target_label", "start_date", "end_date"]
    list_filter = ["kind"]
    list_select_related = ["aesh", "student", "ulis"]
    raw_id_fields = ["aesh", "student", "ulis"]


@admin.register(TimeSlot)
class TimeSlotAdmin(MissionsAdmin):
    """Read-only here: slots are saved through the timetable page, which checks every rule."""

    list_display = ["aesh", "weekday", "start_time", "end_time", "school", "kind", "week", "valid_from"]
    list_filter = ["weekday", "kind", "week"]
    list_select_related = ["aesh", "school"]

    def can_edit(self, request) -> bool:
        return False


@admin.register(TravelTime)
class TravelTimeAdmin(MissionsAdmin):
    list_display = ["school_a", "school_b", "minutes"]
    list_select_related = ["school_a", "school_b"]

    def get_queryset(self, request):
        visible = School.objects.visible_to(request.scope)
        return TravelTime.objects.filter(school_a__in=visible, school_b__in=visible)


class SignatureInline(admin.TabularInline):
    model = MissionLetterSignature
    extra = 0
    readonly_fields = ["pilot", "signed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MissionLetter)
class MissionLetterAdmin(MissionsAdmin):
    list_display = ["referent", "pole", "school_year", "referent_quotite", "state"]
    list_filter = ["state", "school_year"]
    list_select_related = ["referent", "pole", "school_year"]
    readonly_fields = ["state"]
    inlines = [SignatureInline]


class TimesheetEventInline(admin.TabularInline):
    model = TimesheetEvent
    extra = 0
    readonly_fields = ["action", "user_email", "comment", "at"]
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TimeEntryInline(admin.TabularInline):
    model = TimeEntry
    extra = 0
    fields = ["kind", "day", "start_time", "end_time", "school", "planned_minutes", "minutes", "attendance",
              "absence_reason", "category", "label"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Timesheet)
class TimesheetAdmin(MissionsAdmin):
    """Read-only here: weeks change through the AESH's page and the coordination's decisions,
    which check the rules and keep the journal."""

    list_display = ["aesh", "week_start", "state", "planned_minutes", "accompaniment_minutes", "connexe_minutes",
                    "validated_by", "validated_at"]
    list_filter = ["state"]
    list_select_related = ["aesh", "validated_by"]
    date_hierarchy = "week_start"
    inlines = [TimeEntryInline, TimesheetEventInline]

    def can_edit(self, request) -> bool:
        return False


@admin.register(ReferentActivity)
class ReferentActivityAdmin(MissionsAdmin):
    list_display = ["referent", "date", "kind", "minutes"]
    list_filter = ["kind"]
    list_select_related = ["referent"]
    raw_id_fields = ["referent", "supported"]

    def can_edit(self, request) -> bool:
        return False


# --- The planner's inputs and runs -----------------------------------------------------

@admin.register(ClassCourse)
class ClassCourseAdmin(MissionsAdmin):
    """A class's courses (or one pupil's own timetable): what the planner places AESH on."""

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


@admin.register(AeshAbsence)
class AeshAbsenceAdmin(MissionsAdmin):
    list_display = ["aesh", "start_date", "end_date", "reason"]
    list_select_related = ["aesh"]
    exclude = ["created_by"]


@admin.register(PlannerRun)
class PlannerRunAdmin(MissionsAdmin):
    """Read-only: runs are started and accepted from the planner's pages."""

    list_display = ["pole", "created_at", "state", "progress", "accepted_at"]
    exclude = ["result"]

    def can_edit(self, request) -> bool:
        return False
