"""Mission letters of AESH référents: preparation, signature by the pilots, PDF."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from missions import perms, services
from missions.forms import MissionLetterEditForm, MissionLetterForm
from missions.models import LetterState, MissionLetter
from pial.enums import Role
from pial.forms import add_service_errors, posted
from pial.models import Membership


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _letters(scope):
    return MissionLetter.objects.visible_to(scope).select_related("referent", "pole", "school_year")


def letter_list(request):
    scope = request.scope
    _require(perms.can_view_letters(scope))
    return render(request, "missions/letter_list.html", {
        "letters": _letters(scope).prefetch_related("signatures__pilot"),
        "can_prepare": perms.can_prepare_letters(scope),
    })


def letter_create(request):
    scope = request.scope
    _require(perms.can_prepare_letters(scope))
    form = MissionLetterForm(posted(request), scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_create(referent=form.cleaned_data["referent"],
                                            school_year=form.cleaned_data["school_year"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Lettre préparée : relisez les missions, puis faites-la signer par les pilotes.")
            return redirect("missions:letter", pk=letter.pk)
    return render(request, "missions/form.html", {"form": form, "title": "Nouvelle lettre de mission",
                                                  "back": "missions:letters"})


def letter_detail(request, pk: int):
    scope = request.scope
    _require(perms.can_view_letters(scope))
    letter = get_object_or_404(_letters(scope).prefetch_related("signatures__pilot"), pk=pk)
    editable = perms.can_prepare_letters(scope) and letter.state == LetterState.DRAFT
    form = MissionLetterEditForm(posted(request), instance=letter) if editable else None
    if form and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Missions mises à jour.")
        return redirect("missions:letter", pk=letter.pk)
    signed = {s.pilot_id for s in letter.signatures.all()}
    pilots = Membership.objects.filter(role=Role.PILOT, pole_id=letter.pole_id).select_related("user")
    return render(request, "missions/letter_detail.html", {
        "letter": letter, "form": form, "pilots": [(m.user, m.user_id in signed) for m in pilots],
        "can_sign": perms.can_sign_letters(scope) and request.user.pk not in signed
        and letter.state != LetterState.IN_FORCE,
    })


@require_POST
def letter_sign(request, pk: int):
    scope = request.scope
    _require(perms.can_sign_letters(scope))
    letter = get_object_or_404(_letters(scope), pk=pk)
    try:
        letter = services.letter_sign(letter=letter, pilot=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Signature enregistrée." + (" La lettre est en vigueur." if letter.state ==
                                                               LetterState.IN_FORCE else ""))
    return redirect("missions:letter", pk=pk)


def letter_pdf(request, pk: int):
    """The signed letter as a PDF; a letter not yet in force has none."""
    scope = request.scope
    _require(perms.can_view_letters(scope))
    letter = get_object_or_404(_letters(scope).prefetch_related("signatures__pilot"), pk=pk)
    if letter.state != LetterState.IN_FORCE:
        raise Http404
    response = HttpResponse(render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettre-de-mission-{letter.referent.last_name}.pdf"'
    return response


def render_pdf(letter: MissionLetter) -> bytes:
    """An official-looking letter, drawn with reportlab (pure Python: nothing to install)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=str(letter), author="pial", lang="fr")
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=10.5, leading=15)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor=colors.HexColor("#3a3a3a"))
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=20,
                           textColor=colors.HexColor("#000091"), spaceAfter=6)
    referent, pole = letter.referent, letter.pole
    quotite = f"{letter.referent_quotite.normalize():f}".replace(".", ",")
    header = Table([[Paragraph("<b>MINISTÈRE<br/>DE L'ÉDUCATION<br/>NATIONALE</b><br/><i>Liberté<br/>Égalité<br/>"
                               "Fraternité</i>", small),
                     Paragraph(f"Direction des services départementaux de l'éducation nationale<br/>"
                               f"{escape(pole.departement.name)}<br/>{escape(pole.name)}", small)]],
                   colWidths=[5 * cm, 11.6 * cm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBEFORE", (0, 0), (0, 0), 3, colors.HexColor("#000091"))]))
    story = [header, Spacer(1, 1 * cm), Paragraph("Lettre de mission — AESH référent·e", title),
             Paragraph(f"Année scolaire {escape(letter.school_year.name)}", body), Spacer(1, 0.4 * cm),
             Paragraph(f"<b>{escape(referent.first_name)} {escape(referent.last_name.upper())}</b>, "
                       "accompagnant·e d'élèves en situation de handicap, est désigné·e AESH référent·e du "
                       f"{pole.get_kind_display()} "
                       f"« {escape(pole.name)} » pour une quotité de <b>{quotite} ETP</b>, inscrite à son contrat par "
                       "avenant (arrêté du 29 juillet 2020, circulaire n° 2019-088).", body),
             Spacer(1, 0.4 * cm), Paragraph("Dans ce cadre, ses missions sont les suivantes :", body),
             ListFlowable([ListItem(Paragraph(escape(line), body), leftIndent=12) for line in letter.mission_lines],
                          bulletType="bullet", start="•", leftIndent=12),
             Spacer(1, 0.4 * cm),
             Paragraph("Le temps de référent s'exerce en lien avec le coordonnateur ou la coordonnatrice du pôle et "
                       "sous l'autorité des pilotes, qui signent la présente lettre.", body),
             Spacer(1, 1 * cm)]
    signatures = [[Paragraph(f"<b>{escape(s.pilot.get_full_name() or s.pilot.email)}</b><br/>Pilote du pôle<br/>"
                             f"Signé le {s.signed_at:%d/%m/%Y}", body)] for s in letter.signatures.all()]
    story.append(Table(signatures or [[""]], colWidths=[8 * cm]))
    doc.build(story)
    return buffer.getvalue()
