"""Scoped admin of the toolbox: read here, written from the pages (which keep versions, the
référent's log and the training lines in step)."""

from django.contrib import admin
from django.db import models

from pial.admin import ScopedAdmin
from referents.models import NewcomerPath, NewcomerStep, PracticeSession, Resource, WelcomeSheet


class ReadOnlyAdmin(ScopedAdmin):
    def can_edit(self, request) -> bool:
        return False


@admin.register(WelcomeSheet)
class WelcomeSheetAdmin(ReadOnlyAdmin):
    list_display = ["school", "version", "updated_at", "updated_by"]
    list_select_related = ["school", "updated_by"]
    search_fields = ["school__name", "school__uai"]


class NewcomerStepInline(admin.TabularInline):
    model = NewcomerStep
    extra = 0
    fields = ["kind", "done_on", "done_by_label", "note"]
    readonly_fields = fields
    has_add_permission = has_change_permission = has_delete_permission = lambda self, request, obj=None: False


@admin.register(NewcomerPath)
class NewcomerPathAdmin(ReadOnlyAdmin):
    list_display = ["aesh", "joined_on", "referent", "completed_at"]
    list_select_related = ["aesh", "referent"]
    raw_id_fields = ["aesh", "referent", "opened_by"]
    inlines = [NewcomerStepInline]


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "shelf_label", "pole", "departement", "added_at"]
    list_filter = ["kind"]
    list_select_related = ["pole", "departement"]
    search_fields = ["title"]
    exclude = ["file"]
    # Links are typed without a scheme as often as with; read them as https, as the pôle's form does.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(PracticeSession)
class PracticeSessionAdmin(ReadOnlyAdmin):
    list_display = ["theme", "date", "pole", "referent", "counts_as_training"]
    list_select_related = ["pole", "referent"]
    raw_id_fields = ["referent", "activity"]
