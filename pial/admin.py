"""The scoped Django admin: each person sees and edits only their territory."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from pial import perms
from pial.forms import DirectoryImportForm, posted, posted_files
from pial.imports import import_directory
from pial.models import Circonscription, Departement, Membership, Pole, Reminder, School, SchoolYear, User


class ScopedAdmin(admin.ModelAdmin):
    """Lists start from the model's `visible_to(scope)`; rights come from perms.py."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.scope)

    def can_edit(self, request) -> bool:
        return perms.can_manage_territory(request.scope)

    def has_module_permission(self, request) -> bool:
        return perms.can_use_admin(request.scope)

    def has_view_permission(self, request, obj=None) -> bool:
        return perms.can_use_admin(request.scope)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.can_edit(request)

    def has_add_permission(self, request) -> bool:
        return self.can_edit(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.scope.is_national

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects.none(), "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects.none(), "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.scope)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Departement)
class DepartementAdmin(ScopedAdmin):
    list_display = ["code", "name", "academie"]
    search_fields = ["code", "name"]

    def can_edit(self, request) -> bool:
        return request.scope.is_national


@admin.register(Circonscription)
class CirconscriptionAdmin(ScopedAdmin):
    list_display = ["name", "departement", "ien_name"]
    list_filter = ["departement"]
    list_select_related = ["departement"]
    search_fields = ["name", "ien_name"]


@admin.register(Pole)
class PoleAdmin(ScopedAdmin):
    list_display = ["name", "kind", "degree", "code", "departement", "circonscription"]
    list_filter = ["kind", "degree", "departement"]
    list_select_related = ["departement", "circonscription"]
    search_fields = ["name", "code"]


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ["uai", "name", "kind", "city", "circonscription", "pole", "zone"]
    list_filter = ["kind", "zone", "pole", "circonscription"]
    list_select_related = ["circonscription", "pole"]
    search_fields = ["uai", "name", "city"]
    change_list_template = "admin/pial/school/change_list.html"

    def get_urls(self):
        extra = [
            path(
                "importer-annuaire/",
                self.admin_site.admin_view(self.import_view),
                name="pial_school_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Gestionnaire or national admin: import schools from the directory CSV."""
        if not self.can_edit(request):
            messages.error(request, "L'import de l'annuaire est réservé aux gestionnaires.")
            return redirect("admin:pial_school_changelist")
        scope = request.scope
        form = DirectoryImportForm(posted(request), posted_files(request))
        report = None
        if request.method == "POST" and form.is_valid():
            departement_code = form.cleaned_data["departement_code"] or None
            if not scope.is_national:
                # A gestionnaire imports their own département only.
                departement_code = scope.membership.departement.code
            report = import_directory(
                form.cleaned_data["file"].read(),
                departement_code=departement_code,
                wet_run=form.cleaned_data["wet_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
            level = messages.SUCCESS if report.committed else messages.WARNING
            messages.add_message(request, level, report.summary())
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer les établissements depuis l'annuaire de l'éducation",
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/pial/school/import.html", context)


@admin.register(SchoolYear)
class SchoolYearAdmin(ScopedAdmin):
    list_display = ["name", "start_date", "end_date", "is_current"]

    def can_edit(self, request) -> bool:
        return request.scope.is_national


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "user_email", "role", "territory_label", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "pole", "circonscription", "departement"]
    search_fields = ["user__email", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["schools"]

    @admin.display(description="e-mail", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="territoire")
    def territory_label(self, obj):
        return obj.territory_label


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []

    def can_edit(self, request) -> bool:
        return request.scope.is_national

    def get_fieldsets(self, request, obj=None):
        """A reader is not shown the password field: its link to the password form would be refused."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.can_edit(request):
            return fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                for name, options in fieldsets]


@admin.register(Reminder)
class ReminderAdmin(ScopedAdmin):
    """What was sent, to whom, when: read-only."""

    list_display = ["created_at", "job", "recipient", "subject", "state", "sent_at", "attempts"]
    list_filter = ["job", "state"]
    search_fields = ["recipient", "subject", "target"]
    date_hierarchy = "created_at"
    readonly_fields = ["job", "target", "threshold", "period", "recipient", "subject", "body", "state", "attempts",
                       "last_error", "created_at", "sent_at"]
    exclude = ["html", "payload"]

    def can_edit(self, request) -> bool:
        return False
