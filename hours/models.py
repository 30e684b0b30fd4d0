"""Timesheets (an AESH's week as it happened), their entries and events, référent activity."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from aesh.enums import AbsenceReason, TrainingKind
from aesh.models import Aesh, Training
from hours import rules
from hours.enums import (
    Attendance,
    ConnexeCategory,
    EntryKind,
    ReferentActivityKind,
    TimesheetAction,
    TimesheetState,
)
from pial.enums import Role
from pial.models import School, User
from pial.scope import Scope


class TimesheetQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TimesheetQuerySet:
        """The pôle's coordinators and pilots; an AESH their own weeks; nobody else
        (inspectors and the DSDEN read aggregates, never a person's week)."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(aesh__home_pole_id=scope.pole_id)
        if scope.role == Role.AESH:
            return self.filter(aesh__user_id=scope.membership.user_id, aesh__home_pole_id=scope.pole_id)
        return self.none()

    def of_school_year(self, start: datetime.date, end: datetime.date) -> TimesheetQuerySet:
        return self.filter(week_start__gte=start - datetime.timedelta(days=6), week_start__lte=end)


class Timesheet(models.Model):
    """One AESH × one ISO week. Totals are kept on the row (recomputed from the entries by
    every write) so that queues, balances and reports aggregate without reading entries."""

    aesh = models.ForeignKey(Aesh, on_delete=models.PROTECT, related_name="timesheets", verbose_name="AESH")
    week_start = models.DateField("semaine du", help_text="Le lundi de la semaine.")
    state = models.CharField("état", max_length=10, choices=TimesheetState.choices, default=TimesheetState.DRAFT)
    comment = models.TextField("commentaire de l'AESH", blank=True, max_length=1000)
    return_comment = models.TextField("commentaire de la coordination", blank=True, max_length=1000)
    main_school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="établissement principal de la semaine")
    version = models.PositiveIntegerField("version", default=0)
    # Totals in minutes, from rules.week_totals().
    planned_minutes = models.PositiveIntegerField("prévu à l'emploi du temps", default=0)
    accompaniment_minutes = models.PositiveIntegerField("accompagnement assuré", default=0)
    travel_minutes = models.PositiveIntegerField("trajets", default=0)
    extra_minutes = models.PositiveIntegerField("accompagnement ajouté", default=0)
    absence_minutes = models.PositiveIntegerField("absences motivées", default=0)
    unexplained_minutes = models.PositiveIntegerField("heures manquantes sans motif", default=0)
    connexe_minutes = models.PositiveIntegerField("activités connexes", default=0)
    training_minutes = models.PositiveIntegerField("formation", default=0)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    # PROTECT: a validated week names who validated it (constraint); accounts are deactivated, not deleted.
    validated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="validée par")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = TimesheetQuerySet.as_manager()

    class Meta:
        db_table = "missions_timesheet"  # kept from when missions held it: no row moved
        verbose_name = "semaine déclarée"
        verbose_name_plural = "semaines déclarées"
        ordering = ["-week_start", "aesh__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["aesh", "week_start"], name="timesheet_one_per_week",
                                    violation_error_message="Cette semaine existe déjà pour cet·te AESH."),
            # Each state and the fields it sets, tied in the database (the services are not the only writers:
            # the admin, a shell, an import). Reopening clears the validation; a returned week keeps
            # the date it was first handed in.
            models.CheckConstraint(condition=Q(state__in=TimesheetState.values), name="timesheet_state_known",
                                   violation_error_message="État de semaine inconnu."),
            models.CheckConstraint(
                condition=~Q(state=TimesheetState.VALIDATED) | Q(validated_at__isnull=False),
                name="timesheet_validated_has_date",
                violation_error_message="Une semaine validée porte sa date de validation.",
            ),
            models.CheckConstraint(
                condition=~Q(state=TimesheetState.VALIDATED) | Q(validated_by__isnull=False),
                name="timesheet_validated_has_validator",
                violation_error_message="Une semaine validée porte le nom de qui l'a validée.",
            ),
            models.CheckConstraint(
                condition=Q(state=TimesheetState.VALIDATED) | Q(validated_at__isnull=True, validated_by__isnull=True),
                name="timesheet_validation_only_when_validated",
                violation_error_message="Seule une semaine validée porte une validation.",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[TimesheetState.SUBMITTED, TimesheetState.VALIDATED])
                | Q(submitted_at__isnull=False),
                name="timesheet_handed_in_has_date",
                violation_error_message="Une semaine transmise porte sa date de transmission.",
            ),
            models.CheckConstraint(
                condition=~Q(state=TimesheetState.DRAFT) | Q(submitted_at__isnull=True),
                name="timesheet_draft_never_handed_in",
                violation_error_message="Une semaine déjà transmise ne redevient pas un brouillon.",
            ),
            models.CheckConstraint(
                condition=~Q(state=TimesheetState.RETURNED) | ~Q(return_comment=""),
                name="timesheet_returned_says_why",
                violation_error_message="Une semaine renvoyée dit ce qu'il faut corriger.",
            ),
        ]
        indexes = [models.Index(fields=["state", "week_start"]), models.Index(fields=["week_start"])]

    def __str__(self) -> str:
        return f"{self.aesh} — {self.label}"

    @property
    def label(self) -> str:
        return rules.week_label(self.week_start)

    @property
    def slug(self) -> str:
        return rules.week_slug(self.week_start)

    @property
    def is_editable(self) -> bool:
        return self.state in (TimesheetState.DRAFT, TimesheetState.RETURNED)

    @property
    def totals(self) -> rules.WeekTotals:
        return rules.WeekTotals(
            planned=self.planned_minutes, accompaniment=self.accompaniment_minutes, travel=self.travel_minutes,
            extra=self.extra_minutes, absence=self.absence_minutes, unexplained=self.unexplained_minutes,
            connexe=self.connexe_minutes, training=self.training_minutes,
        )

    @property
    def anomalies(self) -> list[str]:
        return rules.anomalies(self.totals)


