"""The coverage dashboard's figures, computed once per change (pial.figures).

The page's costly part — totals, coming starts, the waiting list and the AESH load, 15 annotated
queries and 100 rows — is rendered once into HTML and cached per pôle (the national scope apart),
per day (today's date is in the key: the waiting days and what is in force change at midnight)
and per right to edit (the « Affecter » links), under the versions of pial.figures: the pôle's
and the global one. Any write to what it reads renews one of them. A request that hits reads
three cache entries and renders no row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from eleves.enums import AidKind
from missions import selectors
from pial import figures
from pial.durations import format_hours, format_minutes
from pial.models import SchoolYear
from pial.scope import Scope

CACHE_SECONDS = 3600  # a bound for a renewal lost in a cache outage; changes renew at once
WAITING_SHOWN = 100  # the oldest waits first; the tile counts them all
_MARK = 987654321
NO_AESH = "aucun AESH affecté"  # rules.coverage_cause's first cause, a red badge


def _pattern(name: str) -> str:
    """An URL with its one id left as {} (one reverse() per render, not one per row)."""
    return reverse(name, args=[_MARK]).replace(str(_MARK), "{}")


def scope_name(scope: Scope) -> str:
    """The figures' territory: one pôle, or the whole country. A scope wider than a pôle but not
    national (a circonscription, a département) has no figures of its own: refused, rather than
    sharing a key between territories."""
    if scope.is_national:
        return figures.NATIONAL
    if scope.pole_id is None:
        raise ValueError(f"Pas de chiffres de tableau de bord pour ce périmètre : {scope}")
    return f"pole:{scope.pole_id}"


def _cached(key: str | None, compute):
    if key is None:  # no versions to trust (the cache is down): computed, not kept
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def school_years(versions: tuple | None) -> list[SchoolYear]:
    """Every school year, newest first, cached under the global version (years change rarely)."""
    key = f"pial:figures:years:{versions[0]}" if versions else None
    return _cached(key, lambda: list(SchoolYear.objects.order_by("-start_date")))


def dashboard(scope: Scope, day: datetime.date, can_edit: bool, versions: tuple | None) -> dict:
    """{"totals": selectors.Dashboard, "load": the 10 busiest AESH, "html": the figures rendered}.
    `versions`: figures.stamp(GLOBAL, scope_name(scope))."""
    key = (f"pial:figures:dashboard:{scope_name(scope)}:{day.isoformat()}:{int(can_edit)}:{':'.join(versions)}"
           if versions else None)
    return _cached(key, lambda: _render(scope, day, can_edit))


def _render(scope: Scope, day: datetime.date, can_edit: bool) -> dict:
    totals = selectors.dashboard(scope, day)
    waiting = selectors.waiting_rows(selectors.waiting_list(scope, day)[:WAITING_SHOWN], day)
    week_url = _pattern("missions:aesh_week")
    load = list(selectors.aesh_load(scope, day)[:10])
    html = render_to_string("missions/_dashboard_figures.html", {
        "totals": totals, "waiting": waiting, "waiting_rows": mark_safe(_waiting_rows(waiting, can_edit)),
        "more_waiting": max(totals.waiting - len(waiting), 0),
        "pending": selectors.pending_starts(scope, day), "can_edit": can_edit,
        "load_rows": [{"aesh": a, "href": week_url.format(a.pk)} for a in load],
        "waiting_definition": selectors.waiting_definition(selectors.rentree_on(day)),
        "dashboard_url": reverse("missions:dashboard"),
    })
    return {"totals": totals, "load": load, "html": html}


def _waiting_rows(waiting: list[selectors.WaitingRow], can_edit: bool) -> str:
    """The waiting list's rows, written here: no template lookup, filter or reverse() per row;
    every text escaped."""
    student_url = _pattern("eleves:detail")
    assign_url = reverse("missions:assignment_create")
    lines = []
    for row in waiting:
        student = row.student
        aid = (f"Individuelle · {escape(format_hours(student.notified_hours) if student.notified_hours else '')}"
               if student.aid_kind_now == AidKind.INDIVIDUELLE else "Mutualisée")
        badge = "error" if row.cause == NO_AESH else "warning"
        missing = f"{escape(format_minutes(row.missing_minutes))} / sem." if row.missing_minutes else "—"
        action = (f'<td><a class="fr-link fr-link--sm" href="{escape(assign_url)}?student={student.pk}&amp;kind='
                  f'{escape(student.aid_kind_now)}">Affecter</a></td>' if can_edit else "")
        lines.append(
            f'<tr><td><a href="{escape(student_url.format(student.pk))}">{escape(student)}</a></td>'
            f"<td>{escape(student.school.name)}</td><td>{aid}</td>"
            f'<td><p class="fr-badge fr-badge--sm fr-badge--{badge}">{escape(row.cause)}</p></td>'
            f"<td>{missing}</td>"
            f'<td>{row.waiting_since:%d/%m/%Y} <span class="fr-hint-text">({row.waiting_days} j)</span></td>'
            f"{action}</tr>")
    return "\n".join(lines)


# --- What the writers touch ---------------------------------------------------------------

def aesh_poles(aesh_ids: Iterable[int]) -> set[int | None]:
    """The pôles whose figures an AESH's assignments and slots feed: the AESH's own and those of the
    schools of their assignments' students and ULIS (two queries). None for a school of no pôle
    (pial.figures: the reports of its circonscription count it, every report is renewed)."""
    ids = [i for i in aesh_ids if i is not None]
    if not ids:
        return set()
    from aesh.models import Aesh
    from missions.models import Assignment

    home = {p for p in Aesh.objects.filter(pk__in=ids).values_list("home_pole_id", flat=True) if p is not None}
    places = Assignment.objects.filter(aesh_id__in=ids).values_list(
        "student_id", "student__school__pole_id", "ulis__school__pole_id").distinct()
    return home | {student_pole if student else ulis_pole for student, student_pole, ulis_pole in places}
