"""The report leaving pial: XLSX, ODS, CSV (formula-safe, one sheet a table) and a PDF of
the whole report with its charts. Every number comes from the same cells as the page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.contrib import messages
from django.http import Http404, HttpResponse

from eleves.enums import JournalAction
from eleves.journal import journal
from pial.spreadsheets import CONTENT_TYPES, export_sheets
from reports.report import HIDDEN_LABEL, Report, Table, cell, chart_data
from reports.views import build_report, report_drill, year_error

FORMATS = ("xlsx", "ods", "csv", "pdf")


def _sheet(table: Table) -> tuple[str, list[str], list[list[object]]]:
    header = [table.first_header, *[c.label for c in table.columns]]
    rows = [[row.label, *[cell(row, c).value if not cell(row, c).hidden else cell(row, c).text
                          for c in table.columns]] for row in table.all_rows]
    return table.title, header, rows


def sheets_of(report: Report) -> list[tuple[str, list[str], list[list[object]]]]:
    sheets = [_sheet(t) for t in report.student_tables]
    if report.aesh_table:
        sheets.append(_sheet(report.aesh_table))
    if report.recourse_table:
        sheets.append(_sheet(report.recourse_table))
    if report.evolution:
        weeks = [[p["week_start"], HIDDEN_LABEL if p["waiting"] is None else p["waiting"],
                  HIDDEN_LABEL if p["coverage"] is None else p["coverage"]] for p in report.evolution]
        sheets.append(("Semaine après semaine", ["Semaine du", "Élèves en attente", "Taux de couverture (%)"], weeks))
    return sheets


def report_export(request, fmt: str):
    if fmt not in FORMATS:
        report_drill(request)  # refuses a reader without a report first
        raise Http404
    report, day, _ = build_report(request)
    if error := year_error(request):  # the file is the current year's; the next page says why
        messages.warning(request, error)
    journal(request, JournalAction.LIST, detail=f"export {fmt.upper()} : {report.title.lower()} au {day:%d/%m/%Y}")
    if fmt == "pdf":
        response = HttpResponse(render_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(export_sheets(fmt, sheets_of(report)), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="rapport-{report.level}-{day:%Y-%m-%d}.{fmt}"'
    return response


def render_pdf(report: Report) -> bytes:
    """The whole report, landscape A4: key figures, the three charts, every table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=1.2 * cm, rightMargin=1.2 * cm,
                            topMargin=1.2 * cm, bottomMargin=1.2 * cm, author="pial", lang="fr",
                            title=f"{report.title} — {report.territory} — {report.day_label}")
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=9)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=19,
                           textColor=colors.HexColor("#000091"))
    heading = ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=15,
                             spaceBefore=8, spaceAfter=4)
    data = chart_data(report)
    story = [Paragraph(escape(f"{report.title} — {report.territory}"), title),
             Paragraph(f"Situation au {report.day_label}. Chiffres agrégés : aucun nom d'élève ; un effectif de "
                       f"1 à {report.threshold - 1} élèves n'est pas publié, ni ce qui permettrait de le retrouver : "
                       f"ces cases portent toutes la mention « {HIDDEN_LABEL} ».", body),
             *[Paragraph(escape(note), body) for note in report.notes],
             Spacer(1, 0.3 * cm), Paragraph("Taux de couverture des heures notifiées", heading),
             _bars_drawing(data.coverage), Paragraph(escape(data.coverage_summary), small),
             Paragraph("Élèves en attente, semaine après semaine", heading), _line_drawing(data.waiting),
             Paragraph(escape(data.waiting_summary), small), Paragraph("ETP d'AESH disponibles et placés", heading),
             _pairs_drawing(data.etp), PageBreak()]
    for table in [*report.student_tables, *([report.aesh_table] if report.aesh_table else []),
                  *([report.recourse_table] if report.recourse_table else [])]:
        story.append(Paragraph(escape(table.title), heading))
        header = [Paragraph(f"<b>{escape(table.first_header)}</b>", small),
                  *[Paragraph(f"<b>{escape(c.label)}</b>", small) for c in table.columns]]
        rows = [[Paragraph(escape(row.label), small), *[cell(row, c).text for c in table.columns]]
                for row in table.all_rows]
        pdf_table = PdfTable([header, *rows], repeatRows=1)
        pdf_table.setStyle([("FONT", (0, 1), (-1, -1), "Helvetica", 7), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#929292")),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                            *([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7)] if table.total else [])])
        story += [pdf_table, Spacer(1, 0.4 * cm)]
    doc.build(story)
    return buffer.getvalue()


def _bars_drawing(items):
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    items = items[:25]
    drawing = Drawing(760, 16 * len(items) + 6)
    for index, (label, value, text) in enumerate(items):
        y = drawing.height - 16 * (index + 1)
        drawing.add(String(0, y + 3, label[:40], fontName="Helvetica", fontSize=7))
        drawing.add(Rect(200, y + 1, 480, 11, fillColor=colors.HexColor("#eeeeee"), strokeColor=None))
        if value is not None:
            drawing.add(Rect(200, y + 1, 4.8 * min(value, 100), 11, fillColor=colors.HexColor("#000091"),
                             strokeColor=None))
        drawing.add(String(690, y + 3, text, fontName="Helvetica", fontSize=7))
    return drawing


def _pairs_drawing(items):
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    items = items[:20]
    top = max([max(a, b or 0) for _, a, b in items] + [1])
    drawing = Drawing(760, 22 * len(items) + 6)
    for index, (label, available, placed) in enumerate(items):
        y = drawing.height - 22 * (index + 1)
        drawing.add(String(0, y + 8, label[:40], fontName="Helvetica", fontSize=7))
        drawing.add(Rect(200, y + 10, 460 * available / top, 8, fillColor=colors.HexColor("#cacafb"),
                         strokeColor=colors.HexColor("#000091")))
        if placed is not None:
            drawing.add(Rect(200, y + 1, 460 * placed / top, 8, fillColor=colors.HexColor("#000091"),
                             strokeColor=None))
        shown = HIDDEN_LABEL if placed is None else f"{placed:.1f}".replace(".", ",")
        drawing.add(String(670, y + 5, f"{available:.1f}".replace(".", ",") + f" / {shown} ETP",
                           fontName="Helvetica", fontSize=7))
    return drawing


def _line_drawing(points):
    from reportlab.graphics.shapes import Drawing, PolyLine, String
    from reportlab.lib import colors

    drawing = Drawing(760, 120)
    values = [v for _, v in points if v is not None]
    if not values:
        drawing.add(String(0, 60, "Pas encore de chiffres hebdomadaires.", fontName="Helvetica", fontSize=8))
        return drawing
    top = max([*values, 1])
    step = 700 / max(len(points) - 1, 1)
    segment: list[float] = []
    for index, (day, value) in enumerate(points):
        if value is None:
            if len(segment) > 2:
                drawing.add(PolyLine(segment, strokeColor=colors.HexColor("#000091"), strokeWidth=1.5))
            segment = []
            continue
        segment += [40 + index * step, 15 + 95 * value / top]
        if index % max(len(points) // 6, 1) == 0:
            drawing.add(String(40 + index * step - 10, 2, f"{day:%d/%m}", fontName="Helvetica", fontSize=6))
    if len(segment) > 2:
        drawing.add(PolyLine(segment, strokeColor=colors.HexColor("#000091"), strokeWidth=1.5))
    drawing.add(String(0, 105, f"max. {top}", fontName="Helvetica", fontSize=6))
    return drawing
