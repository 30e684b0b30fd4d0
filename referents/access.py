"""Who is acting, for the toolbox: the acting scope, the AESH record behind it, and whether that
AESH is a référent today (référent time in their contract or by amendment). Resolved once per
request."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from aesh.models import Aesh
from missions.services import referent_quotite_on
from pial.enums import Role
from pial.scope import Scope


@dataclass(frozen=True)
class Access:
    scope: Scope
    aesh: Aesh | None
    is_referent: bool
    today: datetime.date

    @property
    def role(self) -> str:
        return self.scope.role

    @property
    def pole_id(self) -> int | None:
        return self.scope.pole_id

    @property
    def is_coordinator(self) -> bool:
        return self.scope.role == Role.COORDINATOR

    @property
    def is_pilot(self) -> bool:
        return self.scope.role == Role.PILOT

    @property
    def label(self) -> str:
        """How the person is named on what they write: their name and their role."""
        role = "AESH référent·e" if self.is_referent else self.scope.role_label.lower()
        user = self.scope.membership.user if self.scope.membership else None
        name = user.get_full_name() if user else ""
        return f"{name} ({role})" if name else role


def access_of(request) -> Access:
    cached = getattr(request, "_referents_access", None)
    if cached is not None:
        return cached
    scope, today = request.scope, timezone.localdate()
    aesh = Aesh.objects.visible_to(scope).select_related("home_pole").first() if scope.role == Role.AESH else None
    access = Access(scope=scope, aesh=aesh, is_referent=bool(aesh and referent_quotite_on(aesh, today)), today=today)
    request._referents_access = access
    return access
