"""The main navigation, one entry per page family, each with who may see it.

Apps add their entries here: the header shows those whose predicate accepts
the acting scope.
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


NAV_ITEMS: list[NavItem] = [
    NavItem("Accueil", "home", lambda scope: True, "/"),
    NavItem("Personnes et rôles", "people", perms.can_view_people, "/personnes/"),
    NavItem("Administration", "admin:index", perms.can_use_admin, "/admin/"),
]
