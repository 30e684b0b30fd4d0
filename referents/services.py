"""Writes of the toolbox: sheets and their versions, newcomer paths and steps (one line of the
référent's log per step, once), resources, practice-sharing sessions and their training lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DateField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from aesh.enums import TrainingKind
from aesh.models import Aesh, Contract, Training
from hours.enums import ReferentActivityKind
from hours.services import referent_activity_add
from missions.models import Assignment, LetterState, MissionLetter
from pial import figures
from pial.conf import setting
from pial.models import SchoolYear
from referents import rules
from referents.enums import NewcomerStepKind, ResourceKind, Shelf
from referents.models import (
    SHEET_FIELD_NAMES,
    NewcomerPath,
    NewcomerStep,
    PracticeSession,
    Resource,
    ResourceTag,
    SessionAttendance,
    WelcomeSheet,
    WelcomeSheetRead,
    WelcomeSheetVersion,
)

# --- Welcome sheets --------------------------------------------------------------------------

@transaction.atomic
def sheet_save(*, school, data: dict[str, str], user, author_label: str, version: int | None = None) -> WelcomeSheet:
    """Saves the sheet and its new version (who, when, which sections changed). `version` is the
    one the writer started from: another writer's save in between is refused, nothing lost."""
    sheet, _ = WelcomeSheet.objects.get_or_create(school=school)
    sheet = WelcomeSheet.objects.select_for_update().get(pk=sheet.pk)
    if version is not None and version != sheet.version:
        raise ValidationError("Quelqu'un a modifié ce livret pendant que vous l'écriviez : rechargez la page pour "
                              "partir de sa dernière version (vos changements n'ont pas été enregistrés).")
    before = sheet.content
    after = {name: (data.get(name) or "").strip() for name in SHEET_FIELD_NAMES}
    changed = rules.changed_fields(before, after)
    if not changed:
        return sheet
    for name, value in after.items():
        setattr(sheet, name, value)
    sheet.version += 1
    sheet.updated_by = user
    sheet.full_clean()
    sheet.save()
    WelcomeSheetVersion.objects.create(sheet=sheet, number=sheet.version, content=after, changed=changed,
                                       author=user, author_label=author_label[:200])
    return sheet


def sheet_read(*, sheet: WelcomeSheet, aesh: Aesh) -> None:
    """Keeps that the AESH opened the sheet, and the last version they saw."""
    updated = WelcomeSheetRead.objects.filter(sheet=sheet, aesh=aesh).exclude(version=sheet.version).update(
        version=sheet.version)
    if not updated:
        WelcomeSheetRead.objects.get_or_create(sheet=sheet, aesh=aesh, defaults={"version": sheet.version})


# --- Newcomers -------------------------------------------------------------------------------

def joined_on_annotation():
    """The day an AESH joined the pôle: when they had both a contract and an assignment (the later
    of their first contract's start and their first assignment's), or whichever of the two exists.
    An assignment dated from a student's notification may start before the AESH was hired."""
    first_contract = Contract.objects.filter(aesh=OuterRef("pk")).order_by("start_date").values("start_date")[:1]
    first_assignment = Assignment.objects.filter(aesh=OuterRef("pk")).order_by("start_date").values("start_date")[:1]
    contract, assignment = Subquery(first_contract, output_field=DateField()), Subquery(first_assignment,
                                                                                        output_field=DateField())
    return Greatest(Coalesce(contract, assignment), Coalesce(assignment, contract))


def newcomers_without_path(today: datetime.date, pole_id: int | None = None):
    """AESH who joined within the detection days (setting) and have no path yet."""
    since = today - datetime.timedelta(days=setting("NEWCOMER_DETECTION_DAYS"))
    queryset = Aesh.objects.filter(newcomer_path__isnull=True)
    if pole_id is not None:
        queryset = queryset.filter(home_pole_id=pole_id)
    return (queryset.annotate(joined=joined_on_annotation()).filter(joined__gte=since, joined__lte=today)
            .select_related("home_pole").order_by("home_pole_id", "joined", "last_name"))


