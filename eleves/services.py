"""Writes on students, notifications, the PPS extract and documents; retention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from eleves.models import AccessLog, Notification, Pps, PpsDocument, Student
from pial import figures
from pial.conf import setting

ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _pole_of(student_id: int | None) -> int | None:
    return Student.objects.filter(pk=student_id).values_list("school__pole_id", flat=True).first() \
        if student_id else None


def student_save(*, student: Student) -> Student:
    student.full_clean()
    # The dashboard's figures of the pôle the student leaves and of the one they join (pial.figures).
    with figures.writes([_pole_of(student.pk), student.school.pole_id] if student.pk else [student.school.pole_id]):
        student.save()
    return student


@transaction.atomic
def notification_save(*, notification: Notification) -> Notification:
    """Saves a notification after re-checking, under a lock on the student, that an
    individuelle and a mutualisée aid do not overlap."""
    Student.objects.select_for_update().get(pk=notification.student_id)
    notification.full_clean()
    with figures.writes([_pole_of(notification.student_id)]):
        notification.save()
    return notification


def pps_save(*, student: Student, user, missions: str, accommodations: str, vigilance: str) -> Pps:
    pps, _ = Pps.objects.get_or_create(student=student)
    pps.missions, pps.accommodations, pps.vigilance = missions, accommodations, vigilance
    pps.updated_by = user
    pps.full_clean()
    pps.save()
    return pps


def document_add(*, student: Student, kind: str, upload, user) -> PpsDocument:
    content_type = getattr(upload, "content_type", "") or ""
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise ValidationError({"file": "Type de fichier non accepté : envoyez un PDF, une image (JPEG, PNG), "
                                       "un ODT ou un DOCX."})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": "Le fichier dépasse 10 Mo."})
    head = upload.read(8)
    upload.seek(0)
    if content_type == "application/pdf" and not head.startswith(b"%PDF"):
        raise ValidationError({"file": "Le fichier ne ressemble pas à un PDF."})
    document = PpsDocument(student=student, kind=kind, original_name=upload.name[:200], content_type=content_type,
                           size=upload.size, uploaded_by=user)
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


# --- Retention --------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionPlan:
    student_ids: list[int]
    journal_before: datetime.datetime
    journal_count: int


def retention_deadline(left_on: datetime.date, years_after: int) -> datetime.date:
    """Student data are kept until the end of the Nth calendar year after leaving."""
    return datetime.date(left_on.year + years_after, 12, 31)


def retention_plan(today: datetime.date, now: datetime.datetime) -> RetentionPlan:
    years = setting("STUDENT_RETENTION_YEARS_AFTER_LEAVING")
    # Left on or before 31 Dec of (today.year - years - 1): their deadline has passed.
    last_left_on = datetime.date(today.year - years - 1, 12, 31)
    ids = list(Student.objects.filter(left_on__isnull=False, left_on__lte=last_left_on)
               .order_by("pk").values_list("pk", flat=True))
    journal_before = now - datetime.timedelta(days=setting("JOURNAL_RETENTION_DAYS"))
    return RetentionPlan(ids, journal_before, AccessLog.objects.filter(at__lt=journal_before).count())


@transaction.atomic
def retention_apply(plan: RetentionPlan) -> tuple[int, int]:
    """Deletes exactly the students of the plan (with notifications, PPS, documents and their
    files) and the journal entries older than the journal's retention."""
    documents = list(PpsDocument.objects.filter(student_id__in=plan.student_ids))
    for document in documents:
        transaction.on_commit(lambda f=document.file: f.storage.delete(f.name))
    deleted_students = Student.objects.filter(pk__in=plan.student_ids).count()
    Student.objects.filter(pk__in=plan.student_ids).delete()
    journal_count, _ = AccessLog.objects.filter(at__lt=plan.journal_before).delete()
    return deleted_students, journal_count
