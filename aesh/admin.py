"""Scoped admin for raw record work on AESH, contracts, amendments and training."""

from django.contrib import admin

from aesh import perms
from aesh.models import (
    Absence,
    Aesh,
    Amendment,
    Contract,
    MfaReset,
    Training,
    TrainingNeedsWindow,
    TrainingTheme,
)
from pial.admin import ScopedAdmin
from pial.enums import Role


class AeshScopedAdmin(ScopedAdmin):
    def can_edit(self, request) -> bool:
        return perms.can_edit_aesh(request.scope)


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["kind", "start_date", "end_date", "weekly_hours", "weeks", "contractual_quotite", "referent_quotite"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return perms.can_edit_aesh(request.scope)

    has_add_permission = has_delete_permission = lambda self, request, obj=None: False


@admin.register(Aesh)
class AeshAdmin(AeshScopedAdmin):
    list_display = ["__str__", "email", "home_pole", "training_due_date", "user"]
    list_filter = ["home_pole", "diploma"]
    list_select_related = ["home_pole", "user"]
    search_fields = ["last_name", "first_name", "email"]
    filter_horizontal = ["schools"]
    raw_id_fields = ["user"]
    inlines = [ContractInline]


@admin.register(Contract)
class ContractAdmin(AeshScopedAdmin):
    list_display = ["aesh", "kind", "start_date", "end_date", "weekly_hours", "contractual_quotite",
                    "referent_quotite"]
    list_filter = ["kind", "employer"]
    list_select_related = ["aesh"]
    search_fields = ["aesh__last_name", "aesh__first_name"]
    date_hierarchy = "end_date"
    raw_id_fields = ["aesh"]


@admin.register(Amendment)
class AmendmentAdmin(AeshScopedAdmin):
    list_display = ["contract", "effective_date", "state", "proposed_on", "answered_on"]
    list_filter = ["state"]
    list_select_related = ["contract__aesh"]
    raw_id_fields = ["contract"]
    filter_horizontal = ["schools"]

    def get_queryset(self, request):
        return Amendment.objects.filter(contract__in=Contract.objects.visible_to(request.scope))


@admin.register(Training)
class TrainingAdmin(AeshScopedAdmin):
    list_display = ["aesh", "date", "title", "kind", "hours"]
    list_filter = ["kind"]
    list_select_related = ["aesh"]
    search_fields = ["title", "aesh__last_name"]
    raw_id_fields = ["aesh"]


@admin.register(TrainingTheme)
class TrainingThemeAdmin(ScopedAdmin):
    """The DSDEN keeps the list of themes the AESH choose from (its gestionnaire edits it)."""

    list_display = ["name", "departement", "is_active", "position"]
    list_filter = ["is_active", "departement"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "departement":
            from pial.models import Departement

            kwargs["queryset"] = Departement.objects.visible_to(request.scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TrainingNeedsWindow)
class TrainingNeedsWindowAdmin(AeshScopedAdmin):
    """Read here: the coordination opens the window from its page, which checks the dates."""

    list_display = ["pole", "school_year", "opens_on", "closes_on"]
    list_select_related = ["pole", "school_year"]

    def can_edit(self, request) -> bool:
        return False


@admin.register(Absence)
class AbsenceAdmin(ScopedAdmin):
    """Absence periods (category only), as the planner's absence page enters them."""

    list_display = ["aesh", "start_date", "end_date", "reason"]
    list_select_related = ["aesh"]
    exclude = ["created_by"]

    def can_edit(self, request) -> bool:
        return request.scope.is_national or request.scope.role == Role.COORDINATOR


@admin.register(MfaReset)
class MfaResetAdmin(ScopedAdmin):
    """Read-only: the journal of second-factor resets (MfaReset.objects.visible_to)."""

    list_display = ["at", "aesh_name", "user_email", "pole", "by_email", "factors"]
    list_select_related = ["pole"]
    search_fields = ["aesh_name", "user_email", "by_email"]
    date_hierarchy = "at"

    def can_edit(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
