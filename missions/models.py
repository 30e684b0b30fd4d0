"""Assignments, weekly time slots, change notices, calendar feeds and mission letters."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from aesh.models import Aesh
from eleves.models import Student, Ulis
from missions import rules
from pial.enums import Role
from pial.models import Pole, School, SchoolYear, User
from pial.scope import Scope


class AssignmentKind(models.TextChoices):
    INDIVIDUELLE = "INDIVIDUELLE", "Aide individuelle"
    MUTUALISEE = "MUTUALISEE", "Aide mutualisée"
    COLLECTIVE = "COLLECTIVE", "Aide collective (ULIS)"


class SlotKind(models.TextChoices):
    CLASS = rules.CLASS, "Temps scolaire"
    LUNCH = rules.LUNCH, "Pause méridienne"
    TRAVEL = rules.TRAVEL, "Trajet"


class WeekParity(models.TextChoices):
    EVERY = rules.EVERY_WEEK, "Toutes les semaines"
    A = rules.WEEK_A, "Semaine A"
    B = rules.WEEK_B, "Semaine B"


WEEKDAY_CHOICES = [(i, name.capitalize()) for i, name in enumerate(rules.WEEKDAYS[:5])]


class AssignmentQuerySet(models.QuerySet):
    def current_on(self, day: datetime.date) -> AssignmentQuerySet:
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def visible_to(self, scope: Scope) -> AssignmentQuerySet:
        """Coordinators and pilots: their pôle; an AESH: their own."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(aesh__home_pole_id=scope.pole_id)
        if scope.role == Role.AESH:
            return self.filter(aesh__user_id=scope.membership.user_id, aesh__home_pole_id=scope.pole_id)
        return self.none()


class Assignment(models.Model):
    """An AESH to a student (individuelle or mutualisée aid) or to a ULIS (collective)."""

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

    @property
    def target_label(self) -> str:
        return str(self.student) if self.student_id else str(self.ulis)

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin de l'affectation doit suivre son début."})


class TimeSlotQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> TimeSlotQuerySet:
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)

    def visible_to(self, scope: Scope) -> TimeSlotQuerySet:
        return self.filter(aesh__in=Aesh.objects.visible_to(scope))


