"""Writes of a recourse: sending, answering, following up, journaling reads. E-mails say only
that something is waiting in pial: never the text, the category, the school or a name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pial import figures
from pial.conf import setting
from pial.enums import Role
from pial.models import Membership
from pial.reminders import Draft, schedule
from recourse import rules, selectors
from recourse.enums import RecourseStatus
from recourse.models import Recourse, RecourseMessage, RecourseRead


def _notice(job: str, recourse: Recourse, threshold: str, emails: list[str], subject: str, paragraph: str,
            link: str) -> None:
    context = {"subject": subject, "paragraphs": [paragraph], "sections": [], "link": link,
               "link_label": "Ouvrir pial (connexion requise)"}
    schedule([Draft(job, f"recourse:{recourse.pk}", threshold, timezone.localdate().isoformat(), email, "notice",
                    context) for email in emails])


def _pole_emails(pole_id: int, role: str) -> list[str]:
    return sorted(set(Membership.objects.filter(role=role, pole_id=pole_id, user__is_active=True)
                      .values_list("user__email", flat=True)))


@transaction.atomic
def recourse_send(*, aesh, school, category: str, subject: str, text: str, student_label: str = "",
                  inform_coordination: bool = False, inform_pilots: bool = False) -> Recourse:
    """Sends the recourse to the inspector(s) of the school's circonscription."""
    today = timezone.localdate()
    if not selectors.schools_of(aesh, today).filter(pk=school.pk).exists():
        raise ValidationError({"school": "Choisissez un établissement où vous travaillez."})
    circonscription = selectors.circonscription_of(school)
    if circonscription is None:
        raise ValidationError({"school": "Cet établissement n'est rattaché à aucune circonscription dans pial : "
                                         "la sollicitation ne peut pas lui être adressée. Signalez-le à la DSDEN."})
    if inform_pilots and not setting("RECOURSE_TO_PILOTS"):
        inform_pilots = False
    recourse = Recourse(aesh=aesh, school=school, circonscription=circonscription, category=category,
                        subject=subject.strip(), text=text.strip(),
                        student_label=rules.normalized_student_label(student_label) if not rules.student_label_error(
                            student_label) else student_label,
                        inform_coordination=inform_coordination, inform_pilots=inform_pilots)
    recourse.full_clean()
    with figures.writes(circonscription_ids=[circonscription.pk]):  # its reports only (reports.recourses)
        recourse.save()
    link = reverse("recourse:detail", args=[recourse.pk])
    _notice("recourse_received", recourse, "sent", selectors.inspectors_of(circonscription.pk),
            "Une sollicitation d'un·e AESH vous attend",
            "Un·e AESH vous adresse une sollicitation. Son contenu se lit dans pial seulement.", link)
    if inform_coordination:
        _notice("recourse_received", recourse, "coordination", _pole_emails(aesh.home_pole_id, Role.COORDINATOR),
                "Un·e AESH vous informe d'une sollicitation de l'IEN",
                "Un·e AESH a choisi de vous tenir informé·e d'une sollicitation adressée à l'IEN.", link)
    if inform_pilots:
        _notice("recourse_received", recourse, "pilots", _pole_emails(aesh.home_pole_id, Role.PILOT),
                "Une sollicitation d'un·e AESH vous est adressée",
                "Un·e AESH vous adresse, ainsi qu'à l'IEN, une sollicitation.", link)
    return recourse


def _locked(recourse: Recourse) -> Recourse:
    return Recourse.objects.select_for_update().get(pk=recourse.pk)


def _message_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Écrivez votre message."})
    return text


@transaction.atomic
def recourse_answer(*, recourse: Recourse, user, text: str, status: str) -> RecourseMessage:
    """The inspector answers and sets the state (reçue, entretien proposé, close)."""
    recourse = _locked(recourse)
    if recourse.status == RecourseStatus.CLOSED and status == RecourseStatus.CLOSED:
        raise ValidationError({"status": "La sollicitation est déjà close : choisissez un autre état pour la "
                                         "rouvrir."})
    if status not in RecourseStatus.values:
        raise ValidationError({"status": "Choisissez un état de la liste."})
    message = RecourseMessage(recourse=recourse, author=user, from_inspector=True, text=_message_text(text),
                              status=status)
    message.full_clean()
    message.save()
    recourse.status = status
    recourse.closed_at = timezone.now() if status == RecourseStatus.CLOSED else None
    with figures.writes(circonscription_ids=[recourse.circonscription_id]):
        recourse.save(update_fields=["status", "closed_at", "updated_at"])
    email = recourse.aesh.user.email if recourse.aesh.user_id else recourse.aesh.email
    if email:
        _notice("recourse_answered", recourse, f"message:{message.pk}", [email],
                "L'IEN a répondu à votre sollicitation",
                "L'inspection a répondu à votre sollicitation. La réponse se lit dans pial.",
                reverse("recourse:detail", args=[recourse.pk]))
    return message


@transaction.atomic
def recourse_follow_up(*, recourse: Recourse, user, text: str) -> RecourseMessage:
    """The AESH adds a message to an exchange that is not closed."""
    recourse = _locked(recourse)
    if recourse.status == RecourseStatus.CLOSED:
        raise ValidationError("Cette sollicitation est close : écrivez une nouvelle sollicitation si besoin.")
    message = RecourseMessage(recourse=recourse, author=user, from_inspector=False, text=_message_text(text))
    message.full_clean()
    message.save()
    with figures.writes(circonscription_ids=[recourse.circonscription_id]):
        recourse.save(update_fields=["updated_at"])
    _notice("recourse_followed_up", recourse, f"message:{message.pk}",
            selectors.inspectors_of(recourse.circonscription_id), "Un·e AESH complète sa sollicitation",
            "Un·e AESH a ajouté un message à sa sollicitation. Il se lit dans pial.",
            reverse("recourse:detail", args=[recourse.pk]))
    return message


def recourse_journal(request, recourse: Recourse | None, detail: str) -> RecourseRead:
    """Every read of a recourse, or of a list of them, leaves a line: who, when, which."""
    return RecourseRead.objects.create(
        recourse=recourse, recourse_ref=recourse.pk if recourse else None, user=request.user,
        user_email=request.user.email, role=request.scope.role, detail=detail[:200])
