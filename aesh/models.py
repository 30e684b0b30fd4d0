"""AESH, their contracts, amendments (avenants) and training."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from aesh import rules
from aesh.enums import (
    AbsenceReason,
    AmendmentState,
    ContractDecisionKind,
    ContractKind,
    Diploma,
    Employer,
    ReferentWish,
    TrainingKind,
)
from pial.conf import setting, setting_date, setting_decimal
from pial.durations import format_hours
from pial.enums import Role
from pial.journals import AppendOnlyModel, PoleJournalQuerySet
from pial.models import Pole, School, SchoolYear, User
from pial.scope import Scope


def default_weeks() -> int:
    return setting("CONTRACT_WEEKS_DEFAULT")


def default_annual_base() -> int:
    return setting("ANNUAL_BASE_HOURS")


class AeshQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> AeshQuerySet:
        """Coordinators and pilots: their pôle; gestionnaire: their département;
        an AESH: their own record only; nobody else."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(home_pole_id=scope.pole_id)
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(home_pole__departement_id=scope.departement_id)
        if scope.role == Role.AESH:
            return self.filter(user_id=scope.membership.user_id, home_pole_id=scope.pole_id)
        return self.none()


class Aesh(models.Model):
    """An AESH: the person, whatever their contracts."""

    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="aesh_profile",
        verbose_name="compte utilisateur",
    )
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("e-mail professionnel", blank=True)
    phone = models.CharField(
        "téléphone", max_length=30, blank=True,
        help_text="Usage interne au pôle : jamais communiqué aux familles.",
    )
    diploma = models.CharField("diplôme", max_length=10, choices=Diploma.choices, blank=True)
    first_hire_date = models.DateField("date de premier recrutement", null=True, blank=True)
    home_pole = models.ForeignKey(
        Pole, on_delete=models.PROTECT, related_name="aesh", verbose_name="pôle de rattachement"
    )
    schools = models.ManyToManyField(
        School, blank=True, related_name="aesh", verbose_name="établissements d'exercice"
    )
    training_due_date = models.DateField(
        "échéance de la formation d'adaptation", null=True, blank=True,
        help_text="Calculée à la création du premier contrat ; modifiable.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AeshQuerySet.as_manager()

    class Meta:
        verbose_name = "AESH"
        verbose_name_plural = "AESH"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="aesh_unique_email",
                violation_error_message="Un AESH avec cette adresse e-mail existe déjà.",
            )
        ]
        indexes = [models.Index(fields=["home_pole", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()
        self.last_name = self.last_name.strip()
        self.first_name = self.first_name.strip()


class ContractQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> ContractQuerySet:
        return self.filter(aesh__in=Aesh.objects.visible_to(scope))

    def in_force_on(self, day: datetime.date) -> ContractQuerySet:
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class Contract(models.Model):
    """A State public-law contract (CDD or CDI) of an AESH."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="contracts",
                             verbose_name="AESH")
    kind = models.CharField("type", max_length=3, choices=ContractKind.choices)
    employer = models.CharField("employeur", max_length=10, choices=Employer.choices,
                                default=Employer.DSDEN)
    employer_detail = models.CharField(
        "précision sur l'employeur", max_length=200, blank=True,
        help_text="Par exemple le nom du lycée employeur.",
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True,
                                help_text="Obligatoire pour un CDD ; vide pour un CDI.")
    weekly_hours = models.DecimalField(
        "heures hebdomadaires d'accompagnement", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    weeks = models.PositiveSmallIntegerField("semaines rémunérées", default=default_weeks)
    annual_base = models.PositiveSmallIntegerField(
        "base annuelle d'un temps plein (heures)", default=default_annual_base
    )
    contractual_quotite = models.DecimalField(
        "quotité contractuelle (%)", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    referent_quotite = models.DecimalField(
        "quotité de référent (ETP)", max_digits=3, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="0 sans mission de référent ; sinon entre 0,25 et 1 ETP.",
    )
    lunch_duty = models.BooleanField("accompagnement sur la pause méridienne", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat"
        ordering = ["aesh", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="contract_end_after_start",
                violation_error_message="La date de fin doit suivre la date de début.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ContractKind.CDD) | Q(end_date__isnull=False),
                name="contract_cdd_has_end",
                violation_error_message="Un CDD a une date de fin.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0), name="contract_weekly_hours_positive",
                violation_error_message="Le nombre d'heures hebdomadaires doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(referent_quotite__gte=0, referent_quotite__lte=1),
                name="contract_referent_quotite_range",
                violation_error_message="La quotité de référent est comprise entre 0 et 1 ETP.",
            ),
            models.CheckConstraint(
                condition=Q(contractual_quotite__gt=0)
                & Q(contractual_quotite__lte=Decimal(100) - F("referent_quotite") * 100),
                name="contract_total_quotite_max_100",
                violation_error_message="La quotité totale (accompagnement + référent) dépasse 100 %.",
            ),
        ]
        indexes = [models.Index(fields=["aesh", "start_date"]), models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        end = self.end_date.strftime("%d/%m/%Y") if self.end_date else "…"
        return f"{self.get_kind_display()} du {self.start_date:%d/%m/%Y} au {end}"

    @property
    def period(self) -> rules.Period:
        return rules.Period(self.start_date, self.end_date)

    def base_terms(self) -> rules.Terms:
        return rules.Terms(
            weekly_hours=self.weekly_hours, weeks=self.weeks, annual_base=self.annual_base,
            contractual_quotite=self.contractual_quotite, referent_quotite=self.referent_quotite,
            lunch_duty=self.lunch_duty,
        )

    def clean(self):
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.kind == ContractKind.CDD and not self.end_date:
            errors.setdefault("end_date", []).append("Un CDD a une date de fin.")
        if self.start_date and (message := rules.period_error(self.period)):
            errors.setdefault("end_date", []).append(message)
        if self.weekly_hours is not None and self.weeks and self.contractual_quotite is not None:
            for field, message in rules.terms_errors(
                self.base_terms(),
                weeks_bounds=(setting("CONTRACT_WEEKS_MIN"), setting("CONTRACT_WEEKS_MAX")),
                referent_bounds=(setting_decimal("REFERENT_QUOTITE_MIN"),
                                 setting_decimal("REFERENT_QUOTITE_MAX")),
            ):
                errors.setdefault(field, []).append(message)
        if self.aesh_id and self.start_date and not errors:
            others = Contract.objects.filter(aesh_id=self.aesh_id).exclude(pk=self.pk)
            if message := rules.overlap_error(self.period, [c.period for c in others]):
                errors.setdefault("start_date", []).append(message)
        if errors:
            raise ValidationError(errors)


class Amendment(models.Model):
    """An avenant: changes to a contract from an effective date, once the agent accepts."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments",
                                 verbose_name="contrat")
    proposed_on = models.DateField("proposé le", default=timezone.localdate)
    effective_date = models.DateField("date d'effet")
    state = models.CharField("état", max_length=10, choices=AmendmentState.choices,
                             default=AmendmentState.PROPOSED)
    answered_on = models.DateField("réponse de l'agent le", null=True, blank=True)
    weekly_hours = models.DecimalField(
        "nouvelles heures hebdomadaires", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    weeks = models.PositiveSmallIntegerField("nouveau nombre de semaines", null=True, blank=True)
    contractual_quotite = models.DecimalField(
        "nouvelle quotité contractuelle (%)", max_digits=5, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    referent_quotite = models.DecimalField(
        "nouvelle quotité de référent (ETP)", max_digits=3, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="0 pour mettre fin à la mission de référent.",
    )
    lunch_duty = models.BooleanField("accompagnement sur la pause méridienne", null=True, blank=True)
    changes_schools = models.BooleanField("change les établissements d'exercice", default=False)
    schools = models.ManyToManyField(School, blank=True, related_name="+",
                                     verbose_name="nouveaux établissements d'exercice")
    note = models.TextField("objet de l'avenant", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avenant"
        ordering = ["contract", "effective_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(referent_quotite__isnull=True)
                | Q(referent_quotite__gte=0, referent_quotite__lte=1),
                name="amendment_referent_quotite_range",
                violation_error_message="La quotité de référent est comprise entre 0 et 1 ETP.",
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant au {self.effective_date:%d/%m/%Y} ({self.get_state_display().lower()})"

    @property
    def answer_deadline(self) -> datetime.date:
        return rules.amendment_answer_deadline(self.proposed_on, setting("AMENDMENT_ANSWER_MONTHS"))

    def effective_state(self, today: datetime.date) -> str:
        """Silence is refusal: a proposal left unanswered past its deadline is refused."""
        if self.state == AmendmentState.PROPOSED and today > self.answer_deadline:
            return AmendmentState.REFUSED
        return self.state

    def change(self, school_ids: frozenset[int] | None = None) -> rules.Change:
        return rules.Change(
            effective_date=self.effective_date, weekly_hours=self.weekly_hours, weeks=self.weeks,
            contractual_quotite=self.contractual_quotite, referent_quotite=self.referent_quotite,
            lunch_duty=self.lunch_duty,
            school_ids=school_ids if self.changes_schools else None,
        )

    def clean(self):
        super().clean()
        errors = {}
        contract = self.contract if self.contract_id else None
        if contract and self.effective_date and not contract.period.contains(self.effective_date):
            errors["effective_date"] = "La date d'effet doit tomber pendant le contrat."
        if self.proposed_on and self.effective_date and self.effective_date < self.proposed_on:
            errors["effective_date"] = "La date d'effet ne peut précéder la proposition."
        unchanged = all(
            getattr(self, name) is None
            for name in ("weekly_hours", "weeks", "contractual_quotite", "referent_quotite", "lunch_duty")
        )
        if unchanged and not self.changes_schools:
            errors["__all__"] = "Un avenant doit modifier au moins un élément du contrat."
        if self.state != AmendmentState.PROPOSED and not self.answered_on:
            errors["answered_on"] = "Indiquez la date de la réponse de l'agent."
        if errors:
            raise ValidationError(errors)


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TrainingQuerySet:
        return self.filter(aesh__in=Aesh.objects.visible_to(scope))


class Training(models.Model):
    """A training session an AESH attended."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="trainings",
                             verbose_name="AESH")
    kind = models.CharField("type", max_length=10, choices=TrainingKind.choices,
                            default=TrainingKind.ADAPTATION)
    date = models.DateField("date")
    hours = models.DecimalField(
        "durée (heures)", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("60"))],
    )
    title = models.CharField("intitulé", max_length=200)
    organizer = models.CharField("organisateur", max_length=200, blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "formation suivie"
        verbose_name_plural = "formations suivies"
        ordering = ["aesh", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="training_hours_positive",
                violation_error_message="La durée d'une formation doit être positive.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y}, {format_hours(self.hours)})"


class AbsenceQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> AbsenceQuerySet:
        """The coordinators and pilots of the AESH's home pôle; nobody else."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(aesh__home_pole_id=scope.pole_id)
        return self.none()

    def overlapping(self, start: datetime.date, end: datetime.date) -> AbsenceQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)


class Absence(models.Model):
    """A period when an AESH is away, by category only (never a medical detail), entered by the
    coordination. One concept read by the hours (the week is pre-filled « AESH absent·e » with its
    motif) and by the planner (the students who lose cover, and their replacements). The table keeps
    the name it had when the planner owned it."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="absences", verbose_name="AESH")
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    reason = models.CharField("motif", max_length=14, choices=AbsenceReason.choices)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        db_table = "missions_aeshabsence"
        verbose_name = "absence d'AESH"
        verbose_name_plural = "absences d'AESH"
        ordering = ["-start_date"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="absence_period",
                                              violation_error_message="La fin doit suivre le début.")]

    def __str__(self) -> str:
        return f"{self.aesh} du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}"


def reform_date() -> datetime.date:
    return setting_date("CDI_REFORM_DATE")


# --- Training needs: a yearly window opened by the coordination, themes kept by the DSDEN ------------

class TrainingThemeQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TrainingThemeQuerySet:
        """The DSDEN's list: its gestionnaire, and every pôle role of the département."""
        if scope.is_national:
            return self
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(departement_id=scope.departement_id)
        if scope.pole_id:
            return self.filter(departement__poles=scope.pole_id)
        return self.none()


class TrainingTheme(models.Model):
    """A training theme AESH may ask for (autism, note-taking, lunch support…), per département."""

    departement = models.ForeignKey("pial.Departement", on_delete=models.CASCADE, related_name="training_themes",
                                    verbose_name="département")
    name = models.CharField("thème", max_length=120)
    is_active = models.BooleanField("proposé aux AESH", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = TrainingThemeQuerySet.as_manager()

    class Meta:
        verbose_name = "thème de formation"
        verbose_name_plural = "thèmes de formation"
        ordering = ["departement", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["departement", "name"], name="trainingtheme_unique_name",
                                               violation_error_message="Ce thème existe déjà dans le département.")]

    def __str__(self) -> str:
        return self.name


class TrainingNeedsWindowQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TrainingNeedsWindowQuerySet:
        if scope.is_national:
            return self
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(pole__departement_id=scope.departement_id)
        if scope.pole_id:
            return self.filter(pole_id=scope.pole_id)
        return self.none()

    def open_on(self, day: datetime.date) -> TrainingNeedsWindowQuerySet:
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class TrainingNeedsWindow(models.Model):
    """Once a school year, the weeks during which the pôle's AESH say which training they want."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="training_windows", verbose_name="pôle")
    school_year = models.ForeignKey("pial.SchoolYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="année scolaire")
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    opened_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="ouverte par")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = TrainingNeedsWindowQuerySet.as_manager()

    class Meta:
        verbose_name = "recueil des besoins de formation"
        verbose_name_plural = "recueils des besoins de formation"
        ordering = ["-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["pole", "school_year"], name="trainingwindow_once_a_year",
                                    violation_error_message="Le recueil de cette année est déjà ouvert pour ce pôle."),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="trainingwindow_closes_after",
                                   violation_error_message="La clôture doit suivre l'ouverture."),
        ]

    def __str__(self) -> str:
        return f"Besoins de formation {self.school_year} — {self.pole}"

    def is_open(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "La clôture doit suivre l'ouverture."})
        if self.school_year_id and self.opens_on and self.closes_on and not (
                self.school_year.start_date <= self.opens_on and self.closes_on <= self.school_year.end_date):
            raise ValidationError({"opens_on": f"Choisissez des dates de l'année scolaire {self.school_year} "
                                               f"({self.school_year.start_date:%d/%m/%Y} – "
                                               f"{self.school_year.end_date:%d/%m/%Y})."})


class TrainingNeedQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TrainingNeedQuerySet:
        """An AESH's own answers only: the others read counts per theme, never a person's row."""
        if scope.role == Role.AESH:
            return self.filter(aesh__user_id=scope.membership.user_id, aesh__home_pole_id=scope.pole_id)
        return self.none()


class TrainingNeed(models.Model):
    """What one AESH asked for in one window: themes of the list and, if they wish, their own words."""

    window = models.ForeignKey(TrainingNeedsWindow, on_delete=models.CASCADE, related_name="needs",
                               verbose_name="recueil")
    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="training_needs", verbose_name="AESH")
    themes = models.ManyToManyField(TrainingTheme, blank=True, related_name="needs", verbose_name="thèmes")
    other = models.CharField("autre besoin, en quelques mots", max_length=300, blank=True,
                             help_text="Sans nom d'élève ni donnée de santé.")
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = TrainingNeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin de formation exprimé"
        verbose_name_plural = "besoins de formation exprimés"
        constraints = [models.UniqueConstraint(fields=["window", "aesh"], name="trainingneed_once_per_window")]

    def __str__(self) -> str:
        return f"Besoins de formation n° {self.pk}"



class WishQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> WishQuerySet:
        """The AESH's own wishes, and their coordination (coordinators, pilots, gestionnaire):
        never another AESH."""
        return self.filter(aesh__in=Aesh.objects.visible_to(scope))


class Wish(models.Model):
    """The AESH's wishes for next year, entered by the AESH themselves."""

    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="wishes", verbose_name="AESH")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name="année scolaire")
    schools = models.ManyToManyField(School, blank=True, related_name="+", verbose_name="établissements souhaités")
    sector = models.CharField("secteur souhaité", max_length=200, blank=True)
    same_students = models.BooleanField("souhaite continuer avec les mêmes élèves", default=False)
    weekly_hours = models.DecimalField(
        "heures hebdomadaires souhaitées", max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("39.2"))],
        help_text="Vide : pas de changement de quotité.")
    referent = models.CharField("mission de référent·e", max_length=6, choices=ReferentWish.choices, blank=True)
    comment = models.TextField("commentaire libre", blank=True, max_length=2000)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = "vœux pour l'année suivante"
        verbose_name_plural = "vœux pour l'année suivante"
        constraints = [models.UniqueConstraint(fields=["aesh", "year"], name="wish_once_a_year")]

    def __str__(self) -> str:
        return f"Vœux de {self.aesh} pour {self.year}"


class ContractDecision(models.Model):
    """What the employer decides for a contract ending before or at the rentrée."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="decisions", verbose_name="contrat")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name="année scolaire")
    decision = models.CharField("décision", max_length=10, choices=ContractDecisionKind.choices)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField("décidé le", auto_now=True)

    class Meta:
        verbose_name = "décision de renouvellement"
        verbose_name_plural = "décisions de renouvellement"
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="contract_decision_once_a_year")]

    def __str__(self) -> str:
        return f"{self.contract} : {self.get_decision_display()}"


class MfaResetQuerySet(PoleJournalQuerySet):
    changed_message = "Le journal des réinitialisations ne peut pas être modifié."


class MfaReset(AppendOnlyModel):
    """The coordination reset an AESH's second factors (a lost phone): who, whom, when.
    Append-only; names are copied so the entry outlives the accounts."""

    changed_message = "Le journal des réinitialisations ne peut pas être modifié."
    deleted_message = "Une réinitialisation journalisée ne se supprime pas."

    at = models.DateTimeField("date et heure", default=timezone.now, db_index=True)
    aesh = models.ForeignKey(Aesh, on_delete=models.SET_NULL, null=True, related_name="mfa_resets",
                             verbose_name="AESH")
    aesh_name = models.CharField("AESH (nom)", max_length=310)
    user_email = models.CharField("compte de l'AESH", max_length=254)
    pole = models.ForeignKey(Pole, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pôle")
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par")
    by_email = models.CharField("par (e-mail)", max_length=254)
    factors = models.PositiveSmallIntegerField("facteurs supprimés")

    objects = MfaResetQuerySet.as_manager()

    class Meta:
        verbose_name = "réinitialisation de la double authentification"
        verbose_name_plural = "journal des réinitialisations de la double authentification"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["pole", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.aesh_name} par {self.by_email}"
