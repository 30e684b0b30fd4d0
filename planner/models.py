"""The planner's inputs kept in the database (class timetables, unavailabilities, pairing
wishes) and its runs. Absence periods are the AESH's (aesh.Absence)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from aesh.models import Aesh
from eleves.models import Student
from missions import rules
from pial.enums import Role
from pial.models import Pole, School, User
from pial.scope import Scope

WEEKDAYS = [(i, name.capitalize()) for i, name in enumerate(rules.WEEKDAYS[:5])]
WEEKS = [(rules.EVERY_WEEK, "Toutes les semaines"), (rules.WEEK_A, "Semaine A"), (rules.WEEK_B, "Semaine B")]


class PoleScopedQuerySet(models.QuerySet):
    pole_path = ""

    def visible_to(self, scope: Scope):
        """The pôle's coordinators and pilots; nobody else."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(**{self.pole_path: scope.pole_id})
        return self.none()


class CourseQuerySet(PoleScopedQuerySet):
    pole_path = "school__pole_id"


class ClassCourse(models.Model):
    """A course of a class's weekly timetable, or of one student's own timetable (which then
    replaces their class's). The planner places AESH on whole courses."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="courses",
                               verbose_name="établissement")
    class_name = models.CharField("classe", max_length=50, blank=True)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, null=True, blank=True, related_name="courses",
                                verbose_name="élève (emploi du temps individuel)")
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAYS)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")
    week = models.CharField("semaines", max_length=1, choices=WEEKS, blank=True, default="")
    subject = models.CharField("matière", max_length=80, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        db_table = "missions_classcourse"  # kept from when missions held it: no row moved
        verbose_name = "cours"
        verbose_name_plural = "emplois du temps de classe"
        ordering = ["school", "class_name", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="course_end_after_start",
                                   violation_error_message="La fin du cours doit suivre son début."),
            models.CheckConstraint(condition=~Q(class_name="") | Q(student__isnull=False),
                                   name="course_class_or_student",
                                   violation_error_message="Indiquez la classe, ou l'élève pour un emploi du temps "
                                                           "individuel."),
        ]
        indexes = [models.Index(fields=["school", "class_name"])]

    def __str__(self) -> str:
        who = self.class_name or "emploi du temps individuel"
        week = f" (semaine {self.week})" if self.week else ""
        return (f"{who} — {rules.WEEKDAYS[self.weekday]} {self.start_time:%H:%M}–{self.end_time:%H:%M}{week}"
                f"{' ' + self.subject if self.subject else ''}")


class AeshPoleQuerySet(PoleScopedQuerySet):
    """Records of an AESH: scoped by the AESH's home pôle."""

    pole_path = "aesh__home_pole_id"


class Unavailability(models.Model):
    """A weekly time when an AESH cannot be placed (another job, a fixed commitment)."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="unavailabilities", verbose_name="AESH")
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAYS)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")
    week = models.CharField("semaines", max_length=1, choices=WEEKS, blank=True, default="")
    label = models.CharField("précision", max_length=120, blank=True, help_text="Sans donnée de santé.")

    objects = AeshPoleQuerySet.as_manager()

    class Meta:
        db_table = "missions_unavailability"  # kept from when missions held it: no row moved
        verbose_name = "indisponibilité"
        ordering = ["aesh", "weekday", "start_time"]
        constraints = [models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                              name="unavailability_end_after_start",
                                              violation_error_message="La fin doit suivre le début.")]

    def __str__(self) -> str:
        return f"{self.aesh} — {rules.WEEKDAYS[self.weekday]} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class WishKind(models.TextChoices):
    FORBID = "FORBID", "À éviter (jamais ensemble)"
    IMPOSE = "IMPOSE", "À imposer"
    PREFER = "PREFER", "À privilégier"


class PairingWish(models.Model):
    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="pairing_wishes", verbose_name="AESH")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="pairing_wishes",
                                verbose_name="élève")
    kind = models.CharField("souhait", max_length=6, choices=WishKind.choices)

    objects = AeshPoleQuerySet.as_manager()

    class Meta:
        db_table = "missions_pairingwish"  # kept from when missions held it: no row moved
        verbose_name = "souhait d'appariement"
        verbose_name_plural = "souhaits d'appariement"
        constraints = [models.UniqueConstraint(fields=["aesh", "student"], name="wish_one_per_pair",
                                               violation_error_message="Un souhait existe déjà pour ce binôme.")]

    def __str__(self) -> str:
        return f"{self.aesh} / {self.student} : {self.get_kind_display()}"


class RunState(models.TextChoices):
    QUEUED = "QUEUED", "En attente"
    RUNNING = "RUNNING", "En cours"
    DONE = "DONE", "Proposition prête"
    CANCELLED = "CANCELLED", "Annulé"
    FAILED = "FAILED", "Échec"


class RunQuerySet(PoleScopedQuerySet):
    pole_path = "pole_id"


class PlannerRun(models.Model):
    """One run of the planner for a pôle: its weights, progress and proposal."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="planner_runs", verbose_name="pôle")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name="lancé par")
    created_at = models.DateTimeField("lancé le", auto_now_add=True)
    start_date = models.DateField("créneaux à partir du")
    weights = models.JSONField("poids", default=dict)
    state = models.CharField("état", max_length=9, choices=RunState.choices, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    step = models.CharField("étape", max_length=120, blank=True)
    cancel_requested = models.BooleanField("annulation demandée", default=False)
    result = models.JSONField("proposition", default=dict, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True,
                                        help_text="Mis à jour par le calcul : un calcul muet trop longtemps est "
                                                  "considéré comme interrompu.")

    objects = RunQuerySet.as_manager()

    class Meta:
        db_table = "missions_plannerrun"  # kept from when missions held it: no row moved
        verbose_name = "proposition du planificateur"
        verbose_name_plural = "propositions du planificateur"
        ordering = ["-created_at"]
        constraints = [
            # Two clicks, two tabs or two coordinators: one active run per pôle, decided by the database.
            models.UniqueConstraint(fields=["pole"], condition=Q(state__in=["QUEUED", "RUNNING"]),
                                    name="planner_one_active_run_per_pole",
                                    violation_error_message="Une proposition est déjà en cours de calcul pour ce "
                                                            "pôle : attendez-la ou annulez-la."),
        ]

    def __str__(self) -> str:
        return f"Proposition du {self.created_at:%d/%m/%Y %H:%M} ({self.get_state_display()})"

    @property
    def is_active(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)
