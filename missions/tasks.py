"""Background jobs of missions: timetable change notices (no pupil data, a link instead)."""

import smtplib

from celery import shared_task
from django.urls import reverse

from missions.models import TimetableChange
from pial.emails import build_email
from pial.enums import Role
from pial.models import Membership


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90)
def notify_timetable_change(self, change_id: int) -> int:
    change = TimetableChange.objects.select_related("aesh", "aesh__home_pole").filter(pk=change_id).first()
    if change is None:
        return 0
    aesh = change.aesh
    pilots = list(Membership.objects.filter(role=Role.PILOT, pole_id=aesh.home_pole_id, user__is_active=True)
                  .values_list("user__email", flat=True))
    sent = 0
    try:
        if aesh.email:
            build_email(template="notice", to=[aesh.email], context={
                "subject": "Votre emploi du temps a changé",
                "paragraphs": [f"{change.summary}.", "Consultez votre semaine et confirmez-en la prise en compte."],
                "sections": [], "link": reverse("missions:my_week"), "link_label": "Voir ma semaine",
            }).send()
            sent += 1
        if pilots:
            build_email(template="notice", to=pilots, context={
                "subject": f"Emploi du temps modifié : {aesh}",
                "paragraphs": [f"L'emploi du temps de {aesh.first_name} {aesh.last_name.upper()} "
                               f"({aesh.home_pole}) a changé : {change.summary}."],
                "sections": [], "link": reverse("missions:aesh_week", args=[aesh.pk]), "link_label": "Voir la semaine",
            }).send()
            sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise self.retry(exc=exc, countdown=60) from exc
    return sent
