"""Export of the AESH list (with its filters) to CSV, XLSX or ODS."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone

from aesh import perms
from aesh.forms import AeshFilterForm
from aesh.selectors import aesh_list
from pial.spreadsheets import CONTENT_TYPES, FORMATS, export_table

HEADER = ["Nom", "Prénom", "E-mail", "Téléphone", "Pôle", "Établissements", "Contrat en cours",
          "Fin du contrat", "Heures hebdomadaires", "Quotité de référent (ETP)",
          "Heures de formation d'adaptation", "Échéance de la formation"]


def aesh_export(request, fmt: str):
    """Coordinators, pilots, gestionnaires: the list they see, as a spreadsheet."""
    scope = request.scope
    if not perms.can_view_aesh_list(scope):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise Http404
    today = timezone.localdate()
    form = AeshFilterForm(request.GET or None, scope=scope)
    queryset = aesh_list(scope, form.to_filters(), today).select_related("home_pole")
    rows = [
        [a.last_name, a.first_name, a.email, a.phone, a.home_pole.name,
         ", ".join(s.name for s in a.schools.all()), a.contract_kind_now or "", a.contract_end_now,
         a.weekly_hours_now, a.referent_now, a.adaptation_hours, a.training_due_date]
        for a in queryset
    ]
    content = export_table(fmt, HEADER, rows, "AESH")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="aesh-{today:%Y-%m-%d}.{fmt}"'
    return response
