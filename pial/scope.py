"""The acting scope of a request: which role, over which territory.

A user may hold several memberships (coordinator of one pôle, AESH of another…);
they act through one at a time, chosen with the scope switcher. The superuser
acts nationally. Every selector takes a Scope and starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pial.enums import MFA_REQUIRED_ROLES, Role

if TYPE_CHECKING:
    from pial.models import Membership

NATIONAL = "NATIONAL"
NOBODY = "NOBODY"
SESSION_KEY = "pial_scope"


@dataclass(frozen=True)
class Scope:
    role: str
    membership: Membership | None = None

    @classmethod
    def nobody(cls) -> Scope:
        return cls(role=NOBODY)

    @classmethod
    def national(cls) -> Scope:
        return cls(role=NATIONAL)

    @classmethod
    def of(cls, membership: Membership) -> Scope:
        return cls(role=membership.role, membership=membership)

    @property
    def key(self) -> str:
        return str(self.membership.pk) if self.membership else self.role

    @property
    def membership_id(self) -> int | None:
        return self.membership.pk if self.membership else None

    @property
    def pole_id(self) -> int | None:
        return self.membership.pole_id if self.membership else None

    @property
    def circonscription_id(self) -> int | None:
        return self.membership.circonscription_id if self.membership else None

    @property
    def departement_id(self) -> int | None:
        return self.membership.departement_id if self.membership else None

    @property
    def is_national(self) -> bool:
        return self.role == NATIONAL

    @property
    def is_nobody(self) -> bool:
        return self.role == NOBODY

    @property
    def role_label(self) -> str:
        if self.is_national:
            return "Administration nationale"
        if self.is_nobody:
            return "Aucun rôle"
        return Role(self.role).label

    @property
    def territory_label(self) -> str:
        if self.membership is None:
            return "Toute la France" if self.is_national else ""
        return self.membership.territory_label

    @property
    def label(self) -> str:
        territory = self.territory_label
        return f"{self.role_label} — {territory}" if territory else self.role_label

    @property
    def requires_mfa(self) -> bool:
        return self.is_national or self.role in MFA_REQUIRED_ROLES


def available_scopes(user) -> list[Scope]:
    """Every scope the user may act in, in a stable order (one query)."""
    if not user.is_authenticated or not user.is_active:
        return []
    scopes = [Scope.national()] if user.is_superuser else []
    memberships = user.memberships.select_related(
        "pole", "circonscription", "departement"
    ).order_by("role", "id")
    scopes.extend(Scope.of(m) for m in memberships)
    return scopes


def choose_scope(scopes: list[Scope], wanted_key: str | None) -> Scope:
    """The scope named by `wanted_key` if the user has it, else their first one."""
    for scope in scopes:
        if scope.key == wanted_key:
            return scope
    return scopes[0] if scopes else Scope.nobody()
