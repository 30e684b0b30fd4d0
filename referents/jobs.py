"""Reminder of the newcomers: a référent whose newcomer has no welcome meeting after 10 school
days (setting) gets one e-mail, once (pial.reminders: unique key job × path × threshold)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from pial.calendar import is_day_off
from pial.conf import setting
from pial.models import School
from pial.recipients import Recipients
from pial.reminders import Draft
from referents import rules
from referents.enums import NewcomerStepKind
from referents.models import NewcomerPath, NewcomerStep


def newcomer_welcome(today: datetime.date) -> list[Draft]:
    """Open paths without a welcome meeting, whose newcomer arrived at least N school days ago
    (days off of the pôle's zone left out): to the path's référent, or the coordination when the
    path has none."""
    threshold = setting("NEWCOMER_WELCOME_SCHOOL_DAYS")
    # N school days hold at least N calendar days: older arrivals only, then count exactly.
    paths = (NewcomerPath.objects.filter(completed_at__isnull=True, joined_on__lte=today - datetime.timedelta(
        days=threshold))
        .annotate(met=Exists(NewcomerStep.objects.filter(path=OuterRef("pk"), kind=NewcomerStepKind.WELCOME_MEETING)),
                  zone=Subquery(School.objects.filter(pole=OuterRef("aesh__home_pole")).exclude(zone="")
                                .values("zone")[:1]))
        .filter(met=False).select_related("aesh", "referent__user"))
    drafts, people = [], Recipients()
    for path in paths:
        zone = path.zone or ""
        days = rules.school_days_between(path.joined_on, today, lambda d, z=zone: is_day_off(d, z))
        if days < threshold:
            continue
        newcomer = f"{path.aesh.first_name} {path.aesh.last_name.upper()}"
        referent = path.referent
        email = (referent.user.email if referent and referent.user_id else referent.email if referent else "")
        recipients = [email] if email else people.coordinators_of(path.aesh.home_pole_id)
        context = {
            "subject": f"Accueil de {newcomer} : pas encore de rencontre d'accueil",
            "paragraphs": [
                f"{newcomer} est arrivé·e dans le pôle le {path.joined_on:%d/%m/%Y}, il y a {days} jours d'école, "
                "et aucune rencontre d'accueil n'est notée sur son parcours.",
                "Une rencontre dans les premiers jours aide beaucoup : fonctionnement des établissements, démarches, "
                "formation d'adaptation." if email else
                "Aucun·e AESH référent·e n'est désigné·e pour ce parcours : choisissez-en un·e, ou notez la rencontre.",
            ],
            "sections": [], "link": reverse("referents:path", args=[path.pk]),
            "link_label": "Ouvrir le parcours d'accueil (connexion requise)",
        }
        for recipient in recipients:
            drafts.append(Draft("newcomer_welcome", f"newcomer:{path.pk}", f"{threshold}j", path.joined_on.isoformat(),
                                recipient, "notice", context))
    return drafts
