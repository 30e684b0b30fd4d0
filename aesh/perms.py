"""Who may see and change AESH records. Objects themselves come from Aesh.objects.visible_to."""

from pial.enums import Role
from pial.scope import Scope

_READERS = (Role.COORDINATOR, Role.PILOT, Role.GESTIONNAIRE)
_EDITORS = (Role.COORDINATOR, Role.GESTIONNAIRE)


def can_view_aesh_list(scope: Scope) -> bool:
    """The AESH list of a pôle or département: coordinators, pilots, gestionnaires."""
    return scope.is_national or scope.role in _READERS


def can_edit_aesh(scope: Scope) -> bool:
    """Records, contracts, amendments and training: coordinators and gestionnaires edit;
    pilots read; an AESH reads only their own record."""
    return scope.is_national or scope.role in _EDITORS


def can_view_own_record(scope: Scope) -> bool:
    """An AESH reads their own contract summary, lump sum and training."""
    return scope.role == Role.AESH


def can_reset_aesh_mfa(scope: Scope) -> bool:
    """Resetting an AESH's second factors (lost phone): the coordination of the pôle only, the
    people who know the AESH in person. Not pilots nor gestionnaires; not the AESH themself (a
    stolen password must not be enough to drop the factor); the superuser has the admin."""
    return scope.role == Role.COORDINATOR
