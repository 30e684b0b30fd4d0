"""Who may do what on the territory and its people. Each rule takes the acting scope."""

from pial.enums import Role
from pial.scope import Scope

_INVITABLE_BY = {
    Role.COORDINATOR: frozenset({Role.AESH, Role.COORDINATOR, Role.PILOT}),
    Role.GESTIONNAIRE: frozenset(Role),
}


def can_use_admin(scope: Scope) -> bool:
    """The scoped Django admin serves the national admin, gestionnaires and coordinators."""
    return scope.is_national or scope.role in (Role.GESTIONNAIRE, Role.COORDINATOR)


def can_manage_territory(scope: Scope) -> bool:
    """Schools, pôles and circonscriptions are edited by the gestionnaire or nationally."""
    return scope.is_national or scope.role == Role.GESTIONNAIRE


def can_view_people(scope: Scope) -> bool:
    """The list of people and roles of a territory: those who invite, and pilots."""
    return scope.is_national or scope.role in (Role.GESTIONNAIRE, Role.COORDINATOR, Role.PILOT)


def invitable_roles(scope: Scope) -> frozenset[str]:
    """Roles the scope may give: a coordinator within their pôle, a gestionnaire any."""
    if scope.is_national:
        return frozenset(Role)
    return _INVITABLE_BY.get(scope.role, frozenset())


def can_invite_user(scope: Scope) -> bool:
    """Accounts are created by a coordinator or a gestionnaire (no public signup)."""
    return bool(invitable_roles(scope))
