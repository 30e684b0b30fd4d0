"""Who may see and change timetables, coverage and mission letters, and plan the timetables."""

from pial.enums import Role
from pial.scope import Scope


def can_view_dashboard(scope: Scope) -> bool:
    """Coverage, waiting list and timetables of a pôle: coordinators and pilots."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.PILOT)


def can_edit_timetables(scope: Scope) -> bool:
    """Assignments and slots: the pôle's coordinators."""
    return scope.is_national or scope.role == Role.COORDINATOR


def can_view_own_week(scope: Scope) -> bool:
    """An AESH: their own week, change notices and calendar feed."""
    return scope.role == Role.AESH


def can_view_letters(scope: Scope) -> bool:
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.PILOT, Role.GESTIONNAIRE, Role.AESH)


def can_prepare_letters(scope: Scope) -> bool:
    """Mission letters are prepared by the coordinator (or the DSDEN) and signed by the pilots."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.GESTIONNAIRE)


def can_sign_letters(scope: Scope) -> bool:
    return scope.role == Role.PILOT


def can_plan(scope: Scope) -> bool:
    """The planner (runs, proposals, acceptance) and absence replacements: the pôle's coordinators."""
    return scope.role == Role.COORDINATOR and scope.pole_id is not None


def can_view_preparation(scope: Scope) -> bool:
    """« Préparer la rentrée »: the pôle's coordination and pilots (students included), the DSDEN
    gestionnaire for the département (figures and contracts, no student record)."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.PILOT, Role.GESTIONNAIRE)


def can_edit_preparation(scope: Scope) -> bool:
    """Projections, transfers and wishes are worked out by the pôle's coordinators; pilots read."""
    return scope.is_national or scope.role == Role.COORDINATOR


def can_decide_contracts(scope: Scope) -> bool:
    """Renewal decisions: the coordination proposes, the DSDEN (employer) decides; both record them."""
    return scope.is_national or scope.role in (Role.COORDINATOR, Role.GESTIONNAIRE)


def can_switch_year(scope: Scope) -> bool:
    """The switch of a département onto the next year: its gestionnaire, or the national admin."""
    return scope.is_national or scope.role == Role.GESTIONNAIRE
