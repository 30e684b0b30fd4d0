"""A recourse (« Solliciter l'IEN »): an AESH writes to the inspector of the circonscription of a
school where they work. Need to know: the AESH who wrote it, the inspector(s) of that
circonscription, and the coordination (or the pilots, per setting) only when the AESH chose so.
Every read is journaled (RecourseRead). No report shows more than a suppressed count.

"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from aesh.models import Aesh
from pial.enums import Role
from pial.journals import AppendOnlyModel, AppendOnlyQuerySet
from pial.models import Circonscription, School, User
from pial.scope import Scope
from recourse import rules
from recourse.enums import RecourseCategory, RecourseStatus

TEXT_MAX = 4000


class RecourseQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> RecourseQuerySet:
        """The AESH who wrote it; the inspector(s) of its circonscription; the pôle's coordination
        or pilots when the AESH chose to inform them. Nobody else, the national admin included."""
        if scope.role == Role.AESH:
            return self.filter(aesh__user_id=scope.membership.user_id, aesh__home_pole_id=scope.pole_id)
        if scope.role == Role.INSPECTOR:
            return self.filter(circonscription_id=scope.circonscription_id)
        if scope.role == Role.COORDINATOR:
            return self.filter(aesh__home_pole_id=scope.pole_id, inform_coordination=True)
        if scope.role == Role.PILOT:
            return self.filter(aesh__home_pole_id=scope.pole_id, inform_pilots=True)
        return self.none()


class Recourse(models.Model):
    aesh = models.ForeignKey(Aesh, on_delete=models.PROTECT, related_name="recourses", verbose_name="AESH")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               verbose_name="établissement concerné")
    circonscription = models.ForeignKey(Circonscription, on_delete=models.PROTECT, related_name="recourses",
                                        verbose_name="circonscription")
    category = models.CharField("au sujet de", max_length=16, choices=RecourseCategory.choices)
    subject = models.CharField("objet", max_length=120)
    student_label = models.CharField("élève concerné·e (prénom et initiale)", max_length=rules.STUDENT_LABEL_MAX,
                                   blank=True)
    text = models.TextField("votre message", max_length=TEXT_MAX)
    inform_coordination = models.BooleanField("la coordination du pôle est informée", default=False)
    inform_pilots = models.BooleanField("les pilotes du pôle sont destinataires", default=False)
    status = models.CharField("état", max_length=10, choices=RecourseStatus.choices,
                              default=RecourseStatus.RECEIVED)
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)

    objects = RecourseQuerySet.as_manager()

    class Meta:
        verbose_name = "sollicitation de l'IEN"
        verbose_name_plural = "sollicitations de l'IEN"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status=RecourseStatus.CLOSED) | Q(closed_at__isnull=False),
                                   name="recourse_closed_has_date",
                                   violation_error_message="Une sollicitation close porte sa date."),
        ]
        indexes = [models.Index(fields=["circonscription", "status", "-created_at"]),
                   models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Sollicitation n° {self.pk} ({self.get_category_display().lower()})"

    def clean(self):
        super().clean()
        if message := rules.student_label_error(self.student_label or ""):
            raise ValidationError({"student_label": message})


class RecourseMessage(models.Model):
    """A message of the exchange: the inspector's answer, or the AESH's follow-up."""

    recourse = models.ForeignKey(Recourse, on_delete=models.CASCADE, related_name="messages",
                                 verbose_name="sollicitation")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="par")
    from_inspector = models.BooleanField("de l'inspection", default=False)
    text = models.TextField("message", max_length=TEXT_MAX)
    status = models.CharField("état donné", max_length=10, choices=RecourseStatus.choices, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "message d'une sollicitation"
        verbose_name_plural = "messages des sollicitations"
        ordering = ["recourse", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Message du {self.created_at:%d/%m/%Y %H:%M}"


class RecourseReadQuerySet(AppendOnlyQuerySet):
    changed_message = "Le journal des sollicitations ne peut pas être modifié."


class RecourseRead(AppendOnlyModel):
    """Who read which recourse, or the list of them, when. Append-only."""

    changed_message = "Le journal des sollicitations ne peut pas être modifié."
    deleted_message = "Une lecture journalisée ne se supprime pas."

    recourse = models.ForeignKey(Recourse, on_delete=models.SET_NULL, null=True, related_name="reads",
                                 verbose_name="sollicitation")
    recourse_ref = models.PositiveBigIntegerField("n° de sollicitation", null=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                             verbose_name="utilisateur·rice")
    user_email = models.CharField("e-mail", max_length=254)
    role = models.CharField("rôle", max_length=20)
    detail = models.CharField("détail", max_length=200, blank=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    objects = RecourseReadQuerySet.as_manager()

    class Meta:
        verbose_name = "lecture d'une sollicitation"
        verbose_name_plural = "journal des sollicitations"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_email} {self.detail}"
