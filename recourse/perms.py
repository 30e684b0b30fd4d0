"""Who may write, read and answer a recourse. The objects come from Recourse.objects.visible_to."""

from pial.enums import Role
from pial.scope import Scope


def can_send_recourse(scope: Scope) -> bool:
    """An AESH writes to the inspector of a school where they work (« Solliciter l'IEN »)."""
    return scope.role == Role.AESH


def can_read_recourses(scope: Scope) -> bool:
    """The inspector their circonscription's inbox; the coordination and the pilots only the
    recourses whose AESH chose to inform them (the queryset says which)."""
    return scope.role in (Role.INSPECTOR, Role.COORDINATOR, Role.PILOT)


def can_answer_recourse(scope: Scope) -> bool:
    """The inspector of the recourse's circonscription answers and sets its state."""
    return scope.role == Role.INSPECTOR
