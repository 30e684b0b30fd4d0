"""The main navigation, one entry per page family, each with who may see it.

Apps register their entries from their AppConfig.ready() (an app never imports
from an app above it, so the ground floor cannot list them itself).
"""

from collections.abc import Callable
from dataclasses import dataclass

from pial import perms
from pial.scope import Scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[Scope], bool]
    prefix: str  # path prefix marking the entry as current
    order: int = 50


NAV_ITEMS: list[NavItem] = [
    NavItem("Accueil", "home", lambda scope: True, "/", order=0),
    NavItem("Personnes et rôles", "people", perms.can_view_people, "/personnes/", order=80),
    NavItem("Administration", "admin:index", perms.can_use_admin, "/admin/", order=90),
]


def register(*items: NavItem) -> None:
    for item in items:
        if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
            NAV_ITEMS.append(item)
    NAV_ITEMS.sort(key=lambda item: item.order)
