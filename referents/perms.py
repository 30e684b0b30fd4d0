"""Who may do what in the toolbox. `scope` rules serve the menu; `access` rules know whether the
acting AESH is a référent (referents.access)."""

from __future__ import annotations

from pial.enums import Role
from pial.scope import Scope
from referents.access import Access
from referents.enums import SELF_STEPS, Shelf

POLE_ROLES = (Role.COORDINATOR, Role.PILOT, Role.AESH)


def can_open_hub(scope: Scope) -> bool:
    """The pôle's people: coordination, pilots, AESH (référent·es included)."""
    return scope.role in POLE_ROLES


def can_open_library_only(scope: Scope) -> bool:
    """The DSDEN fills the département shelf, the national admin the national one."""
    return scope.is_national or scope.role == Role.GESTIONNAIRE


def can_view_library(scope: Scope) -> bool:
    return can_open_hub(scope) or can_open_library_only(scope)


# --- Welcome sheets --------------------------------------------------------------------------

def can_view_sheets(scope: Scope) -> bool:
    """Coordination and pilots: every sheet of the pôle; an AESH: their schools' (the queryset)."""
    return scope.role in POLE_ROLES


def can_edit_sheets(access: Access) -> bool:
    """Written by the coordination or the pôle's référent·es."""
    return access.is_coordinator or access.is_referent


# --- Newcomers -------------------------------------------------------------------------------

def can_view_newcomers(access: Access) -> bool:
    """The list of the pôle's newcomers: coordination, pilots, référent·es."""
    return access.is_coordinator or access.is_pilot or access.is_referent


def can_manage_paths(access: Access) -> bool:
    """Opening a path by hand and choosing its référent: the coordination."""
    return access.is_coordinator


def can_tick_step(access: Access, path, kind: str) -> bool:
    """The coordination, the path's référent, and the newcomer for the steps that are theirs."""
    if access.is_coordinator:
        return True
    if access.aesh is None:
        return False
    if path.referent_id == access.aesh.pk:
        return True
    return path.aesh_id == access.aesh.pk and kind in SELF_STEPS


def can_undo_step(access: Access, path) -> bool:
    return access.is_coordinator or (access.aesh is not None and path.referent_id == access.aesh.pk)


# --- Resources -------------------------------------------------------------------------------

def shelves_for(access: Access) -> list[str]:
    """The shelves the acting person curates: the pôle's (coordination, référent·es), the
    département's (gestionnaire), the national one (national admin)."""
    if access.scope.is_national:
        return [Shelf.NATIONAL]
    if access.role == Role.GESTIONNAIRE:
        return [Shelf.DEPARTEMENT]
    if access.is_coordinator or access.is_referent:
        return [Shelf.POLE]
    return []


def can_curate(access: Access, resource) -> bool:
    shelf = resource.shelf
    if shelf not in shelves_for(access):
        return False
    if shelf == Shelf.POLE:
        return resource.pole_id == access.pole_id
    if shelf == Shelf.DEPARTEMENT:
        return resource.departement_id == access.scope.departement_id
    return True


# --- Practice-sharing sessions ---------------------------------------------------------------

def can_plan_sessions(access: Access) -> bool:
    """Sessions are planned and their attendance recorded by the référent·es or the coordination."""
    return access.is_coordinator or access.is_referent


def can_see_attendees(access: Access) -> bool:
    """Names of who signed up, to organise the session: coordination, pilots, référent·es. Other
    AESH see how many signed up."""
    return access.is_coordinator or access.is_pilot or access.is_referent


def can_sign_up(access: Access) -> bool:
    return access.role == Role.AESH and access.aesh is not None


def can_decide_training(access: Access) -> bool:
    """Whether a session counts as training for its attendees: the pilots say so."""
    return access.is_pilot
