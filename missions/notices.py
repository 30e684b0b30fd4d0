"""Timetable change notices, sent through the reminders' outbox (pial.reminders).

Each notice is a pending Reminder row written in the same transaction as the change, so a
notice exists exactly when the change does, is sent once, and waits in the database while
Redis or the workers are down. No student data: the AESH's name, the slot, a link.
"""

from django.urls import reverse

from missions.models import TimetableChange
from pial.enums import Role
from pial.models import Membership
from pial.reminders import Draft

JOB = "timetable_change"


def timetable_change_drafts(change: TimetableChange) -> list[Draft]:
    pilots = list(Membership.objects.filter(role=Role.PILOT, pole_id=change.aesh.home_pole_id, user__is_active=True)
                  .values_list("user__email", flat=True).order_by("user__email"))
    return _drafts(change, pilots)


def timetable_change_drafts_many(changes: list[TimetableChange]) -> list[Draft]:
    """The drafts of many changes (a whole proposal applied), the pilots read once."""
    poles = {change.aesh.home_pole_id for change in changes}
    pilots: dict[int, list[str]] = {pole: [] for pole in poles}
    for pole, email in (Membership.objects.filter(role=Role.PILOT, pole_id__in=poles, user__is_active=True)
                        .values_list("pole_id", "user__email").order_by("user__email")):
        pilots[pole].append(email)
    return [d for change in changes for d in _drafts(change, pilots[change.aesh.home_pole_id])]


def _drafts(change: TimetableChange, pilots: list[str]) -> list[Draft]:
    aesh = change.aesh
    target = f"change:{change.pk}"
    drafts = []
    if aesh.email:
        drafts.append(Draft(job=JOB, target=target, threshold="", period="", recipient=aesh.email, template="notice",
                            context={"subject": "Votre emploi du temps a changé",
                                     "paragraphs": [f"{change.summary}.",
                                                    "Consultez votre semaine et confirmez-en la prise en compte."],
                                     "sections": [], "link": reverse("missions:my_week"),
                                     "link_label": "Voir ma semaine"}))
    for email in pilots:
        drafts.append(Draft(job=JOB, target=target, threshold="", period="", recipient=email, template="notice",
                            context={"subject": f"Emploi du temps modifié : {aesh}",
                                     "paragraphs": [f"L'emploi du temps de {aesh.first_name} "
                                                    f"{aesh.last_name.upper()} ({aesh.home_pole}) a changé : "
                                                    f"{change.summary}."],
                                     "sections": [], "link": reverse("missions:aesh_week", args=[aesh.pk]),
                                     "link_label": "Voir la semaine"}))
    return drafts
