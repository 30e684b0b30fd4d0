"""Territory and people: the ground floor every other app stands on."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pial.enums import (
    CIRCONSCRIPTION_ROLES,
    DEPARTEMENT_ROLES,
    POLE_ROLES,
    PoleDegree,
    PoleKind,
    Role,
    SchoolKind,
    Zone,
)
from pial.rules import normalize_uai
from pial.scope import NATIONAL, Scope
from pial.validators import validate_uai


class UserQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> UserQuerySet:
        """People holding a membership the scope can see."""
        if scope.is_national:
            return self
        return self.filter(
            memberships__in=Membership.objects.visible_to(scope)
        ).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their professional e-mail."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(
        "équipe technique",
        default=False,
        help_text="Réservé à l'administration nationale de l'application.",
    )
    date_joined = models.DateTimeField("créé le", default=timezone.now)
    session_generation = models.PositiveIntegerField(
        "génération des sessions", default=0, editable=False,
        help_text="Augmentée pour fermer toutes les sessions ouvertes du compte.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur·rice"
        verbose_name_plural = "utilisateur·rices"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    # Django checks every request's session against this hash: raising session_generation
    # (pial.services.user_sessions_end) ends every open session of the account, wherever it
    # is stored, without reading the session table. At 0 the hash is Django's own, so the
    # sessions open before the field existed stay valid.
    def get_session_auth_hash(self) -> str:
        return self._with_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._with_generation(fallback)

    def _with_generation(self, password_hash: str) -> str:
        if not self.session_generation:
            return password_hash
        return salted_hmac("pial.User.session_generation", f"{password_hash}:{self.session_generation}",
                           algorithm="sha256").hexdigest()


class TerritoryQuerySet(models.QuerySet):
    """Scoping shared by the territory models; each names its own paths."""

    departement_path = "departement"
    circonscription_filter = "circonscription"
    pole_filter = "pole"
    referent_filter = "schools__referent_memberships"

    def visible_to(self, scope: Scope):
        if scope.role == NATIONAL:
            return self
        if scope.role in POLE_ROLES:
            return self._filter_on(self.pole_filter, scope.pole_id)
        if scope.role in CIRCONSCRIPTION_ROLES:
            return self._filter_on(self.circonscription_filter, scope.circonscription_id)
        if scope.role == Role.GESTIONNAIRE:
            return self._filter_on(self.departement_path, scope.departement_id)
        if scope.role == Role.ENSEIGNANT_REFERENT:
            return self._filter_on(self.referent_filter, scope.membership_id)
        return self.none()

    def _filter_on(self, path: str, value):
        """Filters on a path; a path through a to-many relation needs DISTINCT."""
        queryset = self.filter(**{path: value})
        return queryset.distinct() if self._crosses_to_many(path) else queryset

    def _crosses_to_many(self, path: str) -> bool:
        model = self.model
        for part in path.split("__"):
            if part == "pk" or model is None:
                return False
            field = model._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            model = field.related_model
        return False


class DepartementQuerySet(TerritoryQuerySet):
    departement_path = "pk"
    circonscription_filter = "circonscriptions"
    pole_filter = "poles"
    referent_filter = "schools__referent_memberships"


class Departement(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    academie = models.CharField("académie", max_length=100, blank=True)

    objects = DepartementQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CirconscriptionQuerySet(TerritoryQuerySet):
    circonscription_filter = "pk"
    pole_filter = "schools__pole"


class Circonscription(models.Model):
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="circonscriptions",
        verbose_name="département",
    )
    name = models.CharField("nom", max_length=150)
    ien_name = models.CharField(
        "IEN de circonscription", max_length=150, blank=True,
        help_text="Nom de l'inspecteur·rice tel qu'il figure sur les courriers.",
    )

    objects = CirconscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "circonscription"
        ordering = ["departement__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "name"], name="circonscription_unique_name",
                violation_error_message="Une circonscription de ce nom existe déjà dans ce département.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PoleQuerySet(TerritoryQuerySet):
    pole_filter = "pk"

    def visible_to(self, scope: Scope) -> PoleQuerySet:
        if scope.role in CIRCONSCRIPTION_ROLES:
            circ = scope.circonscription_id
            return self.filter(Q(circonscription=circ) | Q(schools__circonscription=circ)).distinct()
        return super().visible_to(scope)


class Pole(models.Model):
    """A PIAL or a PAS: schools sharing a pool of AESH."""

    name = models.CharField("nom", max_length=150)
    code = models.CharField(
        "code (UAI du siège)", max_length=8, blank=True, null=True, unique=True,
        validators=[validate_uai],
        help_text="UAI de l'établissement siège, tel qu'il figure dans l'annuaire.",
    )
    kind = models.CharField("type", max_length=4, choices=PoleKind.choices,
                            default=PoleKind.PIAL)
    degree = models.CharField("degré", max_length=8, choices=PoleDegree.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="poles",
        verbose_name="département",
    )
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="poles", verbose_name="circonscription de rattachement",
    )

    objects = PoleQuerySet.as_manager()

    class Meta:
        verbose_name = "pôle (PIAL / PAS)"
        verbose_name_plural = "pôles (PIAL / PAS)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.code:
            self.code = normalize_uai(self.code)
        if self.circonscription_id and self.departement_id and (
            self.circonscription.departement_id != self.departement_id
        ):
            raise ValidationError(
                {"circonscription": "La circonscription n'est pas dans le département du pôle."}
            )


class SchoolQuerySet(TerritoryQuerySet):
    referent_filter = "referent_memberships"


class School(models.Model):
    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=SchoolKind.choices)
    city = models.CharField("commune", max_length=150, blank=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="schools",
        verbose_name="département",
    )
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="schools", verbose_name="circonscription",
    )
    pole = models.ForeignKey(
        Pole, on_delete=models.SET_NULL, null=True, blank=True, related_name="schools",
        verbose_name="pôle",
    )
    zone = models.CharField("zone de vacances", max_length=5, choices=Zone.choices, blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement scolaire"
        verbose_name_plural = "établissements scolaires"
        ordering = ["name"]
        indexes = [models.Index(fields=["pole", "name"]), models.Index(fields=["circonscription"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"

    def clean(self):
        super().clean()
        self.uai = normalize_uai(self.uai)
        errors = {}
        if self.circonscription_id and self.departement_id and (
            self.circonscription.departement_id != self.departement_id
        ):
            errors["circonscription"] = "La circonscription n'est pas dans le département de l'établissement."
        if self.pole_id and self.departement_id and self.pole.departement_id != self.departement_id:
            errors["pole"] = "Le pôle n'est pas dans le département de l'établissement."
        if errors:
            raise ValidationError(errors)


class SchoolYearQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> SchoolYearQuerySet:
        """School years are public calendar data: anyone with a role reads them."""
        return self.none() if scope.is_nobody else self

    def current(self) -> SchoolYear | None:
        return self.filter(is_current=True).first()

    def after(self, year: SchoolYear) -> SchoolYear | None:
        """The year that follows `year` (the N+1 of the rentrée being prepared)."""
        return self.filter(start_date__gt=year.start_date).order_by("start_date").first()

    def before(self, year: SchoolYear) -> SchoolYear | None:
        return self.filter(start_date__lt=year.start_date).order_by("-start_date").first()


class SchoolYear(models.Model):
    name = models.CharField("année scolaire", max_length=9, unique=True,
                            help_text="Par exemple 2026-2027.")
    start_date = models.DateField("date de rentrée")
    end_date = models.DateField("date de fin")
    is_current = models.BooleanField("année en cours", default=False)

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        verbose_name = "année scolaire"
        verbose_name_plural = "années scolaires"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="schoolyear_end_after_start",
                violation_error_message="La date de fin doit suivre la date de rentrée.",
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="schoolyear_one_current",
                violation_error_message="Une autre année scolaire est déjà marquée comme en cours.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "La date de fin doit suivre la date de rentrée."})


class Sector(models.Model):
    """Carte scolaire: the collège a first-degree school sends its CM2 students to (DSDEN data)."""

    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="sectors",
                                    verbose_name="département")
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="sector",
                                  verbose_name="école")
    college = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sector_schools",
                                verbose_name="collège de secteur")

    class Meta:
        verbose_name = "secteur de collège"
        verbose_name_plural = "secteurs de collège"
        ordering = ["school__name"]

    def __str__(self) -> str:
        return f"{self.school.name} → {self.college.name}"

    def clean(self):
        super().clean()
        errors = {}
        if self.school_id and self.school.kind not in SchoolKind.first_degree():
            errors["school"] = "Le secteur part d'une école (maternelle, élémentaire ou primaire)."
        if self.college_id and self.college.kind != SchoolKind.COLLEGE:
            errors["college"] = "L'établissement de secteur doit être un collège."
        for field in ("school", "college"):
            target = getattr(self, f"{field}_id") and getattr(self, field)
            if target and self.departement_id and target.departement_id != self.departement_id:
                errors[field] = "Cet établissement n'est pas dans le département du secteur."
        if errors:
            raise ValidationError(errors)


class YearSwitch(models.Model):
    """The switch of a département onto a school year (« Basculer sur 2027-2028 »): once only."""

    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="year_switches",
                                    verbose_name="département")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="switches",
                             verbose_name="année scolaire")
    switched_at = models.DateTimeField("basculé le", default=timezone.now)
    switched_by = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    summary = models.JSONField("changements appliqués", default=dict)

    class Meta:
        verbose_name = "bascule d'année"
        verbose_name_plural = "bascules d'année"
        ordering = ["-switched_at"]
        constraints = [models.UniqueConstraint(fields=["departement", "year"], name="yearswitch_once")]

    def __str__(self) -> str:
        return f"{self.departement} → {self.year}"


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> MembershipQuerySet:
        """Memberships over a territory the scope covers."""
        if scope.is_national:
            return self
        if scope.role == Role.GESTIONNAIRE:
            dep = scope.departement_id
            return self.filter(
                Q(departement_id=dep) | Q(pole__departement_id=dep)
                | Q(circonscription__departement_id=dep)
            )
        if scope.role in (Role.COORDINATOR, Role.PILOT):
            return self.filter(pole_id=scope.pole_id)
        if scope.membership_id:
            return self.filter(pk=scope.membership_id)
        return self.none()


def _scope_constraint() -> Q:
    pole_only = Q(pole__isnull=False, circonscription__isnull=True, departement__isnull=True)
    circ_only = Q(pole__isnull=True, circonscription__isnull=False, departement__isnull=True)
    dep_only = Q(pole__isnull=True, circonscription__isnull=True, departement__isnull=False)
    return (
        (Q(role__in=sorted(POLE_ROLES)) & pole_only)
        | (Q(role__in=sorted(CIRCONSCRIPTION_ROLES)) & circ_only)
        | (Q(role__in=sorted(DEPARTEMENT_ROLES)) & dep_only)
    )


class Membership(models.Model):
    """A user's role over a territory: pôle, circonscription or département."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur·rice"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
        verbose_name="pôle",
    )
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name="circonscription",
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name="département",
    )
    schools = models.ManyToManyField(
        School, blank=True, related_name="referent_memberships",
        verbose_name="établissements du secteur",
        help_text="Pour un·e enseignant·e référent·e : les établissements de son secteur.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle"
        verbose_name_plural = "rôles"
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=_scope_constraint(), name="membership_scope_matches_role",
                violation_error_message="Le territoire ne correspond pas au rôle choisi.",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "pole"], condition=Q(pole__isnull=False),
                name="membership_unique_pole",
                violation_error_message="Ce rôle existe déjà pour cette personne sur ce pôle.",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "circonscription"],
                condition=Q(circonscription__isnull=False), name="membership_unique_circonscription",
                violation_error_message="Ce rôle existe déjà pour cette personne sur cette circonscription.",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "departement"], condition=Q(departement__isnull=False),
                name="membership_unique_departement",
                violation_error_message="Ce rôle existe déjà pour cette personne sur ce département.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.territory_label}"

    @property
    def territory_label(self) -> str:
        if self.pole_id:
            return str(self.pole)
        if self.circonscription_id:
            return f"Circonscription {self.circonscription}"
        if self.departement_id:
            return str(self.departement)
        return ""

    def clean(self):
        super().clean()
        expected = {
            **dict.fromkeys(POLE_ROLES, "pole"),
            **dict.fromkeys(CIRCONSCRIPTION_ROLES, "circonscription"),
            **dict.fromkeys(DEPARTEMENT_ROLES, "departement"),
        }
        wanted = expected.get(self.role)
        if not wanted:
            return
        labels = {"pole": "un pôle", "circonscription": "une circonscription",
                  "departement": "un département"}
        errors = {}
        for field in ("pole", "circonscription", "departement"):
            is_set = getattr(self, f"{field}_id") is not None
            if field == wanted and not is_set:
                errors[field] = f"Ce rôle s'exerce sur {labels[field]} : indiquez-le."
            elif field != wanted and is_set:
                errors[field] = f"Ce rôle s'exerce sur {labels[wanted]}, pas ici : laissez ce champ vide."
        if errors:
            raise ValidationError(errors)


