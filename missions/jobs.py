"""Reminder jobs that look at assignments: ended notifications still assigned, and the
weekly coordinator digest (one e-mail, not many)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from aesh.jobs import late_on_training
from aesh.models import Contract
from eleves.models import Notification, Student
from missions.models import Assignment
from pial.enums import Role
from pial.models import Membership, Reminder
from pial.recipients import Recipients
from pial.reminders import Draft


def _current_assignment(day: datetime.date):
    return Exists(Assignment.objects.filter(student=OuterRef("pk")).current_on(day))


def _in_force(day: datetime.date):
    return Exists(Notification.objects.filter(student=OuterRef("pk")).in_force_on(day))


def waiting_students(pole_id: int, day: datetime.date):
    """Students with a notification in force and no current assignment."""
    return (Student.objects.filter(school__pole_id=pole_id, left_on__isnull=True)
            .annotate(notified=_in_force(day), assigned=_current_assignment(day))
            .filter(notified=True, assigned=False))


def notification_ended_assigned(today: datetime.date) -> list[Draft]:
    """Students still assigned an AESH although no notification is in force any more."""
    students = (Student.objects.annotate(notified=_in_force(today), assigned=_current_assignment(today))
                .filter(notified=False, assigned=True, notifications__end_date__lt=today)
                .select_related("school").prefetch_related("notifications").distinct())
    drafts, people = [], Recipients()
    for student in students:
        last_end = max(n.end_date for n in student.notifications.all() if n.end_date < today)
        context = {
            "subject": f"Affectation sans notification en vigueur — école {student.school.name}",
            "paragraphs": [
                f"Un élève de l'établissement {student.school.name} a toujours un·e AESH affecté·e alors que sa "
                f"notification a pris fin le {last_end:%d/%m/%Y}.",
                "Vérifiez si un renouvellement est en cours, ou mettez fin à l'affectation.",
            ],
            "sections": [], "link": reverse("eleves:detail", args=[student.pk]),
            "link_label": "Ouvrir la fiche (connexion requise)",
        }
        for email in people.coordinators_of(student.school.pole_id):
            drafts.append(Draft("notification_ended_assigned", f"student:{student.pk}", "ended",
                                last_end.isoformat(), email, "notice", context))
    return drafts


def weekly_digest(today: datetime.date) -> list[Draft]:
    """Monday digest for each coordinator: waiting list and its change, contracts and
    notifications ending, AESH late on the 60 hours."""
    year, week, _ = today.isocalendar()
    period = f"{year}-S{week:02d}"
    drafts = []
    memberships = Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).select_related("user",
                                                                                                          "pole")
    for membership in memberships:
        pole = membership.pole
        waiting = list(waiting_students(pole.pk, today).values_list("pk", flat=True))
        previous = (Reminder.objects.filter(job="weekly_digest", target=f"membership:{membership.pk}")
                    .exclude(period=period).order_by("-created_at").first())
        before = set(previous.payload.get("waiting", [])) if previous else set()
        joined, left = len(set(waiting) - before), len(before - set(waiting))
        by_school = (Student.objects.filter(pk__in=waiting).values("school__name").annotate(n=Count("pk"))
                     .order_by("school__name"))
        contracts = (Contract.objects.filter(aesh__home_pole=pole, end_date__gte=today,
                                             end_date__lte=today + datetime.timedelta(days=60))
                     .select_related("aesh").order_by("end_date"))
        ending = (Notification.objects.in_force_on(today)
                  .filter(student__school__pole=pole, end_date__lte=today + datetime.timedelta(days=30))
                  .values("student__school__name").annotate(n=Count("pk")).order_by("student__school__name"))
        late = late_on_training(today).filter(home_pole=pole).order_by("last_name")
        context = {
            "subject": f"Synthèse de la semaine — {pole.name}",
            "paragraphs": [
                f"{len(waiting)} élève(s) notifié(s) attendent un·e AESH "
                f"({joined} de plus et {left} de moins que la semaine dernière)." if previous else
                f"{len(waiting)} élève(s) notifié(s) attendent un·e AESH.",
            ],
            "sections": [
                {"title": "Élèves en attente, par établissement",
                 "items": [f"{row['school__name']} : {row['n']}" for row in by_school]},
                {"title": "Contrats se terminant dans les 60 jours",
                 "items": [f"{c.aesh} — fin le {c.end_date:%d/%m/%Y}" for c in contracts]},
                {"title": "Notifications arrivant à échéance dans les 30 jours, par établissement",
                 "items": [f"{row['student__school__name']} : {row['n']}" for row in ending]},
                {"title": "AESH en retard sur les 60 heures de formation",
                 "items": [f"{a} — {a.adaptation.normalize():f} h suivies" for a in late]},
            ],
            "link": reverse("home"), "link_label": "Ouvrir pial",
        }
        drafts.append(Draft("weekly_digest", f"membership:{membership.pk}", "weekly", period, membership.user.email,
                            "notice", context, payload={"waiting": waiting}))
    return drafts
