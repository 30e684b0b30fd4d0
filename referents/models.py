"""The AESH référent's toolbox: welcome sheets per school (versioned), the newcomer's path,
the pôle's resources with the département and national shelves, practice-sharing sessions.

An app of its own, standing on `hours` (the référent's activity log, which the newcomer
steps and the sessions feed) and below `reports`: floors stay one-way.
"""

from __future__ import annotations

import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from aesh.models import Aesh, Training, TrainingTheme
from hours.models import ReferentActivity
from missions.models import Assignment
from pial.enums import Role
from pial.models import Departement, Pole, School, User
from pial.scope import Scope
from referents import rules
from referents.enums import NewcomerStepKind, ResourceKind, ResourceLevel, Shelf

# --- Welcome sheets --------------------------------------------------------------------------

SHEET_FIELDS = [
    ("access", "Adresse et accès", "Adresse, entrée à utiliser, stationnement, transports."),
    ("hours", "Horaires et sonneries", "Ouverture, récréations, sonneries, sortie."),
    ("contacts", "À qui s'adresser", "Par fonction (direction, vie scolaire, infirmerie, enseignant·e référent·e), "
                                     "avec le standard de l'établissement ; jamais un numéro personnel."),
    ("aesh_room", "Salle des AESH, casiers", "Où poser ses affaires, où se retrouver, où trouver le matériel."),
    ("lunch", "Restauration, pause méridienne", "Où et quand déjeuner ; l'accompagnement à la cantine."),
    ("rules", "Règles de l'établissement", "Règlement intérieur, sécurité, exercices, sorties."),
    ("ulis", "L'ULIS", "S'il y en a une : où elle se trouve, qui la coordonne."),
    ("other", "Autres informations utiles", "Tout ce qui aide le premier jour."),
]
SHEET_FIELD_NAMES = [name for name, _, _ in SHEET_FIELDS]
SHEET_TEXT_MAX = 2000


class WelcomeSheetQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope, day: datetime.date | None = None, *,
                   referent: bool = False) -> WelcomeSheetQuerySet:
        """The pôle's coordination and pilots, its référent·es: every sheet of the pôle; an AESH: the
        sheets of the schools of their assignments in force on `day` (from the assignment's start)."""
        if scope.is_national:
            return self
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(school__departement_id=scope.departement_id)
        if scope.role in (Role.COORDINATOR, Role.PILOT) or (scope.role == Role.AESH and referent):
            return self.filter(school__pole_id=scope.pole_id)
        if scope.role == Role.AESH:
            return self.filter(school__in=schools_assigned(scope, day or timezone.localdate()))
        return self.none()


def schools_assigned(scope: Scope, day: datetime.date):
    """Schools where the acting AESH has an assignment in force on `day`: a student's school, or the
    ULIS's."""
    in_force = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    mine = Q(aesh__user_id=scope.membership.user_id, aesh__home_pole_id=scope.pole_id)
    assignments = Assignment.objects.filter(in_force & mine)
    return School.objects.filter(Q(students__assignments__in=assignments)
                                 | Q(ulis_units__assignments__in=assignments)).values("pk")


class WelcomeSheet(models.Model):
    """A school's « livret d'accueil »: what an AESH needs on their first day. No student data."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="welcome_sheet",
                                  verbose_name="établissement")
    access = models.TextField("adresse et accès", blank=True, max_length=SHEET_TEXT_MAX)
    hours = models.TextField("horaires et sonneries", blank=True, max_length=SHEET_TEXT_MAX)
    contacts = models.TextField("à qui s'adresser", blank=True, max_length=SHEET_TEXT_MAX)
    aesh_room = models.TextField("salle des AESH, casiers", blank=True, max_length=SHEET_TEXT_MAX)
    lunch = models.TextField("restauration, pause méridienne", blank=True, max_length=SHEET_TEXT_MAX)
    rules = models.TextField("règles de l'établissement", blank=True, max_length=SHEET_TEXT_MAX)
    ulis = models.TextField("l'ULIS", blank=True, max_length=SHEET_TEXT_MAX)
    other = models.TextField("autres informations utiles", blank=True, max_length=SHEET_TEXT_MAX)
    version = models.PositiveIntegerField("version", default=0)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="modifié par")

    objects = WelcomeSheetQuerySet.as_manager()

    class Meta:
        verbose_name = "livret d'accueil"
        verbose_name_plural = "livrets d'accueil"
        ordering = ["school__name"]

    def __str__(self) -> str:
        return f"Livret d'accueil — {self.school.name}"

    @property
    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SHEET_FIELD_NAMES}

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, name)) for name, label, _ in SHEET_FIELDS if getattr(self, name).strip()]

    def clean(self):
        super().clean()
        errors = {name: message for name in SHEET_FIELD_NAMES
                  if (message := rules.private_number_error(getattr(self, name)))}
        if errors:
            raise ValidationError(errors)


class WelcomeSheetVersion(models.Model):
    """Each saved state of a sheet: who changed what, when."""

    sheet = models.ForeignKey(WelcomeSheet, on_delete=models.CASCADE, related_name="versions",
                              verbose_name="livret")
    number = models.PositiveIntegerField("version")
    content = models.JSONField("contenu")
    changed = models.JSONField("rubriques modifiées", default=list)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="par")
    author_label = models.CharField("par (nom et rôle)", max_length=200)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "version d'un livret d'accueil"
        verbose_name_plural = "versions des livrets d'accueil"
        ordering = ["sheet", "-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="welcomesheetversion_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} du {self.created_at:%d/%m/%Y}"

    @property
    def changed_labels(self) -> list[str]:
        labels = {name: label for name, label, _ in SHEET_FIELDS}
        return [labels[name] for name in self.changed if name in labels]


class WelcomeSheetRead(models.Model):
    """An AESH opened a sheet: the first time, and the last version they saw."""

    sheet = models.ForeignKey(WelcomeSheet, on_delete=models.CASCADE, related_name="reads", verbose_name="livret")
    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="+", verbose_name="AESH")
    first_read_at = models.DateTimeField("lu le", auto_now_add=True)
    version = models.PositiveIntegerField("dernière version lue")

    class Meta:
        verbose_name = "lecture d'un livret"
        verbose_name_plural = "lectures des livrets"
        constraints = [models.UniqueConstraint(fields=["sheet", "aesh"], name="welcomesheetread_unique")]

    def __str__(self) -> str:
        return f"{self.aesh} a lu la version {self.version}"


# --- Newcomers ------------------------------------------------------------------------------

class NewcomerPathQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> NewcomerPathQuerySet:
        """The pôle's coordination and pilots; the newcomer themself; the référent assigned to them."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(aesh__home_pole_id=scope.pole_id)
        if scope.role == Role.AESH:
            user_id = scope.membership.user_id
            return self.filter(Q(aesh__user_id=user_id) | Q(referent__user_id=user_id),
                               aesh__home_pole_id=scope.pole_id)
        return self.none()