class ReminderState(models.TextChoices):
    PENDING = "PENDING", "À envoyer"
    SENT = "SENT", "Envoyé"
    FAILED = "FAILED", "Échec définitif"


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> ReminderQuerySet:
        """The national admin sees every reminder; anyone else the ones they received."""
        if scope.is_national:
            return self
        if scope.membership is None:
            return self.none()
        return self.filter(recipient__iexact=scope.membership.user.email)


class Reminder(models.Model):
    """One reminder e-mail to one person, identified by its key: job, object, threshold,
    period. The unique key makes a job run twice, or two beat processes, create it once;
    a worker sends it under a row lock and marks it sent in the same transaction."""

    job = models.CharField("tâche", max_length=40)
    target = models.CharField("objet", max_length=60, help_text="Par exemple aesh:12 ou contract:4.")
    threshold = models.CharField("seuil", max_length=20)
    period = models.CharField("période", max_length=20, help_text="Date ou semaine concernée.")
    recipient = models.EmailField("destinataire")
    subject = models.CharField("objet de l'e-mail", max_length=200)
    body = models.TextField("texte")
    html = models.TextField("HTML", blank=True)
    payload = models.JSONField("données", default=dict, blank=True)
    state = models.CharField("état", max_length=8, choices=ReminderState.choices, default=ReminderState.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "target", "threshold", "period", "recipient"],
                                    name="reminder_unique_key"),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.target} ({self.threshold}) → {self.recipient}"


