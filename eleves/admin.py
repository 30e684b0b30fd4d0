"""Scoped admin for pupils; the access journal is read-only for everyone."""

from django.contrib import admin

from eleves import perms
from eleves.models import AccessLog, Notification, Pps, PpsDocument, Student, Ulis
from pial.admin import ScopedAdmin
from pial.models import School


class StudentScopedAdmin(ScopedAdmin):
    """Pupil data in the admin: coordinators of the pôle and the national admin only."""

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and perms.can_edit_student(request.scope)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def can_edit(self, request) -> bool:
        return perms.can_edit_student(request.scope)


@admin.register(Student)
class StudentAdmin(StudentScopedAdmin):
    list_display = ["__str__", "school", "level", "left_on"]
    list_filter = ["level", "school"]
    list_select_related = ["school"]
    search_fields = ["last_name", "first_name", "ine"]
    raw_id_fields = ["referent", "ulis"]


@admin.register(Notification)
class NotificationAdmin(StudentScopedAdmin):
    list_display = ["student", "aid_kind", "start_date", "end_date", "weekly_hours", "state"]
    list_filter = ["aid_kind", "state"]
    list_select_related = ["student"]
    raw_id_fields = ["student"]


@admin.register(Ulis)
class UlisAdmin(StudentScopedAdmin):
    list_display = ["name", "school", "capacity"]
    list_select_related = ["school"]

    def get_queryset(self, request):
        return Ulis.objects.filter(school__in=School.objects.visible_to(request.scope)).select_related("school")


@admin.register(Pps)
class PpsAdmin(StudentScopedAdmin):
    list_display = ["student", "updated_at"]
    raw_id_fields = ["student"]

    def get_queryset(self, request):
        return Pps.objects.filter(student__in=Student.objects.visible_to(request.scope)).select_related("student")


@admin.register(PpsDocument)
class PpsDocumentAdmin(StudentScopedAdmin):
    list_display = ["student", "kind", "original_name", "uploaded_at"]
    fields = ["student", "kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return PpsDocument.objects.filter(student__in=Student.objects.visible_to(request.scope))

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdmin):
    """Read-only: nobody adds, changes or deletes a journal line from the admin."""

    list_display = ["at", "user_email", "role", "action", "student_ref", "detail"]
    list_filter = ["action", "role"]
    search_fields = ["user_email", "detail"]
    date_hierarchy = "at"

    def has_module_permission(self, request) -> bool:
        return perms.can_read_journal(request.scope)

    def has_view_permission(self, request, obj=None) -> bool:
        return perms.can_read_journal(request.scope)

    def can_edit(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