class NewcomerPath(models.Model):
    """The welcome of an AESH newly arrived in the pôle (first contract or first assignment)."""

    aesh = models.OneToOneField(Aesh, on_delete=models.CASCADE, related_name="newcomer_path",
                                verbose_name="AESH nouvellement arrivé·e")
    referent = models.ForeignKey(Aesh, on_delete=models.SET_NULL, null=True, blank=True, related_name="newcomers",
                                 verbose_name="AESH référent·e")
    joined_on = models.DateField("arrivée dans le pôle")
    opened_at = models.DateTimeField("ouvert le", auto_now_add=True)
    opened_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="ouvert par", help_text="Vide : ouvert automatiquement.")
    completed_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = NewcomerPathQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours d'accueil"
        verbose_name_plural = "parcours d'accueil"
        ordering = ["-joined_on", "aesh__last_name"]
        constraints = [models.CheckConstraint(condition=~Q(referent=F("aesh")), name="newcomerpath_not_own_referent",
                                              violation_error_message="Un·e AESH n'est pas son propre référent·e.")]

    def __str__(self) -> str:
        return f"Parcours d'accueil de {self.aesh}"


class NewcomerStep(models.Model):
    """A step of the path, once done. One per kind (constraint): ticking twice changes nothing.
    Done by the path's référent, it is one line of their activity log (`activity`)."""

    path = models.ForeignKey(NewcomerPath, on_delete=models.CASCADE, related_name="steps", verbose_name="parcours")
    kind = models.CharField("étape", max_length=16, choices=NewcomerStepKind.choices)
    done_on = models.DateField("faite le")
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name="par")
    done_by_label = models.CharField("par (rôle)", max_length=100)
    note = models.CharField("précision", max_length=200, blank=True,
                            help_text="Sans nom d'élève ni donnée de santé.")
    activity = models.OneToOneField(ReferentActivity, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="action de référent·e")
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "étape du parcours d'accueil"
        verbose_name_plural = "étapes du parcours d'accueil"
        ordering = ["path", "created_at"]
        constraints = [models.UniqueConstraint(fields=["path", "kind"], name="newcomerstep_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.done_on:%d/%m/%Y}"


# --- Resources ------------------------------------------------------------------------------

class PrivateStorage(FileSystemStorage):
    """Resources live outside any public tree (PRIVATE_MEDIA_ROOT/resources, read at each use); a
    checked view serves them."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.PRIVATE_MEDIA_ROOT) / "resources")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def resource_path(instance, filename: str) -> str:
    return uuid.uuid4().hex


class ResourceTag(models.Model):
    name = models.CharField("mot-clé", max_length=40)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        verbose_name = "mot-clé"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> ResourceQuerySet:
        """The pôle's people read its shelf, their département's and the national one; the DSDEN
        its département's shelf and the national one."""
        national = Q(pole__isnull=True, departement__isnull=True)
        if scope.is_national:
            return self
        if scope.role == Role.GESTIONNAIRE:
            return self.filter(national | Q(departement_id=scope.departement_id))
        if scope.pole_id:
            return self.filter(national | Q(pole_id=scope.pole_id) | Q(departement__poles=scope.pole_id)).distinct()
        return self.none()


class Resource(models.Model):
    """A link or a document of a shelf: the pôle's, the département's or the national one."""

    title = models.CharField("titre", max_length=200)
    kind = models.CharField("nature", max_length=8, choices=ResourceKind.choices, default=ResourceKind.LINK)
    url = models.URLField("adresse du lien", max_length=500, blank=True)
    file = models.FileField("fichier", storage=private_storage, upload_to=resource_path, blank=True)
    original_name = models.CharField("nom du fichier", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    description = models.TextField("description", max_length=1000, blank=True)
    tags = models.ManyToManyField(ResourceTag, blank=True, related_name="resources", verbose_name="mots-clés")
    levels = models.CharField("niveaux", max_length=100, blank=True, help_text="Vide : tous les niveaux.")
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, null=True, blank=True, related_name="resources",
                             verbose_name="pôle")
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="resources", verbose_name="département")
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name="ajoutée par")
    added_by_label = models.CharField("ajoutée par (nom et rôle)", max_length=200)
    added_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource partagée"
        verbose_name_plural = "ressources partagées"
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pole__isnull=True) | Q(departement__isnull=True),
                                   name="resource_one_shelf",
                                   violation_error_message="Une ressource est sur une seule étagère."),
            models.CheckConstraint(condition=(Q(kind=ResourceKind.LINK) & ~Q(url=""))
                                   | (Q(kind=ResourceKind.DOCUMENT) & ~Q(file="")),
                                   name="resource_link_or_file",
                                   violation_error_message="Un lien a une adresse ; un document, un fichier."),
        ]
        indexes = [models.Index(fields=["pole", "-added_at"]), models.Index(fields=["departement", "-added_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shelf(self) -> str:
        if self.pole_id:
            return Shelf.POLE
        return Shelf.DEPARTEMENT if self.departement_id else Shelf.NATIONAL

    @property
    def shelf_label(self) -> str:
        return Shelf(self.shelf).label

    @property
    def level_labels(self) -> list[str]:
        return [ResourceLevel(level).label for level in rules.levels_of(self.levels) if level in ResourceLevel.values]

    def clean(self):
        super().clean()
        if self.kind == ResourceKind.LINK and not self.url:
            raise ValidationError({"url": "Indiquez l'adresse du lien."})
        if self.kind == ResourceKind.LINK and self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": "Indiquez une adresse web complète (https://…)."})
        if self.kind == ResourceKind.DOCUMENT and not self.file:
            raise ValidationError({"file": "Choisissez le fichier à partager."})


# --- Practice-sharing sessions --------------------------------------------------------------

class PracticeSessionQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> PracticeSessionQuerySet:
        """The pôle's coordination, pilots and AESH."""
        if scope.is_national:
            return self
        if scope.role in (Role.COORDINATOR, Role.PILOT, Role.AESH):
            return self.filter(pole_id=scope.pole_id)
        return self.none()


class PracticeSession(models.Model):
    """A practice-sharing group (« groupe d'échange de pratiques ») led by a référent: its date,
    theme, attendees and shared resources; counted as training for the attendees when the
    pilots say so."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="practice_sessions", verbose_name="pôle")
    referent = models.ForeignKey(Aesh, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name="animée par")
    date = models.DateField("date")
    minutes = models.PositiveSmallIntegerField("durée (minutes)",
                                               validators=[MinValueValidator(15), MaxValueValidator(600)])
    theme = models.CharField("thème", max_length=200)
    training_theme = models.ForeignKey(TrainingTheme, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name="thème de formation de la DSDEN")
    place = models.CharField("lieu", max_length=200, blank=True)
    summary = models.TextField("ce qui a été partagé", max_length=2000, blank=True,
                               help_text="Sans nom d'élève ni donnée de santé.")
    resources = models.ManyToManyField(Resource, blank=True, related_name="sessions",
                                       verbose_name="ressources partagées")
    counts_as_training = models.BooleanField("comptée comme formation", default=False)
    training_decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="+", verbose_name="décision des pilotes par")
    training_decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    activity = models.OneToOneField(ReferentActivity, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="action de référent·e")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = PracticeSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "groupe d'échange de pratiques"
        verbose_name_plural = "groupes d'échange de pratiques"
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=15, minutes__lte=600),
                                              name="practicesession_minutes_range",
                                              violation_error_message="Une séance dure de 15 minutes à 10 heures.")]

    def __str__(self) -> str:
        return f"{self.theme} ({self.date:%d/%m/%Y})"


class SessionAttendance(models.Model):
    """An AESH of the pôle and a session: signed up before, present after; their training line
    when the session counts as training."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name="séance")
    aesh = models.ForeignKey(Aesh, on_delete=models.CASCADE, related_name="+", verbose_name="AESH")
    signed_up_at = models.DateTimeField("inscrit·e le", null=True, blank=True)
    attended = models.BooleanField("présent·e", default=False)
    training = models.OneToOneField(Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="formation enregistrée")

    class Meta:
        verbose_name = "participation"
        ordering = ["session", "aesh__last_name"]
        constraints = [models.UniqueConstraint(fields=["session", "aesh"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.aesh} — {self.session}"
