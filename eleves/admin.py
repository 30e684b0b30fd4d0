"""Scoped admin for students; the access journal is read-only for everyone."""

from django.contrib import admin

from eleves import perms
from eleves.enums import JournalAction
from eleves.journal import journal
from eleves.models import AccessLog, LevelSpelling, Notification, Pps, PpsDocument, Student, Ulis
from pial import perms as pial_perms
from pial.admin import ScopedAdmin
from pial.models import School


def _student_of(obj):
    return obj if isinstance(obj, Student) else getattr(obj, "student", None)


class StudentScopedAdmin(ScopedAdmin):
    """Student data in the admin: coordinators of the pôle and the national admin only.
    Reads and changes made here are journaled like those made in the pages."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                journal(request, JournalAction.READ, _student_of(obj), f"administration : {obj._meta.verbose_name}")
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journal(request, JournalAction.UPDATE if change else JournalAction.CREATE, _student_of(obj),
                f"administration : {obj._meta.verbose_name}")

    def delete_model(self, request, obj):
        # Journaled first: the line keeps the student's number once the record is gone.
        journal(request, JournalAction.DELETE, _student_of(obj), f"administration : suppression "
                f"({obj._meta.verbose_name})")
        super().delete_model(request, obj)

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


@admin.register(LevelSpelling)
class LevelSpellingAdmin(admin.ModelAdmin):
    """The spellings of levels the imports did not know, mapped once for all: edited by the
    DSDEN and nationally, read by the coordination (no student data here)."""

    list_display = ["spelling", "level"]
    search_fields = ["spelling"]
    list_filter = ["level"]

    def has_module_permission(self, request) -> bool:
        return pial_perms.can_use_admin(request.scope)

    def has_view_permission(self, request, obj=None) -> bool:
        return pial_perms.can_use_admin(request.scope)

    def has_add_permission(self, request) -> bool:
        return pial_perms.can_manage_territory(request.scope)

    def has_change_permission(self, request, obj=None) -> bool:
        return pial_perms.can_manage_territory(request.scope)

    def has_delete_permission(self, request, obj=None) -> bool:
        return pial_perms.can_manage_territory(request.scope)
