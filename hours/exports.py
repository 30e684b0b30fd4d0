"""The hours leaving pial: an AESH's monthly statement (PDF) and the pôle's month as a
spreadsheet (XLSX, ODS, CSV, formula-safe). Weeks belong to the month of their Thursday.
No student appears in either: hours are counted, not who was accompanied."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aesh.enums import AbsenceReason
from aesh.models import Aesh
from hours import perms, rules, selectors
from hours.enums import ConnexeCategory, TimesheetState
from hours.models import Timesheet
from pial.spreadsheets import CONTENT_TYPES, FORMATS, export_table


def _hours(minutes: int) -> float:
    """Decimal hours for spreadsheets (sums and pivots work on numbers)."""
    return round(minutes / 60, 2)


def _month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404


def _validated_by(sheet: Timesheet) -> str:
    if sheet.state != TimesheetState.VALIDATED:
        return ""
    who = sheet.validated_by.get_full_name() or sheet.validated_by.email if sheet.validated_by else "—"
    return f"{who}, le {timezone.localtime(sheet.validated_at):%d/%m/%Y}"


MONTH_HEADER = ["Nom", "Prénom", "Semaine (lundi)", "État", "Prévu à l'emploi du temps (h)", "Accompagnement (h)",
                "dont ajouté (h)", "Trajets (h)", *[f"Absence — {r.label} (h)" for r in AbsenceReason],
                "Heures manquantes sans motif (h)", *[f"Connexe — {c.label} (h)" for c in ConnexeCategory],
                "Formation (h)", "Validée par", "Commentaire de l'AESH"]


def month_rows(sheets) -> list[list[object]]:
    rows = []
    for sheet in sheets:
        parts = selectors.entry_breakdown(sheet)
        rows.append([
            sheet.aesh.last_name, sheet.aesh.first_name, sheet.week_start, sheet.get_state_display(),
            _hours(sheet.planned_minutes), _hours(sheet.accompaniment_minutes), _hours(sheet.extra_minutes),
            _hours(sheet.travel_minutes), *[_hours(parts["absences"][r.value]) for r in AbsenceReason],
            _hours(sheet.unexplained_minutes), *[_hours(parts["connexe"][c.value]) for c in ConnexeCategory],
            _hours(sheet.training_minutes), _validated_by(sheet), sheet.comment,
        ])
    return rows


def month_export(request, year: int, month: int, fmt: str):
    """Coordinators and pilots: every week of the pôle's AESH in a month."""
    scope = request.scope
    if not perms.can_view_hours(scope):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise Http404
    _month(year, month)
    sheets = selectors.month_sheets(Timesheet.objects.visible_to(scope), year, month)
    content = export_table(fmt, MONTH_HEADER, month_rows(sheets), f"Heures {month:02d}-{year}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="heures-{year}-{month:02d}.{fmt}"'
    return response


def _statement_response(aesh: Aesh, year: int, month: int) -> HttpResponse:
    _month(year, month)
    sheets = list(selectors.month_sheets(Timesheet.objects.filter(aesh=aesh), year, month))
    response = HttpResponse(render_statement(aesh, year, month, sheets), content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="releve-heures-{aesh.last_name.lower()}-{year}-'
                                       f'{month:02d}.pdf"')
    return response


def my_statement(request, year: int, month: int):
    """An AESH: their own monthly statement."""
    if not perms.can_declare_hours(request.scope):
        raise PermissionDenied
    aesh = Aesh.objects.visible_to(request.scope).select_related("home_pole__departement").first()
    if aesh is None:
        raise Http404
    return _statement_response(aesh, year, month)


def aesh_statement(request, pk: int, year: int, month: int):
    """Coordinators and pilots: the monthly statement of an AESH of their pôle."""
    if not perms.can_view_hours(request.scope):
        raise PermissionDenied
    aesh = get_object_or_404(Aesh.objects.visible_to(request.scope).select_related("home_pole__departement"), pk=pk)
    return _statement_response(aesh, year, month)


def render_statement(aesh: Aesh, year: int, month: int, sheets: list[Timesheet]) -> bytes:
    """The month's weeks, hours by category, who validated each week and when (reportlab)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fmt = rules.format_duration
    month_name = f"{rules.MONTHS[month - 1]} {year}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm, author="pial", lang="fr",
                            title=f"Relevé des heures — {aesh.first_name} {aesh.last_name.upper()} — {month_name}")
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=18,
                           textColor=colors.HexColor("#000091"), spaceAfter=4)
    pole = aesh.home_pole
    story = [
        Paragraph(escape(f"{pole.departement.name} — {pole.name}"), small),
        Paragraph(f"Relevé des heures de {month_name}", title),
        Paragraph(f"<b>{escape(aesh.first_name)} {escape(aesh.last_name.upper())}</b>, AESH. "
                  "Semaines rattachées au mois de leur jeudi.", body), Spacer(1, 0.4 * cm),
    ]
    header = ["Semaine", "État", "Prévu", "Accompagnement", "Trajets", "Absences motivées", "Sans motif",
              "Connexe", "Formation", "Validée par"]
    rows = [header]
    totals = dict.fromkeys(("planned", "acc", "travel", "absence", "unexplained", "connexe", "training"), 0)
    connexe = dict.fromkeys(ConnexeCategory.values, 0)
    absences = dict.fromkeys(AbsenceReason.values, 0)
    for sheet in sheets:
        parts = selectors.entry_breakdown(sheet)
        for key, value in parts["connexe"].items():
            connexe[key] += value
        for key, value in parts["absences"].items():
            absences[key] += value
        for key, field in (("planned", "planned_minutes"), ("acc", "accompaniment_minutes"),
                           ("travel", "travel_minutes"), ("absence", "absence_minutes"),
                           ("unexplained", "unexplained_minutes"), ("connexe", "connexe_minutes"),
                           ("training", "training_minutes")):
            totals[key] += getattr(sheet, field)
        rows.append([Paragraph(rules.week_label(sheet.week_start), small), sheet.get_state_display(),
                     fmt(sheet.planned_minutes), fmt(sheet.accompaniment_minutes), fmt(sheet.travel_minutes),
                     fmt(sheet.absence_minutes), fmt(sheet.unexplained_minutes), fmt(sheet.connexe_minutes),
                     fmt(sheet.training_minutes), Paragraph(escape(_validated_by(sheet) or "—"), small)])
    if not sheets:
        rows.append([Paragraph("Aucune semaine déclarée ce mois-ci.", small)] + [""] * (len(header) - 1))
    rows.append(["Total", "", fmt(totals["planned"]), fmt(totals["acc"]), fmt(totals["travel"]),
                 fmt(totals["absence"]), fmt(totals["unexplained"]), fmt(totals["connexe"]), fmt(totals["training"]),
                 ""])
    table = Table(rows, repeatRows=1, colWidths=[5.2 * cm, 2.6 * cm] + [2.2 * cm] * 7 + [4.5 * cm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5), ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#929292")),
    ]))
    story += [table, Spacer(1, 0.5 * cm), Paragraph("<b>Activités connexes déclarées, par catégorie</b>", body)]
    story.append(Paragraph(" · ".join(f"{c.label} : {fmt(connexe[c.value])}" for c in ConnexeCategory), body))
    if any(absences.values()):
        story += [Spacer(1, 0.3 * cm), Paragraph("<b>Absences, par motif</b>", body),
                  Paragraph(" · ".join(f"{r.label} : {fmt(absences[r.value])}" for r in AbsenceReason
                                       if absences[r.value]), body)]
    story += [Spacer(1, 0.5 * cm), Paragraph(
        "Les activités connexes (préparation, concertation, réunions, formation) sont rémunérées par les semaines "
        "du contrat au-delà des 36 semaines d'accompagnement ; leur déclaration est volontaire et n'est pas "
        "contrôlée heure par heure.", small),
        Paragraph(f"Relevé produit par pial le {timezone.localdate():%d/%m/%Y}.", small)]
    doc.build(story)
    return buffer.getvalue()
