"""The report page of the acting scope, and its exports. Reading a report is journaled
like a read of pupil records; no page or export names a pupil."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from eleves.enums import JournalAction
from eleves.journal import journal
from pial.enums import Role
from pial.models import Circonscription, Departement, Membership, Pole
from pial.scope import Scope
from reports import charts, perms
from reports.report import build, chart_data


def report_day(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()
    today = timezone.localdate()
    return day if datetime.date(2000, 1, 1) <= day <= today else today


DRILL_PARAMS = ("pole", "circonscription", "departement")


# Which parts of its territory a level may open on their own: always lower levels.
DRILLS = {"national": ("departement", "circonscription", "pole"), "departement": ("circonscription", "pole"),
          "circonscription": ("pole",), "pole": ()}


def report_scope(request) -> Scope:
    """The acting scope, or one of its parts asked for with ?departement=, ?circonscription=
    or ?pole= (a territory outside the acting scope, or not below its level, answers 404)."""
    scope = request.scope
    if not perms.can_view_report(scope):
        raise PermissionDenied
    level = "national" if scope.is_national else perms.report_level(scope)
    for param, model, role, field in (("pole", Pole, Role.COORDINATOR, "pole"),
                                      ("circonscription", Circonscription, Role.INSPECTOR, "circonscription"),
                                      ("departement", Departement, Role.GESTIONNAIRE, "departement")):
        wanted = request.GET.get(param)
        if not wanted:
            continue
        if param not in DRILLS[level] or not wanted.isdigit():
            raise Http404
        territory = model.objects.visible_to(scope).filter(pk=int(wanted)).first()
        if territory is None:
            raise Http404
        return Scope.of(Membership(role=role, **{field: territory}))
    return scope


def report(request):
    """Inspectors (circonscription), gestionnaires (département), coordination and pilots
    (pôle), national admin (every département): figures, charts, exports."""
    scope = report_scope(request)
    day = report_day(request)
    built = build(scope, day)
    journal(request, JournalAction.LIST, detail=f"{built.title.lower()} au {day:%d/%m/%Y} (chiffres agrégés)")
    data = chart_data(built)
    drill = [(name, request.GET[name]) for name in DRILL_PARAMS if request.GET.get(name)]
    return render(request, "reports/report.html", {
        "report": built, "day": day,
        "coverage_chart": charts.bars("couverture", "Taux de couverture des heures notifiées", data.coverage_summary,
                                      [charts.Bar(label, value, text) for label, value, text in data.coverage]),
        "etp_chart": charts.paired_bars("etp", "ETP d'AESH disponibles et placés", data.etp_summary, data.etp,
                                        ("ETP disponibles", "ETP placés")),
        "waiting_chart": charts.line("attente", "Élèves en attente d'un·e AESH, semaine après semaine",
                                     data.waiting_summary, data.waiting),
        "chart_data": data, "drill": drill,
        "export_query": urlencode([("date", day.isoformat()), *drill]),
    })
