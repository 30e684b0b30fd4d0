"""The only trace of the AESH's recourses in a report: how many were sent this school year, per
circonscription (per département nationally). Never a subject, a category, a school or a name;
reports.report hides the small counts (secret statistique)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pial.models import Circonscription, Departement
from pial.scope import Scope
from reports import selectors

LEVELS = {"circonscription": "circonscription", "departement": "circonscription", "national": "departement"}


# Each territory with its recourses since the rentrée (by local day, as the report counts),
# one statement over the recourses' (circonscription, created_at) rows.
COUNTS_SQL = {
    "circonscription": """SELECT c.id, c.name, COUNT(r.id) FROM pial_circonscription c
        LEFT JOIN recourse_recourse r ON r.circonscription_id = c.id AND r.created_at >= %(start)s
             AND r.created_at < %(end)s
        WHERE c.id IN ({territories}) GROUP BY c.id, c.name""",
    "departement": """SELECT d.id, d.name, COUNT(r.id) FROM pial_departement d
        LEFT JOIN pial_circonscription c ON c.departement_id = d.id
        LEFT JOIN recourse_recourse r ON r.circonscription_id = c.id AND r.created_at >= %(start)s
             AND r.created_at < %(end)s
        WHERE d.id IN ({territories}) GROUP BY d.id, d.name""",
}


def counts(scope: Scope, level: str, period) -> tuple[dict, dict] | None:
    """(territory id → name, territory id → recourses since the rentrée), one statement; None at
    the pôle level, where no count is shown (the coordination reads none)."""
    grouping = LEVELS.get(level)
    if grouping is None:
        return None
    territories = (Circonscription.objects.visible_to(scope) if grouping == "circonscription"
                   else Departement.objects.all())
    territories_sql, params = territories.order_by().values("pk").query.sql_with_params()
    zone = timezone.get_current_timezone()  # from the rentrée's first local day to the end of the day's
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(period.day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    rows = selectors._run(COUNTS_SQL[grouping].format(territories=territories_sql), params,
                          {"start": start, "end": end})
    return {pk: name for pk, name, _ in rows}, {pk: n for pk, _, n in rows}
