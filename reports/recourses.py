"""The only trace of the AESH's recourses in a report: how many were sent this school year, per
circonscription (per département nationally). Never a subject, a category, a school or a name;
reports.report hides the small counts (secret statistique)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from pial.models import Circonscription, Departement
from pial.scope import Scope
from recourse.models import Recourse

LEVELS = {"circonscription": "circonscription", "departement": "circonscription", "national": "departement"}


def counts(scope: Scope, level: str, period) -> tuple[dict, dict] | None:
    """(territory id → name, territory id → recourses since the rentrée), one query (each
    territory with its count); None at the pôle level, where no count is shown (the
    coordination reads none)."""
    grouping = LEVELS.get(level)
    if grouping is None:
        return None
    if grouping == "circonscription":
        territories, path = Circonscription.objects.visible_to(scope), "circonscription_id"
    else:
        territories, path = Departement.objects.all(), "circonscription__departement_id"
    sent = (Recourse.objects.filter(**{path: OuterRef("pk")}, created_at__date__gte=period.start,
                                    created_at__date__lte=period.day)
            .order_by().values(path).annotate(n=Count("pk")).values("n"))
    rows = territories.order_by().annotate(n=Coalesce(Subquery(sent), 0)).values_list("pk", "name", "n")
    names, numbers = {}, {}
    for pk, name, n in rows:
        names[pk], numbers[pk] = name, n
    return names, numbers
