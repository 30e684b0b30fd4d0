"""The only trace of the AESH's recourses in a report: how many were sent this school year, per
circonscription (per département nationally), under the secret statistique. Never a subject,
a category, a school or a name."""

from __future__ import annotations

from django.db.models import Count

from pial.models import Circonscription, Departement
from pial.scope import Scope
from recourse.models import Recourse
from reports import privacy
from reports.report import Column, Row, Table

COLUMN = Column("recourses", "Sollicitations de l'IEN depuis la rentrée", "number")
LEVELS = {"circonscription": "circonscription", "departement": "circonscription", "national": "departement"}


def recourse_table(scope: Scope, level: str, period, threshold: int) -> Table | None:
    """A count per territory and its total; small counts hidden, and a second cell where the total
    would give one back (reports.privacy). None at the pôle level: the coordination reads no count."""
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
    keys = sorted(territories, key=lambda k: territories[k])
    values = {key: found.get(key, 0) for key in keys} | {"total": sum(found.get(key, 0) for key in keys)}
    hidden = privacy.protect(values, [privacy.Relation("total", tuple(keys))] if len(keys) > 1 else [], threshold)
    rows = [Row(label=territories[key], values={"recourses": values[key]},
                hidden={"recourses"} if key in hidden else set()) for key in keys]
    total = Row(label="Total", values={"recourses": values["total"]}, is_total=True,
                hidden={"recourses"} if "total" in hidden else set())
    return Table(key="sollicitations", title="Sollicitations de l'IEN par les AESH", columns=[COLUMN], rows=rows,
                 total=total if len(keys) > 1 else None)