def referents_of(pole_id: int, today: datetime.date):
    """The pôle's référent·es this year: an AESH of the pôle with a mission letter of the current
    year, signed or being signed, fewest newcomers first."""
    year = SchoolYear.objects.current()
    letters = MissionLetter.objects.filter(pole_id=pole_id, state__in=[LetterState.IN_FORCE, LetterState.SIGNING])
    if year:
        letters = letters.filter(school_year=year)
    return (Aesh.objects.filter(home_pole_id=pole_id, pk__in=letters.values("referent_id"))
            .annotate(open_newcomers=Count("newcomers", filter=Q(newcomers__completed_at__isnull=True)))
            .order_by("open_newcomers", "last_name", "pk"))


@transaction.atomic
def path_open(*, aesh: Aesh, joined_on: datetime.date, today: datetime.date, user=None,
              referent: Aesh | None = None) -> NewcomerPath:
    """Opens the AESH's path (once: a second call returns the first), with the pôle's least busy
    référent unless one is given."""
    Aesh.objects.select_for_update().get(pk=aesh.pk)
    existing = NewcomerPath.objects.filter(aesh=aesh).first()
    if existing:
        return existing
    if referent is None:
        referent = referents_of(aesh.home_pole_id, today).exclude(pk=aesh.pk).first()
    path = NewcomerPath(aesh=aesh, referent=referent, joined_on=joined_on, opened_by=user)
    path.full_clean()
    path.save()
    return path


def paths_open(*, today: datetime.date, pole_id: int | None = None, user=None) -> list[NewcomerPath]:
    """Opens a path for every newcomer without one (the nightly task, or the coordination's button)."""
    return [path_open(aesh=aesh, joined_on=aesh.joined, today=today, user=user)
            for aesh in newcomers_without_path(today, pole_id)]


@transaction.atomic
def path_referent_set(*, path: NewcomerPath, referent: Aesh | None) -> NewcomerPath:
    if referent is not None and (referent.home_pole_id != path.aesh.home_pole_id or referent.pk == path.aesh_id):
        raise ValidationError({"referent": "Choisissez un·e référent·e du pôle, autre que l'AESH accueilli·e."})
    path.referent = referent
    path.save(update_fields=["referent"])
    return path


@transaction.atomic
def step_done(*, path: NewcomerPath, kind: str, user, by_referent: Aesh | None, day: datetime.date,
              minutes: int | None = None, note: str = "", done_by_label: str) -> NewcomerStep:
    """Ticks a step, once: a second call returns the step as it is. Done by the path's référent,
    it is one line of their activity log (kind « accueil », the newcomer as the AESH supported),
    so that nothing is written twice."""
    path = NewcomerPath.objects.select_for_update(of=("self",)).select_related("aesh").get(pk=path.pk)
    if kind not in NewcomerStepKind.values:
        raise ValidationError("Cette étape n'existe pas.")
    existing = path.steps.filter(kind=kind).first()
    if existing:
        return existing
    if day > timezone.localdate():
        raise ValidationError({"done_on": "Une étape se coche une fois faite : la date est dans le futur."})
    if day < path.joined_on - datetime.timedelta(days=60):
        raise ValidationError({"done_on": "Cette date précède de loin l'arrivée de l'AESH : vérifiez-la."})
    note = " ".join((note or "").split())[:200]
    step = NewcomerStep(path=path, kind=kind, done_on=day, done_by=user, done_by_label=done_by_label[:100],
                        note=note)
    if by_referent is not None and by_referent.pk == path.referent_id:
        label = NewcomerStepKind(kind).label
        step.activity = referent_activity_add(
            referent=by_referent, date=day, kind=ReferentActivityKind.WELCOME,
            minutes=minutes or 0, supported=[path.aesh], note=f"Parcours d'accueil : {label}. {note}".strip()[:300],
            client_token=f"newcomer-{path.pk}-{kind}")
    step.full_clean()
    step.save()
    if path.steps.count() == len(NewcomerStepKind.values) and path.completed_at is None:
        path.completed_at = timezone.now()
        path.save(update_fields=["completed_at"])
    return step


