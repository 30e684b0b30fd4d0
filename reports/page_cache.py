"""The report page's figures, rendered once per change of the data they read.

The body of /rapports/ (its tables, charts, key figures, the year comparison) is a pure function
of the reader's scope (role, membership, territory: what they may read, under which secret
statistique), the report's day and drill-down, the raw ?annee= asked for, today's date, the
PIAL settings and the data. The data part is the versions of pial.figures: GLOBAL (every write
to a table the dashboard watches made outside a `figures.writes` block), REPORTS (every such
write to a table only reports read) and the version of the reader's territory (its pôle,
circonscription or département, or the national one), renewed by every write inside a block
that touches a pôle, AESH or circonscription lying in it, and by no other: an AESH handing in a
week in one pôle leaves the reports of the other pôles, circonscriptions and départements
cached. A part of the territory (a drill-down) lies in it: its writes renew the territory's
version too. They are stamped before the reads, so a write committed
meanwhile leaves the entry under versions no request stamps again: a write always shows on the
next report. The access journal is written on every request, cached or not (reports.views).
The key also holds a fingerprint of the code and templates that write the body: a release that
changes them never serves a body of the one before.

Not cached when the report may read on a replica (reports.db): a standby replays the primary's
commits late, and figures read there under a version already renewed would outlive it.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache

from pial import figures
from pial.enums import CIRCONSCRIPTION_ROLES, POLE_ROLES, Role
from pial.sqlmemo import scope_key
from reports import db

PREFIX = "pial:reports:page:v1:"
SECONDS = 24 * 3600  # today's date is in the key: yesterday's entries are never read again
VERSIONS = (figures.GLOBAL, figures.REPORTS)
# What writes the body's markup and texts (relative to BASE_DIR): folders are read for their .py files.
SOURCES = ("reports", "reports/templatetags", "templates/reports/_report_body.html",
           "templates/components/year_chooser.html", "pial/durations.py", "pial/years.py", "pial/privacy.py",
           "missions/selectors.py")


@functools.cache
def code_version() -> str:
    """A fingerprint of SOURCES, read once per process."""
    digest = hashlib.sha256()
    for source in SOURCES:
        path = settings.BASE_DIR / source
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path] if path.exists() else []:
            digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def territory_version(scope) -> str:
    """The version of the reader's territory (pial.figures.report_name); the national one for any
    other reader (renewed by every territorial write: never too little)."""
    if scope.role in POLE_ROLES and scope.pole_id:
        return figures.report_name("pole", scope.pole_id)
    if scope.role in CIRCONSCRIPTION_ROLES and scope.circonscription_id:
        return figures.report_name("circ", scope.circonscription_id)
    if scope.role == Role.GESTIONNAIRE and scope.departement_id:
        return figures.report_name("dept", scope.departement_id)
    return figures.REPORT_NATIONAL


def page_key(scope, *parts) -> str | None:
    """The cache key of a report's body for `scope` and `parts` (day, drill, today, …) under the
    current data versions; None when nothing may be cached (a replica, or the cache keeps nothing)."""
    if not db.primary_only():
        return None
    versions = figures.stamp(*VERSIONS, territory_version(scope))
    if versions is None:
        return None
    material = repr((code_version(), scope_key(scope), scope.is_national, parts, sorted(settings.PIAL.items()),
                     versions))
    return PREFIX + hashlib.sha256(material.encode()).hexdigest()


def get(key: str | None):
    return cache.get(key) if key else None


def put(key: str | None, value) -> None:
    if key:
        cache.set(key, value, SECONDS)
