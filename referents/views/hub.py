"""The toolbox's front page: what the acting person has here, at a glance."""

from django.shortcuts import render

from referents import perms, selectors
from referents.access import access_of
from referents.views.common import require


def hub(request):
    """The pôle's coordination, pilots and AESH (référent·es included)."""
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    own_path = selectors.path_detail(access).filter(aesh=access.aesh).first() if access.aesh else None
    return render(request, "referents/hub.html", {
        "access": access, "own_path": own_path,
        "sheets": selectors.sheets_with_reads(access),
        "newcomers": list(selectors.paths(access).filter(completed_at__isnull=True)[:8])
        if perms.can_view_newcomers(access) else None,
        "upcoming": list(selectors.sessions(access).filter(date__gte=access.today).order_by("date")[:3]),
        "window": selectors.open_window(access),
        "resources": list(selectors.library(access)[:5]),
    })
