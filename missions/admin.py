"""Scoped admin for assignments, slots, travel times and mission letters."""

from django.contrib import admin

from missions import perms
from missions.models import Assignment, MissionLetter, MissionLetterSignature, TimeSlot, TravelTime
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