@transaction.atomic
def step_undo(*, path: NewcomerPath, kind: str) -> None:
    """Unticks a step; the log line it wrote goes with it (it was never typed by anyone)."""
    path = NewcomerPath.objects.select_for_update().get(pk=path.pk)
    step = path.steps.filter(kind=kind).select_related("activity").first()
    if step is None:
        return
    if step.activity is not None:
        step.activity.delete()
    step.delete()
    if path.completed_at is not None:
        path.completed_at = None
        path.save(update_fields=["completed_at"])


# --- Resources -------------------------------------------------------------------------------

def _tags(text: str) -> list[ResourceTag]:
    tags = []
    for name in rules.tag_names(text):
        slug = rules.tag_slug(name)
        if slug:
            tags.append(ResourceTag.objects.get_or_create(slug=slug, defaults={"name": name})[0])
    return tags


@transaction.atomic
def resource_add(*, shelf: str, pole=None, departement=None, title: str, kind: str, url: str = "", upload=None,
                 description: str = "", tags: str = "", levels: list[str] | None = None, user,
                 added_by_label: str) -> Resource:
    """A link or a document on a shelf. A document is checked (size, extension, first bytes) and
    kept in private storage under a random name; it is served by a view only."""
    resource = Resource(title=title.strip(), kind=kind, description=(description or "").strip(),
                        levels=rules.levels_value(levels or []), added_by=user, added_by_label=added_by_label[:200],
                        pole=pole if shelf == Shelf.POLE else None,
                        departement=departement if shelf == Shelf.DEPARTEMENT else None)
    if (shelf == Shelf.POLE and pole is None) or (shelf == Shelf.DEPARTEMENT and departement is None):
        raise ValidationError("Cette étagère n'est pas la vôtre.")
    if kind == ResourceKind.LINK:
        resource.url = (url or "").strip()
    elif upload is not None:
        if upload.size > rules.DOCUMENT_MAX_MEGABYTES * 1024 * 1024:
            raise ValidationError({"file": f"Le fichier dépasse {rules.DOCUMENT_MAX_MEGABYTES} Mo."})
        head = upload.read(16)
        upload.seek(0)
        content_type, error = rules.document_type(upload.name, head)
        if error:
            raise ValidationError({"file": error})
        resource.content_type, resource.size, resource.original_name = content_type, upload.size, upload.name[:200]
        resource.file.save(upload.name, upload, save=False)
    resource.full_clean()
    resource.save()
    resource.tags.set(_tags(tags))
    return resource


@transaction.atomic
def resource_remove(*, resource: Resource) -> None:
    if resource.file:
        name, storage = resource.file.name, resource.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    resource.delete()


# --- Practice-sharing sessions ---------------------------------------------------------------

@transaction.atomic
def session_save(*, session: PracticeSession, resources: list[Resource], user) -> PracticeSession:
    if session.referent_id and session.referent.home_pole_id != session.pole_id:
        raise ValidationError({"referent": "Choisissez un·e référent·e du pôle."})
    foreign = [r for r in resources if r.pole_id not in (None, session.pole_id)]
    if foreign:
        raise ValidationError({"resources": "Choisissez des ressources du pôle ou des étagères communes."})
    if session.pk is None:
        session.created_by = user
    session.full_clean()
    session.save()
    session.resources.set(resources)
    if session.attendances.filter(attended=True).exists():
        _sync(session)
    return session


@transaction.atomic
def session_sign_up(*, session: PracticeSession, aesh: Aesh, signed_up: bool, today: datetime.date) -> None:
    """An AESH of the pôle signs up for a session to come, or withdraws."""
    if aesh.home_pole_id != session.pole_id:
        raise ValidationError("Cette séance n'est pas celle de votre pôle.")
    if session.date < today:
        raise ValidationError("La séance a eu lieu : l'inscription est close.")
    if signed_up:
        attendance, _ = SessionAttendance.objects.get_or_create(session=session, aesh=aesh)
        if attendance.signed_up_at is None:
            attendance.signed_up_at = timezone.now()
            attendance.save(update_fields=["signed_up_at"])
    else:
        SessionAttendance.objects.filter(session=session, aesh=aesh, attended=False).delete()


