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


# Links a page of a lower app shows to a page of a higher app, with the rule of the page they lead
# to: a page never offers a link its reader would find refused (`{% allowed_url %}` in pial_ui).
LINK_RULES: dict[str, Callable[[Scope], bool]] = {}


def register_link(url_name: str, allowed: Callable[[Scope], bool]) -> None:
    LINK_RULES[url_name] = allowed


def link_allowed(url_name: str, scope: Scope) -> bool:
    """Whether the acting scope may follow a link to `url_name` (registered by the app owning it)."""
    rule = LINK_RULES.get(url_name)
    if rule is None:
        raise KeyError(f"Aucune règle d'accès déclarée pour le lien {url_name} (navigation.register_link)")
    return rule(scope)
