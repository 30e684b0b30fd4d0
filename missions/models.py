"""Assignments of AESH to pupils or ULIS units.

This first version carries what the need-to-know rules require (who
accompanies whom, from when to when); the missions issue adds time slots,
rule checks and coverage on top of it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from aesh.models import Aesh
from eleves.models import Student, Ulis


class AssignmentKind(models.TextChoices):
    INDIVIDUELLE = "INDIVIDUELLE", "Aide individuelle"
    MUTUALISEE = "MUTUALISEE", "Aide mutualisée"
    COLLECTIVE = "COLLECTIVE", "Aide collective (ULIS)"


class AssignmentQuerySet(models.QuerySet):
    def current_on(self, day: datetime.date) -> AssignmentQuerySet:
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class Assignment(models.Model):
    aesh = models.ForeignKey(Aesh, on_delete=models.PROTECT, related_name="assignments", verbose_name="AESH")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="assignments", verbose_name="élève")
    ulis = models.ForeignKey(Ulis, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments",
                             verbose_name="ULIS")
    kind = models.CharField("type", max_length=12, choices=AssignmentKind.choices)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "affectation"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(student__isnull=False) & Q(ulis__isnull=True) & ~Q(kind=AssignmentKind.COLLECTIVE))
                | (Q(student__isnull=True) & Q(ulis__isnull=False) & Q(kind=AssignmentKind.COLLECTIVE)),
                name="assignment_student_or_ulis",
                violation_error_message="Une affectation concerne un·e élève (aide individuelle ou mutualisée) "
                "ou une ULIS (aide collective).",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_after_start",
                violation_error_message="La fin de l'affectation doit suivre son début.",
            ),
        ]
        indexes = [models.Index(fields=["aesh", "start_date"])]

    def __str__(self) -> str:
        target = self.student or self.ulis
        return f"{self.aesh} → {target} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin de l'affectation doit suivre son début."})
