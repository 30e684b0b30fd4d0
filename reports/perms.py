"""Who reads which report. Reports are aggregates: no student name, birth date or INE."""

from pial.enums import Role
from pial.scope import Scope

REPORT_LEVEL = {
    Role.INSPECTOR: "circonscription",
    Role.GESTIONNAIRE: "departement",
    Role.COORDINATOR: "pole",
    Role.PILOT: "pole",
}


def can_view_report(scope: Scope) -> bool:
    """The inspector their circonscription, the gestionnaire their département, the
    coordination and pilots their pôle, the national admin any département."""
    return scope.is_national or scope.role in REPORT_LEVEL


def report_level(scope: Scope) -> str:
    return "departement" if scope.is_national else REPORT_LEVEL[scope.role]


def reads_student_records(scope: Scope) -> bool:
    """Need to know, not blindness: the pôle's coordination and pilots read every student's
    record of their pôle (eleves.models.StudentQuerySet.visible_to), so their pôle's report
    hides no small count and groups no school. Inspectors, gestionnaires and the national
    level read aggregates only, under the secret statistique."""
    return not scope.is_national and scope.role in (Role.COORDINATOR, Role.PILOT)
