"""Writing the access journal: every read and change of student data leaves a line."""

from eleves.enums import JournalAction
from eleves.models import AccessLog, Student


def journal(request, action: str, student: Student | None = None, detail: str = "") -> AccessLog:
    """Records `action` by the request's user in their acting scope."""
    scope = request.scope
    pole_id = student.school.pole_id if student is not None else scope.pole_id
    return AccessLog.objects.create(
        user=request.user, user_email=request.user.email, role=scope.role, pole_id=pole_id,
        student=student, student_ref=student.pk if student is not None else None,
        action=action, detail=detail[:300],
    )


# The largest id the journal's column holds (PositiveBigIntegerField, 64-bit on every database).
_MAX_REF = 2**63 - 1


def journal_refused(request, student_ref: int | None, detail: str) -> AccessLog:
    """A refused access (a guessed URL): kept, with the id asked for. An id no column can hold
    (typed by hand, past 64 bits) is kept in the detail instead: the line is written, no 500."""
    if student_ref is not None and not 0 <= student_ref <= _MAX_REF:
        detail, student_ref = f"n° demandé {student_ref} — {detail}", None
    return AccessLog.objects.create(
        user=request.user, user_email=request.user.email, role=request.scope.role, pole_id=request.scope.pole_id,
        student=None, student_ref=student_ref, action=JournalAction.REFUSED, detail=detail[:300],
    )
