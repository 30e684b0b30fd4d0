"""The report page of the acting scope, and its exports. Reading a report is journaled
like a read of student records; no page or export names a student."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from eleves.enums import JournalAction
from eleves.journal import journal
from missions.selectors import waiting_definition
from pial.models import SchoolYear
from pial.years import unknown_year_message, year_from_param, year_named
from reports import charts, db, page_cache, perms, tree, years
from reports.report import NotInReport, Report, build, chart_data, key_figures


def report_day(request) -> datetime.date:
    """?date=AAAA-MM-JJ, or ?annee=2025-2026 (that year's last day, or today within it); the
    current year for a year unknown or not yet begun (`year_error` says so)."""
    if request.GET.get("annee") and not request.GET.get("date"):
        year = year_from_param(request.GET["annee"])
        if year is not None:
            return min(year.end_date, timezone.localdate())
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()
    today = timezone.localdate()
    return day if datetime.date(2000, 1, 1) <= day <= today else today


def year_error(request) -> str:
    """Why `?annee=` is not the year shown: unknown, malformed, or not begun (a report reads
    only days gone by); "" when it is, or when ?date= is given."""
    raw = request.GET.get("annee", "")
    if not raw or request.GET.get("date"):
        return ""
    year = year_named(raw)
    if year is None:
        return unknown_year_message(raw)
    if year.start_date > timezone.localdate():
        return (f"L'année scolaire {year.name} n'a pas encore commencé : un rapport ne porte que sur des jours "
                f"passés. Voici l'année en cours.")
    return ""


# Query parameter → the kind of territory it opens inside the reader's report.
DRILL_PARAMS = (("pole", "pole"), ("circonscription", "circonscription"), ("departement", "departement"),
                ("etablissement", "school"))


def report_drill(request) -> tuple[str, int] | None:
    """The part of the reader's territory asked for with ?pole=, ?circonscription=,
    ?departement= or ?etablissement= (checked against the report's own tree by `build`)."""
    if not perms.can_view_report(request.scope):
        raise PermissionDenied
    for param, kind in DRILL_PARAMS:
        wanted = request.GET.get(param)
        if not wanted:
            continue
        if not (wanted.isascii() and wanted.isdigit()) or len(wanted) > 12:
            raise Http404
        return kind, int(wanted)
    return None


def build_report(request) -> tuple[Report, datetime.date, list[tuple[str, str]]]:
    """The report the request asks for: the reader's territory, or one of its parts; a part
    outside the reader's territory, or not below their level, answers 404. Its statements read
    on the replica when one is usable (reports.db), on the primary otherwise."""
    drill = report_drill(request)
    day = report_day(request)
    try:
        built = db.read_report(build, request.scope, day, drill)
    except NotInReport:
        raise Http404 from None
    params = [(param, str(drill[1])) for param, kind in DRILL_PARAMS if drill and kind == drill[0]]
    return built, day, params


def _year_comparison(request, day: datetime.date):
    """The report's school year, the years to choose from, and the comparison with last year."""
    year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    try:
        comparison = years.compare(request.scope, year, timezone.localdate(), drill=report_drill(request))
    except NotInReport:
        comparison = None
    return year, list(SchoolYear.objects.order_by("-start_date")), comparison


def report(request):
    """Inspectors (circonscription), gestionnaires (département), coordination and pilots
    (pôle), national admin (every département): figures, charts, exports. The body is rendered
    once per change of its data (reports.page_cache); every reading is journaled."""
    drill = report_drill(request)
    day = report_day(request)
    raw_year = "" if request.GET.get("date") else request.GET.get("annee", "")
    key = page_cache.page_key(request.scope, day, drill, raw_year, timezone.localdate())
    cached = page_cache.get(key)
    if cached is not None:
        title, body = cached
        context = {}
    else:
        context = _report_context(request)
        title, body = context["report"].title, render_to_string("reports/_report_body.html", context)
        page_cache.put(key, (title, body))
    journal(request, JournalAction.LIST, detail=f"{title.lower()} au {day:%d/%m/%Y} (chiffres agrégés)")
    return render(request, "reports/report.html", {**context, "title": title, "body": mark_safe(body)})


def _report_context(request) -> dict:
    """What the report's body shows: the report of the request, its charts and the comparison."""
    built, day, drill = build_report(request)
    data = chart_data(built)
    year, school_years, comparison = db.read_report(_year_comparison, request, day)
    return {
        "year_error": year_error(request), "comparison": comparison, "year": year, "years": school_years,
        "report": built, "day": day, "summary": built.summary,
        "coverage_chart": charts.bars("couverture", "Taux de couverture des heures notifiées", data.coverage_summary,
                                      [charts.Bar(label, value, text) for label, value, text in data.coverage]),
        "etp_chart": charts.paired_bars("etp", "ETP d'AESH disponibles et placés", data.etp_summary, data.etp,
                                        ("ETP disponibles", "ETP placés")) if data.etp else "",
        "waiting_chart": charts.line("attente", "Élèves en attente d'un·e AESH, semaine après semaine",
                                     data.waiting_summary, data.waiting, data.parts,
                                     name=built.territory) if built.evolution else "",
        "chart_data": data, "drill": drill,
        "evolution_rows": [(p, [values[i] for _, values in data.parts]) for i, p in enumerate(built.evolution)],
        "key_figures": key_figures(built), "min_students": tree.min_students(),
        "waiting_definition": waiting_definition(built.period.start),
        "export_query": urlencode([("date", day.isoformat()), *drill]),
    }