class TimeSlot(models.Model):
    """A weekly slot of an AESH's timetable, serving one or more assignments."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="time_slots", verbose_name="AESH")
    assignments = models.ManyToManyField(Assignment, blank=True, related_name="time_slots",
                                         verbose_name="affectations servies")
    weekday = models.PositiveSmallIntegerField("jour", choices=WEEKDAY_CHOICES)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="time_slots",
                               verbose_name="établissement")
    kind = models.CharField("nature", max_length=6, choices=SlotKind.choices, default=SlotKind.CLASS)
    week = models.CharField("semaines", max_length=1, choices=WeekParity.choices, blank=True, default="")
    valid_from = models.DateField("à partir du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    minutes = models.PositiveSmallIntegerField("durée (minutes)", editable=False, default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = TimeSlotQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau"
        ordering = ["aesh", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="timeslot_end_after_start",
                                   violation_error_message="La fin du créneau doit suivre son début."),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                                   name="timeslot_valid_period",
                                   violation_error_message="La fin de validité doit suivre son début."),
        ]
        indexes = [models.Index(fields=["aesh", "weekday"]), models.Index(fields=["school", "weekday"])]

    def __str__(self) -> str:
        return self.as_rule_slot().label

    def save(self, *args, **kwargs):
        self.minutes = rules.Slot(self.weekday, self.start_time, self.end_time, self.school_id).minutes
        super().save(*args, **kwargs)

    def as_rule_slot(self, assignments: list[Assignment] | None = None) -> rules.Slot:
        """The slot as the pure rules see it (assignments passed in, or prefetched)."""
        if assignments is None:
            assignments = list(self.assignments.all()) if self.pk else []
        return rules.Slot(
            id=self.pk, weekday=self.weekday, start=self.start_time, end=self.end_time, school_id=self.school_id,
            school_name=self.school.name if self.school_id else "", kind=self.kind, week=self.week,
            student_ids=frozenset(a.student_id or -a.ulis_id for a in assignments),
            exclusive=any(a.kind == AssignmentKind.INDIVIDUELLE for a in assignments),
            valid_from=self.valid_from, valid_until=self.valid_until,
        )


class TravelTime(models.Model):
    """Travel time between two schools (default: a setting, 15 min)."""

    school_a = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name="établissement")
    school_b = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name="établissement")
    minutes = models.PositiveSmallIntegerField("minutes")

    class Meta:
        verbose_name = "temps de trajet"
        verbose_name_plural = "temps de trajet"
        constraints = [
            models.UniqueConstraint(fields=["school_a", "school_b"], name="traveltime_unique_pair"),
            models.CheckConstraint(condition=Q(school_a__lt=F("school_b")), name="traveltime_ordered_pair",
                                   violation_error_message="Indiquez deux établissements différents."),
        ]

    def __str__(self) -> str:
        return f"{self.school_a.name} ↔ {self.school_b.name} : {self.minutes} min"

    def save(self, *args, **kwargs):
        if self.school_a_id and self.school_b_id and self.school_a_id > self.school_b_id:
            self.school_a_id, self.school_b_id = self.school_b_id, self.school_a_id
        super().save(*args, **kwargs)


class TimetableChange(models.Model):
    """A change to an AESH's timetable: notified by e-mail, acknowledged in the app."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="timetable_changes", verbose_name="AESH")
    summary = models.CharField("changement", max_length=300,
                               help_text="Sans donnée de santé : jour, horaires, établissement.")
    created_at = models.DateTimeField("le", auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField("pris en compte le", null=True, blank=True)

    class Meta:
        verbose_name = "changement d'emploi du temps"
        verbose_name_plural = "changements d'emploi du temps"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.summary


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private iCal address of an AESH's timetable; revoking replaces the token."""

    aesh = models.OneToOneField(Aesh, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agenda iCal"
        verbose_name_plural = "agendas iCal"

    def __str__(self) -> str:
        return f"Agenda de {self.aesh}"


class LetterState(models.TextChoices):
    DRAFT = "DRAFT", "Brouillon"
    SIGNING = "SIGNING", "En cours de signature"
    IN_FORCE = "IN_FORCE", "En vigueur"


DEFAULT_MISSIONS = """Apporter un appui méthodologique à l'ensemble des AESH du pôle et un soutien spécifique aux AESH nouvellement recrutés.
Accueillir les AESH nouvellement affectés dans le pôle.
Guider les AESH dans leurs démarches administratives.
Aider les AESH à comprendre les situations rencontrées auprès des élèves.
Partager des gestes professionnels adaptés aux besoins des élèves.
Diffuser des outils et favoriser l'échange de pratiques entre AESH.
Assurer le lien avec le coordonnateur ou la coordonnatrice du pôle.
Apporter son concours aux pilotes dans les situations complexes.
Identifier les besoins de formation des AESH du pôle.
Animer des groupes d'échange de pratiques professionnelles."""


class MissionLetterQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> MissionLetterQuerySet:
        """The pôle's coordinators, pilots and gestionnaire; the référent their own."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(pole_id=scope.pole_id)
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(pole__departement_id=scope.departement_id)
        if scope.role == Role.AESH:
            return self.filter(referent__user_id=scope.membership.user_id)
        return self.none()


class MissionLetter(models.Model):
    """The lettre de mission of an AESH référent for a pôle and a school year."""

    referent = models.ForeignKey(Aesh, on_delete=models.PROTECT, related_name="mission_letters",
                                 verbose_name="AESH référent·e")
    pole = models.ForeignKey(Pole, on_delete=models.PROTECT, related_name="mission_letters", verbose_name="pôle")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="année scolaire")
    referent_quotite = models.DecimalField("quotité de référent (ETP)", max_digits=3, decimal_places=2)
    missions = models.TextField("missions", default=DEFAULT_MISSIONS,
                                help_text="Une mission par ligne ; pré-remplies d'après la fiche de poste.")
    state = models.CharField("état", max_length=8, choices=LetterState.choices, default=LetterState.DRAFT)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = MissionLetterQuerySet.as_manager()

    class Meta:
        verbose_name = "lettre de mission"
        verbose_name_plural = "lettres de mission"
        ordering = ["-school_year__start_date", "referent__last_name"]
        constraints = [models.UniqueConstraint(fields=["referent", "school_year"], name="letter_one_per_year",
                                               violation_error_message="Une lettre existe déjà pour cette année.")]

    def __str__(self) -> str:
        return f"Lettre de mission de {self.referent} ({self.school_year})"

    @property
    def mission_lines(self) -> list[str]:
        return [line.strip(" -•") for line in self.missions.splitlines() if line.strip(" -•")]


class MissionLetterSignature(models.Model):
    letter = models.ForeignKey(MissionLetter, on_delete=models.CASCADE, related_name="signatures")
    pilot = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="pilote")
    signed_at = models.DateTimeField("signée le", auto_now_add=True)

    class Meta:
        verbose_name = "signature"
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["letter", "pilot"], name="signature_once_per_pilot")]

    def __str__(self) -> str:
        return f"{self.pilot} le {self.signed_at:%d/%m/%Y}"
