"""Students, MDPH notifications, the PPS and the access journal.

Disability data about children (GDPR art. 9): every queryset behind a page
starts from Student.objects.visible_to(scope), and reads are journaled.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from eleves.enums import (
    Activity,
    AidKind,
    DocumentKind,
    JournalAction,
    LeaveReason,
    Level,
    NotificationState,
    NotificationStatus,
    TransferState,
)
from pial.conf import setting
from pial.durations import format_hours
from pial.enums import Role, SchoolKind
from pial.journals import AppendOnlyModel, PoleJournalQuerySet
from pial.models import Pole, School, SchoolYear, User
from pial.scope import Scope

INE_FORMATS = (
    re.compile(r"^\d{9}[A-HJK]{2}$"),
    re.compile(r"^\d{10}[A-HJ-NPR-Z]$"),
    re.compile(r"^[0-9A-Z]{10}\d$"),
    re.compile(r"^\d{4}[AD]\d{5}[A-HJ-NPR-Z]$"),
)


def validate_ine(value: str) -> None:
    """INE: 11 characters in one of the known formats (no public checksum)."""
    ine = (value or "").strip().upper()
    if not any(pattern.match(ine) for pattern in INE_FORMATS):
        raise ValidationError(
            f"L'INE « {ine} » n'a pas un format connu (11 caractères, par exemple 123456789AB).",
            code="invalid_ine",
        )


def private_storage() -> FileSystemStorage:
    """Documents live outside the public media tree; only a checked view serves them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT / "documents", base_url=None)


class Ulis(models.Model):
    """A ULIS unit: collective aid (AESH-co) is assigned to it, not notified."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="ulis_units",
                               verbose_name="établissement")
    name = models.CharField("nom", max_length=150, default="ULIS")
    capacity = models.PositiveSmallIntegerField("effectif maximal", default=12)

    class Meta:
        verbose_name = "ULIS"
        verbose_name_plural = "ULIS"
        ordering = ["school__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} — {self.school.name}"


class StudentQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope, today: datetime.date | None = None) -> StudentQuerySet:
        """Need to know: the pôle's coordinators and pilots; the enseignant référent of the
        student or of their sector; an AESH only for students of a current assignment.
        Gestionnaires and inspectors see no student record."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(school__pole_id=scope.pole_id)
        if scope.role == Role.ENSEIGNANT_REFERENT:
            return self.filter(
                Q(referent_id=scope.membership.user_id) | Q(school__referent_memberships=scope.membership_id)
            ).distinct()
        if scope.role == Role.AESH:
            day = today or timezone.localdate()
            # One filter() call: every condition applies to the same assignment row.
            return self.filter(
                Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=day),
                assignments__aesh__user_id=scope.membership.user_id,
                assignments__aesh__home_pole_id=scope.pole_id,
                assignments__start_date__lte=day,
            ).distinct()
        return self.none()


