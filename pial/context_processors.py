from django.urls import reverse

from pial.navigation import NAV_ITEMS


def shell(request) -> dict:
    """Header data: the acting scope, the scopes to switch to, the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {"nav_items": []}
    scope = request.scope
    path = request.path
    items = []
    for item in NAV_ITEMS:
        if not item.allowed(scope):
            continue
        url = reverse(item.url_name)
        current = path == url if item.prefix == "/" else path.startswith(item.prefix)
        items.append({"label": item.label, "url": url, "current": current})
    return {
        "nav_items": items,
        "acting_scope": scope,
        "available_scopes": request.available_scopes,
    }
