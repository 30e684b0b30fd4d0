"""Who may declare, read and validate the hours of AESH."""

from pial.enums import Role
from pial.scope import Scope


def can_declare_hours(scope: Scope) -> bool:
    """An AESH declares their own weeks (and a référent logs their support)."""
    return scope.role == Role.AESH


def can_view_hours(scope: Scope) -> bool:
    """The weeks, queue and balances of a pôle's AESH: coordinators and pilots (pilots read)."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.PILOT)


def can_validate_hours(scope: Scope) -> bool:
    """Validating, returning and reopening a week: the pôle's coordination."""
    return scope.is_national or scope.role == Role.COORDINATOR