class TimeEntry(models.Model):
    """A line of a week: a timetabled slot as it happened, an added activity on a day, or a
    weekly total of connexe time for one category (no day: not a clock-in log)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries",
                                  verbose_name="semaine")
    kind = models.CharField("nature", max_length=12, choices=EntryKind.choices)
    day = models.DateField("jour", null=True, blank=True)
    slot = models.ForeignKey("missions.TimeSlot", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="créneau")
    slot_kind = models.CharField("nature du créneau", max_length=6, blank=True)
    start_time = models.TimeField("début prévu", null=True, blank=True)
    end_time = models.TimeField("fin prévue", null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="établissement")
    planned_minutes = models.PositiveSmallIntegerField("prévu (minutes)", default=0)
    minutes = models.PositiveSmallIntegerField("réalisé (minutes)", default=0,
                                               validators=[MaxValueValidator(rules.MAX_ENTRY_MINUTES)])
    attendance = models.CharField("déroulement", max_length=14, choices=Attendance.choices, blank=True)
    absence_reason = models.CharField("motif d'absence", max_length=14, choices=AbsenceReason.choices, blank=True)
    category = models.CharField("catégorie", max_length=12, choices=ConnexeCategory.choices, blank=True)
    label = models.CharField("précision", max_length=200, blank=True,
                             help_text="Sans nom d'élève ni donnée de santé.")
    training_kind = models.CharField("type de formation", max_length=10, choices=TrainingKind.choices, blank=True)
    training = models.OneToOneField(Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="formation enregistrée")
    client_token = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        db_table = "missions_timeentry"  # kept from when missions held it: no row moved
        verbose_name = "ligne de la semaine"
        verbose_name_plural = "lignes de la semaine"
        ordering = ["timesheet", "day", "start_time", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "category"], condition=Q(kind=EntryKind.CONNEXE),
                                    name="timeentry_one_total_per_category"),
            models.UniqueConstraint(fields=["timesheet", "client_token"], condition=~Q(client_token=""),
                                    name="timeentry_unique_client_token"),
            models.CheckConstraint(condition=Q(kind=EntryKind.CONNEXE) | Q(day__isnull=False),
                                   name="timeentry_day_unless_connexe",
                                   violation_error_message="Une ligne porte sur un jour, sauf un total d'activités "
                                                           "connexes."),
            models.CheckConstraint(condition=~Q(attendance=Attendance.AESH_ABSENT) | ~Q(absence_reason=""),
                                   name="timeentry_absence_has_reason",
                                   violation_error_message="Indiquez le motif de l'absence."),
            models.CheckConstraint(condition=Q(minutes__lte=rules.MAX_ENTRY_MINUTES), name="timeentry_minutes_max"),
        ]
        indexes = [models.Index(fields=["timesheet", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day or ''} {self.minutes} min"

    def as_line(self) -> rules.Line:
        return rules.Line(
            key=str(self.pk), kind=self.kind, day=self.day, planned=self.planned_minutes, minutes=self.minutes,
            attendance=self.attendance, reason=self.absence_reason, slot_kind=self.slot_kind,
            category=self.category, start=self.start_time, end=self.end_time,
        )


class TimesheetEvent(models.Model):
    """The journal of a week: who submitted, validated, returned or reopened it, when, why."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="events",
                                  verbose_name="semaine")
    action = models.CharField("action", max_length=10, choices=TimesheetAction.choices)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par")
    user_email = models.EmailField("par (e-mail)")
    comment = models.TextField("commentaire", blank=True, max_length=1000)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        db_table = "missions_timesheetevent"  # kept from when missions held it: no row moved
        verbose_name = "événement d'une semaine"
        verbose_name_plural = "journal des semaines"
        ordering = ["timesheet", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} par {self.user_email} le {self.at:%d/%m/%Y %H:%M}"


class ReferentActivityQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> ReferentActivityQuerySet:
        """The référent's pôle coordination and pilots; the référent their own."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(referent__home_pole_id=scope.pole_id)
        if scope.role == Role.AESH:
            return self.filter(referent__user_id=scope.membership.user_id, referent__home_pole_id=scope.pole_id)
        return self.none()


class ReferentActivity(models.Model):
    """Support an AESH référent gives: to which AESH, of which kind, how long."""

    referent = models.ForeignKey(Aesh, on_delete=models.PROTECT, related_name="referent_activities",
                                 verbose_name="AESH référent·e")
    date = models.DateField("date")
    kind = models.CharField("action", max_length=16, choices=ReferentActivityKind.choices)
    minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(15), MaxValueValidator(rules.MAX_ENTRY_MINUTES)])
    supported = models.ManyToManyField(Aesh, blank=True, related_name="+",
                                       verbose_name="AESH accompagné·es ou participant·es")
    note = models.CharField("précision", max_length=300, blank=True,
                            help_text="Sans nom d'élève ni donnée de santé.")
    client_token = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = ReferentActivityQuerySet.as_manager()

    class Meta:
        db_table = "missions_referentactivity"  # kept from when missions held it: no row moved
        verbose_name = "action de référent·e"
        verbose_name_plural = "actions de référent·e"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["referent", "client_token"], condition=~Q(client_token=""),
                                    name="referentactivity_unique_client_token"),
            models.CheckConstraint(condition=Q(minutes__gte=15, minutes__lte=rules.MAX_ENTRY_MINUTES),
                                   name="referentactivity_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.date:%d/%m/%Y}"
