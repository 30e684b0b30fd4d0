"""The students' side of the rentrée: where each student of a pôle goes next year, transfers to and
from other pôles, notifications to renew. Bulk reads: the same number of queries for 10 students
as for 300."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from eleves.enums import AidKind, JournalAction, LeaveReason, Level, TransferState
from eleves.ladder import next_step, teaches
from eleves.models import AccessLog, Notification, Projection, Student, Transfer
from pial.models import Pole, School, SchoolYear, Sector, User

STAYS, MOVES, LEAVES, UNKNOWN = "STAYS", "MOVES", "LEAVES", "UNKNOWN"
OUTCOME_LABELS = {STAYS: "Reste dans le pôle", MOVES: "Change de pôle", LEAVES: "Quitte le suivi",
                  UNKNOWN: "Établissement à préciser"}


@dataclass
class StudentLine:
    student: Student
    level: str | None
    options: tuple[str, ...]
    school: School | None
    leave_reason: str
    transfer: Transfer | None
    hours: Decimal          # individual hours notified at the rentrée
    edited: bool            # a coordinator chose, rather than the ladder

    @property
    def outcome(self) -> str:
        if self.leave_reason:
            return LEAVES
        if self.school is None:
            return UNKNOWN
        return MOVES if self.school.pole_id != self.student.school.pole_id else STAYS

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else "—"

    @property
    def option_labels(self) -> list[tuple[str, str]]:
        return [(value, Level(value).label) for value in self.options if value]


def sector_map(school_ids) -> dict[int, School]:
    return {s.school_id: s.college for s in
            Sector.objects.filter(school_id__in=school_ids).select_related("college", "college__pole")}


def project(student: Student, projection: Projection | None, sectors: dict[int, School]) -> tuple:
    """(level, options, school, leave_reason): the coordinator's choice, else the ladder's and
    the carte scolaire's proposal (same school when it teaches the level, else the sector's)."""
    step = next_step(student.level)
    level = (projection.level if projection and projection.level else step.level)
    leave = projection.leave_reason if projection else (LeaveReason.END_OF_SCHOOLING if step.leaves else "")
    options = tuple(dict.fromkeys((*step.options, *([level] if level else []))))
    if leave:
        return level, options, None, leave
    school = projection.school if projection and projection.school_id else None
    if school is None and level:
        if teaches(student.school.kind, level):
            school = student.school
        else:
            school = sectors.get(student.school_id)
            if school is not None and not teaches(school.kind, level):
                school = None
    return level, options, school, ""


def students_of(pole: Pole, year: SchoolYear) -> list[StudentLine]:
    """Each student of the pôle with a notification in force at the rentrée of `year`."""
    rentree = year.start_date
    in_force = Notification.objects.in_force_on(rentree).order_by("start_date", "pk")
    students = list(
        Student.objects.filter(school__pole=pole, left_on__isnull=True)
        .filter(pk__in=in_force.values("student_id"))
        .select_related("school", "school__pole", "ulis")
        .prefetch_related(Prefetch("notifications", queryset=in_force, to_attr="at_rentree"))
        .order_by("last_name", "first_name", "pk"))
    ids = [s.pk for s in students]
    projections = {p.student_id: p for p in Projection.objects.filter(year=year, student_id__in=ids)
                   .select_related("school", "school__pole")}
    transfers = {t.student_id: t for t in Transfer.objects.filter(year=year, student_id__in=ids)
                 .select_related("to_pole", "to_school")}
    sectors = sector_map({s.school_id for s in students})
    lines = []
    for student in students:
        projection = projections.get(student.pk)
        level, options, school, leave = project(student, projection, sectors)
        hours = sum((n.weekly_hours or Decimal(0) for n in student.at_rentree
                     if n.aid_kind == AidKind.INDIVIDUELLE), Decimal(0))
        lines.append(StudentLine(student=student, level=level, options=options, school=school, leave_reason=leave,
                               transfer=transfers.get(student.pk), hours=hours, edited=projection is not None))
    return lines


def incoming_transfers(pole: Pole, year: SchoolYear) -> list[Transfer]:
    return list(Transfer.objects.filter(to_pole=pole, year=year).select_related("student", "from_pole", "to_school")
                .prefetch_related(Prefetch("student__notifications",
                                           queryset=Notification.objects.in_force_on(year.start_date).order_by("pk"),
                                           to_attr="at_rentree"))
                .order_by("student__last_name", "student__first_name", "pk"))


def renewals_to_follow(pole: Pole, today: datetime.date, year: SchoolYear) -> list[Notification]:
    """« Renouvellement à suivre »: notifications ending before the rentrée, with none after."""
    covered = Notification.objects.in_force_on(year.start_date).values("student_id")
    return list(Notification.objects.filter(student__school__pole=pole, student__left_on__isnull=True,
                                            end_date__gte=today - datetime.timedelta(days=365),
                                            end_date__lt=year.start_date)
                .exclude(student_id__in=covered).select_related("student", "student__school")
                .order_by("end_date", "pk"))


def _journal(user: User, role: str, pole_id: int, student: Student, detail: str) -> None:
    AccessLog.objects.create(user=user, user_email=user.email, role=role, pole_id=pole_id, student=student,
                             student_ref=student.pk, action=JournalAction.UPDATE, detail=detail[:300])


def projection_save(*, student: Student, year: SchoolYear, level: str, school: School | None, leave_reason: str,
                    user: User, role: str) -> Projection:
    """The coordinator's choice for a student; a school of another pôle proposes a transfer to it
    (a proposal not answered yet goes when the student no longer moves)."""
    projection, _ = Projection.objects.update_or_create(
        student=student, year=year,
        defaults={"level": level, "school": None if leave_reason else school, "leave_reason": leave_reason,
                  "updated_by": user})
    moving = not leave_reason and school is not None and school.pole_id and school.pole_id != student.school.pole_id
    current = Transfer.objects.filter(student=student, year=year).first()
    if moving and (current is None or current.to_school_id != school.pk):
        if current is not None:
            current.delete()
        Transfer.objects.create(student=student, year=year, from_pole_id=student.school.pole_id,
                                to_pole_id=school.pole_id, to_school=school)
        _journal(user, role, student.school.pole_id, student, f"Transfert proposé vers {school.pole} ({school.name})")
    elif not moving and current is not None and current.state == TransferState.PROPOSED:
        current.delete()
    _journal(user, role, student.school.pole_id, student, f"Rentrée {year} : projection enregistrée")
    return projection


@transaction.atomic
def transfer_answer(*, transfer: Transfer, accept: bool, user: User, role: str) -> Transfer:
    """The receiving coordination accepts (or refuses) the student; journaled on both sides. Once
    answered, a transfer keeps its answer (a second answer, or a second click, changes nothing)."""
    state = Transfer.objects.select_for_update().filter(pk=transfer.pk).values_list("state", flat=True).first()
    if state != TransferState.PROPOSED:
        label = {TransferState.ACCEPTED: "déjà accepté", TransferState.REFUSED: "déjà refusé",
                 TransferState.DONE: "déjà effectué"}.get(state, "retiré")
        raise ValidationError(f"Ce transfert est {label} : rien n'a changé.")
    transfer.state = TransferState.ACCEPTED if accept else TransferState.REFUSED
    transfer.answered_by, transfer.answered_at = user, timezone.now()
    transfer.save(update_fields=["state", "answered_by", "answered_at"])
    verb = "accepté" if accept else "refusé"
    for pole_id in (transfer.from_pole_id, transfer.to_pole_id):
        _journal(user, role, pole_id, transfer.student,
                 f"Transfert {verb} : {transfer.from_pole} → {transfer.to_pole}, rentrée {transfer.year}")
    return transfer
