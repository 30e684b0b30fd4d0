"""Reminder jobs about notifications: those ending in 90 and 30 days.

E-mails carry no health data: no name, no activity, no hours; only the school
and a link to the student's page, which checks who may read it.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse

from eleves.models import Notification
from pial.conf import setting
from pial.recipients import Recipients
from pial.reminders import Draft


def notification_ending(today: datetime.date) -> list[Draft]:
    thresholds = sorted(setting("REMINDER_NOTIFICATION_DAYS"))
    successor = Notification.objects.filter(student=OuterRef("student"), start_date__gt=OuterRef("end_date"))
    notifications = (
        Notification.objects.in_force_on(today)
        .filter(end_date__lte=today + datetime.timedelta(days=thresholds[-1]), student__left_on__isnull=True)
        .annotate(renewed=Exists(successor)).filter(renewed=False)
        .select_related("student__school", "student__referent")
    )
    drafts, people = [], Recipients()
    for notification in notifications:
        days_left = (notification.end_date - today).days
        threshold = min(t for t in thresholds if days_left <= t)
        school = notification.student.school
        context = {
            "subject": f"Une notification arrive à échéance pour un élève de l'école {school.name}",
            "paragraphs": [
                f"Une notification MDPH arrive à échéance le {notification.end_date:%d/%m/%Y} pour un élève de "
                f"l'établissement {school.name} ({school.city or school.uai}).",
                "Aucune demande de renouvellement n'est enregistrée : vérifiez avec la famille et l'enseignant "
                "référent que le dossier est déposé auprès de la MDPH.",
            ],
            "sections": [], "link": reverse("eleves:detail", args=[notification.student_id]),
            "link_label": "Ouvrir la fiche (connexion requise)",
        }
        recipients = set(people.coordinators_of(school.pole_id)) | set(people.referents_of_school(school.pk))
        if notification.student.referent:
            recipients.add(notification.student.referent.email)
        for email in sorted(recipients):
            drafts.append(Draft("notification_ending", f"notification:{notification.pk}", str(threshold),
                                notification.end_date.isoformat(), email, "notice", context))
    return drafts
