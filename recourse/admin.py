"""Scoped admin of the recourses: read-only, journaled."""

from django.contrib import admin

from pial.admin import ScopedAdmin
from recourse.models import Recourse
from recourse.services import recourse_journal


@admin.register(Recourse)
class RecourseAdmin(ScopedAdmin):
    """Read-only, and only what the acting scope may read (the coordination: the recourses it was
    informed of; the national admin and the DSDEN: none). Opening one is journaled."""

    list_display = ["__str__", "created_at", "circonscription", "status"]
    list_filter = ["status"]
    list_select_related = ["circonscription"]
    fields = ["created_at", "circonscription", "school", "category", "subject", "student_label", "text", "status",
              "inform_coordination", "closed_at"]
    readonly_fields = fields

    def can_edit(self, request) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        recourse = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if recourse is not None and request.method == "GET":
            recourse_journal(request, recourse, "sollicitation lue (administration)")
        return super().change_view(request, object_id, form_url, extra_context)
