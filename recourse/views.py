"""Pages of « Solliciter l'IEN »: the AESH's requests and form, the inbox, one exchange.

Every page that shows a recourse, or a list of them, is journaled (RecourseRead). A recourse
outside the acting scope answers 404, whoever asks.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from aesh.models import Aesh
from pial.forms import add_service_errors, posted
from recourse import perms, selectors, services
from recourse.enums import RecourseStatus
from recourse.forms import AnswerForm, FollowUpForm, RecourseForm


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _own_aesh(request) -> Aesh | None:
    return Aesh.objects.visible_to(request.scope).first()


def my_recourses(request):
    """An AESH: their requests and their states, and the way to write a new one."""
    scope = request.scope
    _require(perms.can_send_recourse(scope))
    recourses = list(selectors.inbox(scope))
    services.recourse_journal(request, None, f"mes sollicitations ({len(recourses)})")
    return render(request, "recourse/mine.html", {"recourses": recourses})


def recourse_create(request):
    """An AESH writes to the inspector of a school where they work."""
    scope = request.scope
    _require(perms.can_send_recourse(scope))
    aesh = _own_aesh(request)
    if aesh is None:
        return render(request, "aesh/my_record_missing.html")
    schools = selectors.schools_of(aesh, timezone.localdate())
    form = RecourseForm(posted(request), schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recourse = services.recourse_send(
                aesh=aesh, school=data["school"], category=data["category"], subject=data["subject"],
                text=data["text"], student_label=data["student_label"],
                inform_coordination=data["inform_coordination"], inform_pilots=data.get("inform_pilots", False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Votre sollicitation est envoyée à l'IEN"
                             + (" ; la coordination du pôle en est informée." if recourse.inform_coordination
                                else " ; personne d'autre ne la lit."))
            if not selectors.inspectors_of(recourse.circonscription_id):
                messages.warning(request, f"Aucun·e IEN de la circonscription {recourse.circonscription} n'a encore "
                                          "de compte dans pial : votre demande l'y attend. Vous pouvez aussi joindre "
                                          "l'inspection par son secrétariat.")
            return redirect("recourse:detail", pk=recourse.pk)
    return render(request, "recourse/form.html", {"form": form, "has_schools": schools.exists()})


def inbox(request):
    """The inspector: the requests of their circonscription; the coordination and pilots: those
    the AESH chose to share with them."""
    scope = request.scope
    _require(perms.can_read_recourses(scope))
    status = request.GET.get("etat", "")
    if status not in RecourseStatus.values:
        status = ""
    recourses = list(selectors.inbox(scope, status))
    counts = selectors.status_counts(scope)
    services.recourse_journal(request, None, f"liste des sollicitations ({len(recourses)})")
    return render(request, "recourse/inbox.html", {
        "recourses": recourses, "status": status, "can_answer": perms.can_answer_recourse(scope),
        "statuses": [(value, label, counts.get(value, 0)) for value, label in RecourseStatus.choices],
    })


def recourse_detail(request, pk: int):
    """One exchange: the AESH who wrote it, the inspector (who answers), the informed coordination."""
    scope = request.scope
    _require(perms.can_send_recourse(scope) or perms.can_read_recourses(scope))
    recourse = selectors.exchange(scope).filter(pk=pk).first()
    if recourse is None:
        raise Http404
    answer = AnswerForm(posted(request) if perms.can_answer_recourse(scope) else None,
                        initial={"status": RecourseStatus.MEETING_PROPOSED
                                 if recourse.status == RecourseStatus.RECEIVED else recourse.status})
    follow_up = FollowUpForm(posted(request) if perms.can_send_recourse(scope) else None)
    if request.method == "POST":
        try:
            if perms.can_answer_recourse(scope) and answer.is_valid():
                services.recourse_answer(recourse=recourse, user=request.user, text=answer.cleaned_data["text"],
                                         status=answer.cleaned_data["status"])
                messages.success(request, "Réponse envoyée : l'AESH en est prévenu·e.")
                return redirect("recourse:detail", pk=pk)
            if perms.can_send_recourse(scope) and follow_up.is_valid():
                services.recourse_follow_up(recourse=recourse, user=request.user, text=follow_up.cleaned_data["text"])
                messages.success(request, "Message ajouté : l'IEN en est prévenu·e.")
                return redirect("recourse:detail", pk=pk)
            if not (perms.can_answer_recourse(scope) or perms.can_send_recourse(scope)):
                raise PermissionDenied
        except ValidationError as error:
            add_service_errors(answer if perms.can_answer_recourse(scope) else follow_up, error)
    services.recourse_journal(request, recourse, "sollicitation lue")
    return render(request, "recourse/detail.html", {
        "recourse": recourse, "reads": list(selectors.reads_of(recourse).select_related("user")),
        "answer_form": answer if perms.can_answer_recourse(scope) else None,
        "follow_up_form": follow_up if perms.can_send_recourse(scope)
        and recourse.status != RecourseStatus.CLOSED else None,
    })