@transaction.atomic
def session_attendance(*, session: PracticeSession, attendees: list[Aesh], today: datetime.date) -> PracticeSession:
    """Who came: after the session, by its référent or the coordination. Feeds the référent's log
    once (one « groupe d'échange de pratiques » line, its attendees as the AESH supported) and,
    when the pilots said so, each attendee's training."""
    # Only the session's row is locked (its référent may be empty: PostgreSQL locks no outer join).
    session = (PracticeSession.objects.select_for_update(of=("self",)).select_related("referent", "pole")
               .get(pk=session.pk))
    if session.date > today:
        raise ValidationError("La séance n'a pas encore eu lieu : les présences se notent après.")
    strangers = [a for a in attendees if a.home_pole_id != session.pole_id]
    if strangers:
        raise ValidationError({"attendees": "Choisissez des AESH du pôle."})
    wanted = {a.pk for a in attendees}
    for attendance in session.attendances.all():
        if attendance.aesh_id not in wanted and attendance.attended:
            attendance.attended = False
            attendance.save(update_fields=["attended"])
    for aesh in attendees:
        attendance, _ = SessionAttendance.objects.get_or_create(session=session, aesh=aesh)
        if not attendance.attended:
            attendance.attended = True
            attendance.save(update_fields=["attended"])
    _sync(session)
    return session


@transaction.atomic
def session_training(*, session: PracticeSession, counts: bool, user) -> PracticeSession:
    """The pilots' decision: the session counts as training for its attendees, or no longer."""
    session = PracticeSession.objects.select_for_update(of=("self",)).select_related("pole").get(pk=session.pk)
    session.counts_as_training = counts
    session.training_decided_by = user
    session.training_decided_at = timezone.now()
    session.save(update_fields=["counts_as_training", "training_decided_by", "training_decided_at"])
    _sync(session)
    return session


def _sync(session: PracticeSession) -> None:
    """The référent's log line and the attendees' training lines, as the session now is."""
    attendances = list(session.attendances.select_related("aesh", "training"))
    present = [a.aesh for a in attendances if a.attended]
    supported = [a for a in present if a.pk != session.referent_id]
    if session.referent_id and present and session.date <= timezone.localdate():
        activity = referent_activity_add(
            referent=session.referent, date=session.date, kind=ReferentActivityKind.PRACTICE_GROUP,
            minutes=session.minutes, supported=supported, note=f"Groupe d'échange de pratiques : {session.theme}"[:300],
            client_token=f"session-{session.pk}")
        activity.supported.set(supported)
        if activity.minutes != session.minutes or activity.date != session.date:
            activity.minutes, activity.date = session.minutes, session.date
            activity.save(update_fields=["minutes", "date"])
        if session.activity_id != activity.pk:
            session.activity = activity
            session.save(update_fields=["activity"])
    elif session.activity_id:
        session.activity.delete()
    hours = (Decimal(session.minutes) / 60).quantize(Decimal("0.01"))
    with figures.writes(aesh_ids=[a.aesh_id for a in attendances]):  # their pôles' reports only (pial.figures)
        for attendance in attendances:
            wanted = session.counts_as_training and attendance.attended and attendance.aesh_id != session.referent_id
            if wanted and attendance.training is None:
                attendance.training = Training.objects.create(
                    aesh=attendance.aesh, kind=TrainingKind.CONTINUING, date=session.date, hours=hours,
                    title=f"Groupe d'échange de pratiques : {session.theme}"[:200],
                    organizer=f"{session.pole.name} — AESH référent·e"[:200])
                attendance.save(update_fields=["training"])
            elif wanted and (attendance.training.hours != hours or attendance.training.date != session.date):
                attendance.training.hours, attendance.training.date = hours, session.date
                attendance.training.save(update_fields=["hours", "date"])
            elif not wanted and attendance.training is not None:
                attendance.training.delete()
                attendance.training = None
