"""The only trace of the AESH's recourses in a report: how many were sent this school year, per
circonscription (per département nationally). Never a subject, a category, a school or a name;
reports.report hides the small counts (secret statistique)."""

from __future__ import annotations

from django.db.models import Count

from pial.models import Circonscription, Departement
from pial.scope import Scope
from recourse.models import Recourse

LEVELS = {"circonscription": "circonscription", "departement": "circonscription", "national": "departement"}


def counts(scope: Scope, level: str, period) -> tuple[dict, dict] | None:
    """(territory id → name, territory id → recourses since the rentrée), one aggregate query; None at
    the pôle level, where no count is shown (the coordination reads none)."""
    grouping = LEVELS.get(level)
    if grouping is None:
        return None
    if grouping == "circonscription":
        territories = {c.pk: c.name for c in Circonscription.objects.visible_to(scope)}
        path = "circonscription_id"
    else:
        territories = {d.pk: d.name for d in Departement.objects.all()}
        path = "circonscription__departement_id"
    found = dict(Recourse.objects.filter(**{f"{path}__in": list(territories)},
                                         created_at__date__gte=period.start, created_at__date__lte=period.day)
                 .values_list(path).annotate(n=Count("pk")).order_by())
    return territories, {key: found.get(key, 0) for key in territories}
