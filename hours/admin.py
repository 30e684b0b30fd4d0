"""Scoped admin of the hours: read-only, since weeks change through their pages (rules, journal)."""

from django.contrib import admin

from hours.models import ReferentActivity, TimeEntry, Timesheet, TimesheetEvent
from missions.admin import MissionsAdmin


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
