from pial.links import fixed_url
from pial.navigation import NAV_ITEMS


def shell(request) -> dict:
    """Header data: the acting scope, the scopes to switch to, the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {"nav_items": []}
    scope = request.scope
    path = request.path
    allowed = [item for item in NAV_ITEMS if item.allowed(scope)]
    # The most specific prefix wins: /missions/heures/ is not also /missions/.
    matching = [item.prefix for item in allowed
                if (path == fixed_url(item.url_name) if item.prefix == "/" else path.startswith(item.prefix))]
    best = max(matching, key=len, default=None)
    items = [{"label": item.label, "url": fixed_url(item.url_name), "current": item.prefix == best} for item in allowed]
    return {
        "nav_items": items,
        "acting_scope": scope,
        "available_scopes": request.available_scopes,
    }
