"""Who may see and change students' data. Objects come from Student.objects.visible_to."""

from pial.enums import Role
from pial.scope import Scope

_FULL_READERS = (Role.COORDINATOR, Role.PILOT, Role.ENSEIGNANT_REFERENT)


def can_view_student_list(scope: Scope) -> bool:
    """Lists of students: coordinators, pilots, enseignants référents (and the AESH their own students)."""
    return scope.is_national or scope.role in (*_FULL_READERS, Role.AESH)


def can_view_full_record(scope: Scope) -> bool:
    """Notifications and documents: coordinator, pilots, enseignant référent only;
    an AESH sees the PPS extract of their students, never the documents."""
    return scope.is_national or scope.role in _FULL_READERS


def can_edit_student(scope: Scope) -> bool:
    """Students, notifications, the PPS extract and documents: the pôle's coordinators."""
    return scope.is_national or scope.role == Role.COORDINATOR


def can_edit_pps(scope: Scope) -> bool:
    """The PPS extract: coordinators and the enseignant référent who follows the PPS."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.ENSEIGNANT_REFERENT)


def can_read_journal(scope: Scope) -> bool:
    """The access journal: the pôle's coordinators and the national admin."""
    return scope.is_national or scope.role == Role.COORDINATOR