class ImportState(models.TextChoices):
    UPLOADED = "UPLOADED", "Colonnes à vérifier"
    CHECKING = "CHECKING", "Vérification en cours"
    READY = "READY", "Aperçu prêt"
    SAVING = "SAVING", "Enregistrement en cours"
    SAVED = "SAVED", "Enregistré"
    FAILED = "FAILED", "Échec"


class SpreadsheetImport(models.Model):
    """A spreadsheet on its way in, between the steps of its import (columns, preview, save).

    The file was parsed once, at upload, into rows staged in the private storage alias
    « imports » (pial.uploads); `preview` is the report of the last check. Nothing lives on
    one web process: any process takes any step. Only the sender can open it (token and
    user); what is not saved is deleted after IMPORT_STAGED_HOURS."""

    token = models.CharField(max_length=32, unique=True)
    flow = models.CharField("import", max_length=20, help_text="Espace d'URL de l'import : aesh, eleves…")
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name="envoyé par")
    role = models.CharField("rôle de l'envoi", max_length=20, choices=Role.choices, blank=True)
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="+", verbose_name="pôle")
    filename = models.CharField("fichier", max_length=255)
    sheet = models.CharField("onglet", max_length=255)
    header_index = models.PositiveIntegerField("ligne d'en-tête (depuis 0)")
    header = models.JSONField("intitulés des colonnes", default=list)
    samples = models.JSONField("premières lignes", default=list)
    row_count = models.PositiveIntegerField("lignes de données")
    mapping = models.JSONField("correspondance des colonnes", default=dict)
    # Bumped at each new mapping: a check started for an older one does not store its preview.
    revision = models.PositiveIntegerField("version de la correspondance", default=0)
    state = models.CharField("état", max_length=8, choices=ImportState.choices, default=ImportState.UPLOADED)
    preview = models.JSONField("aperçu", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "import de tableau"
        verbose_name_plural = "imports de tableaux"
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.SAVING)
