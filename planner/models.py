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


# --- Pedagogical choices (issue 24): what matters for each student, and the pôle's rules ---

class SubjectFamily(models.TextChoices):
    LETTRES = "LETTRES", "Lettres et sciences humaines"
    SCIENCES = "SCIENCES", "Mathématiques et sciences"
    LANGUES = "LANGUES", "Langues vivantes"
    EPS = "EPS", "Éducation physique et sportive"
    ARTS = "ARTS", "Arts et musique"
    AUTRE = "AUTRE", "Autres enseignements"


class StudentPoleQuerySet(PoleScopedQuerySet):
    pole_path = "student__school__pole_id"


class SubjectPriority(models.Model):
    """How much accompaniment matters for a student in a subject: 0 (never accompanied) to 5;
    without a row, the default of the subject's family (setting PLANNER_FAMILY_PRIORITY)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="subject_priorities",
                                verbose_name="élève")
    subject = models.CharField("matière", max_length=80,
                               help_text="Comme dans l'emploi du temps (la casse et les accents sont ignorés).")
    priority = models.PositiveSmallIntegerField("importance de l'accompagnement (0 à 5)",
                                                validators=[MinValueValidator(0), MaxValueValidator(5)],
                                                help_text="0 : pas d'AESH dans cette matière ; 5 : indispensable.")

    objects = StudentPoleQuerySet.as_manager()

    class Meta:
        verbose_name = "importance par matière"
        verbose_name_plural = "importance de l'accompagnement par matière"
        ordering = ["student", "subject"]
        constraints = [models.UniqueConstraint(fields=["student", "subject"], name="priority_one_per_subject",
                                               violation_error_message="Cette matière a déjà une importance pour "
                                                                       "cet·te élève."),
                       models.CheckConstraint(condition=Q(priority__lte=5), name="priority_0_to_5",
                                              violation_error_message="L'importance va de 0 à 5.")]

    def __str__(self) -> str:
        return f"{self.student} — {self.subject} : {self.priority}"


class AeshSubjectEase(models.Model):
    """How at ease an AESH is in a family of subjects, 1 to 5 (3 without a row)."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="subject_ease", verbose_name="AESH")
    family = models.CharField("famille de matières", max_length=8, choices=SubjectFamily.choices)
    ease = models.PositiveSmallIntegerField("aisance (1 à 5)", validators=[MinValueValidator(1),
                                                                           MaxValueValidator(5)])

    objects = AeshPoleQuerySet.as_manager()

    class Meta:
        verbose_name = "aisance par famille de matières"
        verbose_name_plural = "aisance des AESH par famille de matières"
        ordering = ["aesh", "family"]
        constraints = [models.UniqueConstraint(fields=["aesh", "family"], name="ease_one_per_family",
                                               violation_error_message="Cette famille a déjà une aisance pour cet·te "
                                                                       "AESH."),
                       models.CheckConstraint(condition=Q(ease__gte=1, ease__lte=5), name="ease_1_to_5",
                                              violation_error_message="L'aisance va de 1 à 5.")]

    def __str__(self) -> str:
        return f"{self.aesh} — {self.get_family_display()} : {self.ease}"


class StudentsApart(models.Model):
    """Two students who must never share an AESH (hard rule of the planner)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+", verbose_name="élève")
    other = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+", verbose_name="jamais avec")

    objects = StudentPoleQuerySet.as_manager()

    class Meta:
        verbose_name = "élèves à ne jamais confier au même AESH"
        verbose_name_plural = "élèves à ne jamais confier au même AESH"
        constraints = [models.UniqueConstraint(fields=["student", "other"], name="apart_once",
                                               violation_error_message="Ce binôme est déjà indiqué."),
                       models.CheckConstraint(condition=~Q(student=F("other")), name="apart_two_students",
                                              violation_error_message="Choisissez deux élèves différent·es.")]

    def __str__(self) -> str:
        return f"{self.student} / {self.other}"


class Mutualisation(models.TextChoices):
    ALLOWED = "ALLOWED", "Permise"
    NEVER = "NEVER", "Jamais (accompagnement seul·e)"


class StudentPlanning(models.Model):
    """A student's planning rules beyond the notification."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="planning",
                                   verbose_name="élève")
    mutualisation = models.CharField("mutualisation", max_length=7, choices=Mutualisation.choices,
                                     default=Mutualisation.ALLOWED,
                                     help_text="Aide mutualisée : partager ou non le créneau avec d'autres élèves.")

    objects = StudentPoleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de planification d'un·e élève"
        verbose_name_plural = "règles de planification des élèves"

    def __str__(self) -> str:
        return f"{self.student} : mutualisation {self.get_mutualisation_display().lower()}"


class PolePlanning(models.Model):
    """The pôle's planning rules."""

    pole = models.OneToOneField(Pole, on_delete=models.CASCADE, related_name="planning", verbose_name="pôle")
    max_aesh_per_student = models.PositiveSmallIntegerField(
        "AESH différent·es par élève, au plus", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Règle stricte du planificateur ; vide : pas de limite.")
    students_per_mutualised_slot = models.PositiveSmallIntegerField(
        "élèves par créneau mutualisé, au plus", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Vide : le réglage général (PLANNER_MUTUALISED_MAX_STUDENTS).")

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = "règles de planification du pôle"
        verbose_name_plural = "règles de planification des pôles"

    def __str__(self) -> str:
        return f"Règles de planification — {self.pole}"