class Student(models.Model):
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    birth_date = models.DateField("date de naissance")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students",
                               verbose_name="établissement")
    level = models.CharField("niveau", max_length=5, choices=Level.choices, blank=True,
                             help_text="Vide : à préciser (niveau importé non reconnu, voir « tel qu'importé »).")
    level_raw = models.CharField("niveau tel qu'importé", max_length=60, blank=True,
                                 help_text="Ce que disait le tableau importé, gardé quand pial ne le reconnaît pas.")
    class_name = models.CharField("classe", max_length=50, blank=True)
    ulis = models.ForeignKey(Ulis, on_delete=models.SET_NULL, null=True, blank=True, related_name="students",
                             verbose_name="ULIS")
    ine = models.CharField("INE", max_length=11, blank=True, validators=[validate_ine],
                           help_text="Facultatif : à ne saisir que s'il est utile.")
    referent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_students",
        verbose_name="enseignant·e référent·e",
        limit_choices_to={"memberships__role": Role.ENSEIGNANT_REFERENT},
    )
    left_on = models.DateField("a quitté le système scolaire le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = "élève"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["school", "last_name"]), models.Index(fields=["left_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["last_name", "first_name", "birth_date", "school"], name="student_unique_identity",
                violation_error_message="Cet·te élève existe déjà dans cet établissement.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    def clean(self):
        super().clean()
        self.ine = (self.ine or "").strip().upper()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": "La date de naissance est dans le futur."})
        if self.ulis_id and self.school_id and self.ulis.school_id != self.school_id:
            raise ValidationError({"ulis": "Cette ULIS n'est pas dans l'établissement de l'élève."})


class LevelSpelling(models.Model):
    """A spelling of a school level in the files of a département, and the level it means:
    the vocabulary the imports use beside their built-in rules (eleves.levels)."""

    spelling = models.CharField("écriture dans les tableaux", max_length=60, unique=True,
                                help_text="Telle qu'elle apparaît (majuscules et accents indifférents).")
    level = models.CharField("niveau", max_length=5, choices=Level.choices)

    class Meta:
        verbose_name = "écriture d'un niveau"
        verbose_name_plural = "vocabulaire des niveaux"
        ordering = ["spelling"]

    def __str__(self) -> str:
        return f"{self.spelling} → {self.get_level_display()}"

    def clean(self):
        from eleves.levels import fold_level

        super().clean()
        self.spelling = fold_level(self.spelling)
        if not self.spelling:
            raise ValidationError({"spelling": "Indiquez l'écriture du niveau."})

    @classmethod
    def vocabulary(cls) -> dict[str, str]:
        return dict(cls.objects.values_list("spelling", "level"))


def max_weekly_hours(school_kind: str) -> int:
    first = school_kind in SchoolKind.first_degree()
    return setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE" if first else "SCHOOL_WEEK_HOURS_SECOND_DEGREE")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> NotificationQuerySet:
        return self.filter(student__in=Student.objects.visible_to(scope))

    def in_force_on(self, day: datetime.date) -> NotificationQuerySet:
        return self.filter(state=NotificationState.NOTIFIED, start_date__lte=day, end_date__gte=day)


class Notification(models.Model):
    """A CDAPH decision granting human aid to a student."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="notifications",
                                verbose_name="élève")
    state = models.CharField("état", max_length=10, choices=NotificationState.choices,
                             default=NotificationState.NOTIFIED)
    decision_date = models.DateField("date de décision", null=True, blank=True)
    start_date = models.DateField("début des droits")
    end_date = models.DateField("fin des droits")
    aid_kind = models.CharField("type d'aide", max_length=12, choices=AidKind.choices)
    weekly_hours = models.DecimalField(
        "heures hebdomadaires notifiées", max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="Obligatoire pour une aide individuelle ; vide pour une aide mutualisée.",
    )
    mutualised_hours = models.DecimalField(
        "heures attribuées à l'aide mutualisée", max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="Facultatif, aide mutualisée seulement : les heures par semaine que la notification ou le "
                  "fichier de la DSDEN attribuent. Le planificateur en fait la cible de l'élève (sinon la cible "
                  "commune du réglage).",
    )
    activities = models.JSONField("activités", default=list, blank=True)
    lunch_aid = models.BooleanField("aide sur la pause méridienne", default=False)
    mdph_reference = models.CharField("référence MDPH", max_length=50, blank=True)
    imported = models.BooleanField("issue d'un import", default=False, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification MDPH"
        verbose_name_plural = "notifications MDPH"
        ordering = ["student", "-start_date"]
        indexes = [models.Index(fields=["end_date"]), models.Index(fields=["student", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="notification_end_after_start",
                violation_error_message="La fin des droits doit suivre leur début.",
            ),
            models.CheckConstraint(
                condition=(Q(aid_kind=AidKind.INDIVIDUELLE) & Q(weekly_hours__gt=0))
                | (Q(aid_kind=AidKind.MUTUALISEE) & Q(weekly_hours__isnull=True)),
                name="notification_hours_match_kind",
                violation_error_message="Une aide individuelle a des heures ; une aide mutualisée n'en a pas.",
            ),
            models.CheckConstraint(
                condition=Q(mutualised_hours__isnull=True)
                | (Q(aid_kind=AidKind.MUTUALISEE) & Q(mutualised_hours__gt=0)),
                name="notification_mutualised_hours",
                violation_error_message="Seule une aide mutualisée a des heures attribuées, et plus de 0 h.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_aid_kind_display()} du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}"

    def status(self, day: datetime.date) -> str:
        if self.state == NotificationState.AWAITING:
            return NotificationStatus.AWAITING
        if day < self.start_date:
            return NotificationStatus.UPCOMING
        if day > self.end_date:
            return NotificationStatus.ENDED
        return NotificationStatus.IN_FORCE

    def activity_labels(self) -> list[str]:
        labels = dict(Activity.choices)
        return [labels[code] for code in self.activities if code in labels]

    def clean(self):
        super().clean()
        errors = self.term_errors()
        if not errors and self.student_id and self.start_date and self.end_date:
            other_kind = AidKind.MUTUALISEE if self.aid_kind == AidKind.INDIVIDUELLE else AidKind.INDIVIDUELLE
            clash = (
                Notification.objects.filter(student_id=self.student_id, aid_kind=other_kind,
                                            start_date__lte=self.end_date, end_date__gte=self.start_date)
                .exclude(pk=self.pk).first()
            )
            if clash:
                errors["aid_kind"] = self.clash_message(clash)
        if errors:
            raise ValidationError(errors)

    def clash_message(self, clash: Notification) -> str:
        return ("Une aide individuelle et une aide mutualisée ne peuvent se chevaucher pour un même élève "
                f"(déjà : {clash}).")

    def clashes_with(self, other: Notification) -> bool:
        """Individuelle and mutualisée over overlapping dates, for one student (the caller checks the student)."""
        return (other is not self and other.aid_kind != self.aid_kind
                and other.start_date <= self.end_date and other.end_date >= self.start_date)

    def term_errors(self) -> dict[str, str]:
        """The rules on the notification's own values (no query: imports check thousands at once)."""
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "La fin des droits doit suivre leur début."
        if self.aid_kind == AidKind.INDIVIDUELLE:
            if not self.weekly_hours or self.weekly_hours <= 0:
                errors["weekly_hours"] = "Une aide individuelle précise un nombre d'heures par semaine."
            elif self.student_id:
                limit = max_weekly_hours(self.student.school.kind)
                if self.weekly_hours > limit:
                    errors["weekly_hours"] = (
                        f"{format_hours(self.weekly_hours)} par semaine dépassent la semaine scolaire "
                        f"({format_hours(limit)})."
                    )
        elif self.aid_kind == AidKind.MUTUALISEE and self.weekly_hours:
            errors["weekly_hours"] = ("Une aide mutualisée n'a pas d'heures notifiées : laissez ce champ vide (ses "
                                      "heures attribuées, s'il y en a, vont dans le champ qui leur est réservé).")
        if self.mutualised_hours is not None:
            if self.aid_kind != AidKind.MUTUALISEE:
                errors["mutualised_hours"] = ("Seule une aide mutualisée a des heures attribuées : laissez ce champ "
                                              "vide.")
            elif self.mutualised_hours <= 0:
                errors["mutualised_hours"] = "Indiquez des heures attribuées supérieures à 0, ou laissez vide."
            elif self.student_id and self.mutualised_hours > (limit := max_weekly_hours(self.student.school.kind)):
                errors["mutualised_hours"] = (f"{format_hours(self.mutualised_hours)} par semaine dépassent la "
                                              f"semaine scolaire ({format_hours(limit)}).")
        unknown = [code for code in self.activities or [] if code not in Activity.values]
        if unknown:
            errors["activities"] = f"Activités inconnues : {', '.join(unknown)}."
        return errors


class Pps(models.Model):
    """The extract of the PPS's mise en œuvre that the AESH needs: what to do, how."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="pps", verbose_name="élève")
    missions = models.TextField("ce que l'AESH fait avec l'élève", blank=True)
    accommodations = models.TextField("aménagements et adaptations", blank=True)
    vigilance = models.TextField("points de vigilance", blank=True,
                                 help_text="Sans diagnostic : seulement ce qui guide l'accompagnement.")
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "extrait du PPS"
        verbose_name_plural = "extraits du PPS"

    def __str__(self) -> str:
        return f"PPS de {self.student}"


def document_path(instance, filename: str) -> str:
    return f"{instance.student_id}/{uuid.uuid4().hex}"


class PpsDocument(models.Model):
    """An uploaded document (notification, PPS, GEVA-Sco), served only through a checked view."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="documents", verbose_name="élève")
    kind = models.CharField("type", max_length=12, choices=DocumentKind.choices)
    file = models.FileField("fichier", storage=private_storage, upload_to=document_path)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document"
        ordering = ["student", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"


class AccessLogQuerySet(PoleJournalQuerySet):
    changed_message = "Le journal des accès ne peut pas être modifié."


class AccessLog(AppendOnlyModel):
    """Who read or changed which student's data, when. Append-only."""

    changed_message = "Le journal des accès ne peut pas être modifié."
    deleted_message = "Une entrée du journal ne se supprime que par la commande de rétention."

    at = models.DateTimeField("date et heure", default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                             verbose_name="utilisateur·rice")
    user_email = models.CharField("e-mail", max_length=254)
    role = models.CharField("rôle", max_length=20, blank=True)
    pole = models.ForeignKey(Pole, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pôle")
    student = models.ForeignKey(Student, on_delete=models.SET_NULL, null=True, related_name="+",
                                verbose_name="élève")
    student_ref = models.PositiveBigIntegerField("n° d'élève", null=True)
    action = models.CharField("action", max_length=14, choices=JournalAction.choices)
    detail = models.CharField("détail", max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["pole", "-at"]), models.Index(fields=["student_ref", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_email} {self.get_action_display()}"


class Projection(models.Model):
    """What the coordination decided for a student at the next rentrée (the ladder's proposal
    when there is no row): the level, the school, or leaving."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="projections", verbose_name="élève")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name="année scolaire")
    level = models.CharField("niveau à la rentrée", max_length=5, choices=Level.choices, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="établissement à la rentrée")
    leave_reason = models.CharField("départ", max_length=5, choices=LeaveReason.choices, blank=True,
                                    help_text="Vide : l'élève reste suivi·e.")
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "projection à la rentrée"
        verbose_name_plural = "projections à la rentrée"
        constraints = [models.UniqueConstraint(fields=["student", "year"], name="projection_once_a_year")]

    def __str__(self) -> str:
        return f"{self.student} — {self.year}"


class TransferQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> TransferQuerySet:
        """The sending and the receiving coordination and pilots; the département's gestionnaire."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(Q(from_pole_id=scope.pole_id) | Q(to_pole_id=scope.pole_id))
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(from_pole__departement_id=scope.departement_id)
        return self.none()


class Transfer(models.Model):
    """A student moving to another pôle at the rentrée: proposed by the sending pôle, accepted by
    the receiving one; the file (notifications, PPS, documents) moves at the switch."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="transfers", verbose_name="élève")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name="année scolaire")
    from_pole = models.ForeignKey(Pole, on_delete=models.PROTECT, related_name="transfers_out",
                                  verbose_name="pôle d'origine")
    to_pole = models.ForeignKey(Pole, on_delete=models.PROTECT, related_name="transfers_in",
                                verbose_name="pôle d'accueil")
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="établissement d'accueil")
    state = models.CharField("état", max_length=8, choices=TransferState.choices, default=TransferState.PROPOSED)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    created_at = models.DateTimeField("proposé le", auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "transfert vers un autre pôle"
        verbose_name_plural = "transferts vers un autre pôle"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "year"], name="transfer_once_a_year"),
            models.CheckConstraint(condition=~Q(from_pole=F("to_pole")), name="transfer_other_pole",
                                   violation_error_message="Un transfert va vers un autre pôle."),
        ]

    def __str__(self) -> str:
        return f"{self.student} : {self.from_pole} → {self.to_pole}"
