"""Figures computed once per change: data versions that every write moving them renews.

A page whose figures are costly (the coordinator's coverage dashboard) caches them under a key
holding the versions it reads (`stamp`); a write renews a version, so the next request misses and
recomputes. Two kinds of version:

- one per pôle (and "national", renewed with any pôle's): renewed by the writers that know which
  pôles they touch, inside `with writes(pole_ids):` (the timetable and assignment services, the
  notification and student services);
- one global, renewed by every other write to a watched table, whatever path it takes — a
  queryset.update(), bulk_create(), raw SQL, the admin, an import, the rentrée or the switch: a
  wrapper on every database connection reads each statement's target table. No writer can be
  forgotten: one that says nothing renews every pôle's figures (too much, never too little).

The report pages cache their rendered figures under GLOBAL, REPORTS (renewed by every write to
the tables only reports read, REPORT_TABLES, made outside a `writes` block: those writes leave the
dashboard's figures in place) and the version of the reader's territory (`report_name`): one per
pôle, circonscription and département, and one national. A write inside `writes(...)` renews,
after its commit, those of every territory it can change: the named pôles (and the home pôles of
the named AESH, `aesh_ids`), the circonscriptions and départements of these pôles and of their
schools (a circonscription counts the AESH of a pôle holding one of its schools, a département
its schools and its pôles), the named circonscriptions (a recourse) and their départements, and
the national one. A report stamps its own territory's version only, never its pôles' (a national
report covers thousands). A block naming no pôle for a place (None: a school without a pôle) or
naming AESH or circonscriptions for a write to a dashboard table renews REPORTS or GLOBAL too.

A version is renewed after the writing transaction commits (a reader that stamped before and
computed from the data before the commit stored its figures under the version the commit renews),
and at once when the writing thread itself read it before (its own transaction, or a test's, sees
its uncommitted writes). Values are random, never
incremented: two writers can never leave the same version. The pial floor imports no app above it:
the watched tables are named here, the pôles are computed by the writers.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created

# Every table the dashboard's figures read (students, notifications, assignments, slots and their
# links, AESH, contracts and avenants, schools, school years), and the ULIS « Ma semaine » names
# (missions.views._my_week_cached; a ULIS is written a few times a year).
WATCHED_TABLES = frozenset({
    "eleves_student", "eleves_notification", "missions_assignment", "missions_timeslot",
    "missions_timeslot_assignments", "aesh_aesh", "aesh_contract", "aesh_amendment", "pial_school",
    "pial_schoolyear", "eleves_ulis",
})
# Tables only the reports read besides those (trainings, declared hours, recourses, weekly figures,
# the territories' names and links): a write to one renews REPORTS alone, not the dashboard's versions.
REPORT_TABLES = frozenset({
    "aesh_training", "missions_timesheet", "recourse_recourse", "reports_weeklyfigure", "pial_pole",
    "pial_circonscription", "pial_departement",
})
GLOBAL, NATIONAL, REPORTS = "global", "national", "reports"
REPORT_NATIONAL = "report:national"
PREFIX = "pial:figures:version:"
# The target table of a write: INSERT [OR …] INTO t, UPDATE t (not SELECT … FOR UPDATE), DELETE FROM t.
_TARGET = re.compile(
    r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|(?<!FOR\s)UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+'
    r'(?:ONLY\s+)?(?:"?\w+"?\.)?"?(\w+)"?', re.IGNORECASE)

_local = threading.local()


def pole_name(pole_id: int | None) -> str:
    return NATIONAL if pole_id is None else f"pole:{pole_id}"


def report_name(kind: str, pk: int | None) -> str:
    """The version of a report's territory: kind "pole", "circ" or "dept" (None: the national one)."""
    return REPORT_NATIONAL if pk is None else f"report:{kind}:{pk}"


def stamp(*names: str) -> tuple | None:
    """The current versions of `names` (one cache round trip; a missing version is created), or
    None when the cache keeps nothing (Redis down, no fallback): then the caller caches nothing."""
    _local.__dict__.setdefault("read", set()).update(names)
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), None)
            found[key] = cache.get(key)
            if found[key] is None:
                return None
    return tuple(found[key] for key in keys)


def renew(names: Iterable[str]) -> None:
    """New versions for `names`, now."""
    cache.set_many({PREFIX + name: secrets.token_hex(8) for name in names}, None)


class Writes:
    """The pôles a block of writes touches; `add` more as they are learnt (the old and the new).
    `aesh_ids`: AESH whose home pôle's reports the writes change (their weeks, their trainings);
    `circonscription_ids`: circonscriptions whose reports they change (a recourse)."""

    def __init__(self, pole_ids: Iterable[int | None], aesh_ids: Iterable[int] = (),
                 circonscription_ids: Iterable[int] = ()):
        self.pole_ids: set[int] = set()
        self.aesh_ids = {a for a in aesh_ids if a is not None}
        self.circonscription_ids = {c for c in circonscription_ids if c is not None}
        self.unplaced = False  # a None among the pôles: a place of no pôle (reports still count it)
        self.wrote: set[str] = set()  # aliases written to inside the block (dashboard tables)
        self.reported: set[str] = set()  # aliases of writes to the tables only reports read
        self.add(pole_ids)

    def add(self, pole_ids: Iterable[int | None]) -> None:
        for pole_id in pole_ids:
            if pole_id is None:
                self.unplaced = True
            else:
                self.pole_ids.add(pole_id)

    @property
    def names(self) -> set[str]:
        """The dashboard's versions the block's writes to watched tables renew."""
        names = {NATIONAL, *(pole_name(p) for p in self.pole_ids)}
        return names | {GLOBAL} if self.aesh_ids or self.circonscription_ids else names

    @property
    def report_names(self) -> set[str]:
        """The reports' versions (territories expanded when renewed, `_territories`)."""
        return {REPORT_NATIONAL, *(f"report:pole:{p}" for p in self.pole_ids),
                *(f"report:aesh:{a}" for a in self.aesh_ids),
                *(f"report:circ:{c}" for c in self.circonscription_ids), *((REPORTS,) if self.unplaced else ())}


@contextmanager
def writes(pole_ids: Iterable[int | None] = (), *, aesh_ids: Iterable[int] = (),
           circonscription_ids: Iterable[int] = ()):
    """Writes inside change the figures of these pôles only (and the national ones), and the reports
    of the territories these pôles, AESH and circonscriptions lie in."""
    block = Writes(pole_ids, aesh_ids, circonscription_ids)
    stack = _local.__dict__.setdefault("stack", [])
    stack.append(block)
    try:
        yield block
    finally:
        stack.pop()
        for alias in block.wrote | block.reported:
            _changed(alias, block.report_names | (block.names if alias in block.wrote else set()))


def _changed(alias: str, names: set[str]) -> None:
    """Renews `names` when the transaction on `alias` commits, and at once those this thread read
    since (its own transaction sees its writes; other connections only see them committed)."""
    read = _local.__dict__.setdefault("read", set())
    if not connections[alias].in_atomic_block:
        names = _territories(names, alias)  # read once, renewed now
        renew(names)
        read -= names
        return
    if read:  # the territories read in the transaction (its writes seen) when this thread read reports
        known = _territories(names, alias) if _to_expand(names) and any(
            n.startswith("report:") for n in read) else names
        if read & known:
            renew(read & known)
            read -= known
    renew_after_commit(alias, names)


def renew_after_commit(alias: str, names: set[str]) -> None:
    """Renews `names` when the transaction on `alias` commits (one cache call for all the names
    its writes gave), at once when there is none. pial.access renews its versions here too. The
    reports' versions of pôles, AESH and circonscriptions are read as territories then (`_territories`)."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        renew(_territories(names, alias))
        return
    state = connection.__dict__.setdefault("_pial_figures", {"pending": set(), "flush": None, "at": 0})
    if not _registered(connection.run_on_commit, state):
        # A new transaction (or our callback went with a rolled back savepoint).
        state["pending"] = set()

        def flush():
            pending, state["pending"] = state["pending"], set()
            renew(_territories(pending, alias))

        state["flush"], state["at"] = flush, len(connection.run_on_commit)
        connection.on_commit(flush)
    state["pending"].update(names)


_EXPANDED = ("report:pole:", "report:aesh:", "report:circ:")
# The territories of pôles (named, or the AESH's home pôles): theirs and their schools'.
_POLE_TERRITORIES = """SELECT DISTINCT p.id, p.circonscription_id, pc.departement_id, p.departement_id,
    s.circonscription_id, s.departement_id, sc.departement_id
FROM pial_pole p LEFT JOIN pial_circonscription pc ON pc.id = p.circonscription_id
LEFT JOIN pial_school s ON s.pole_id = p.id LEFT JOIN pial_circonscription sc ON sc.id = s.circonscription_id
WHERE p.id IN ({poles}) OR p.id IN (SELECT home_pole_id FROM aesh_aesh WHERE id IN ({aesh}))"""
_CIRCONSCRIPTION_TERRITORIES = "SELECT id, departement_id FROM pial_circonscription WHERE id IN ({ids})"


def _to_expand(names: Iterable[str]) -> bool:
    return any(name.startswith(_EXPANDED) for name in names)


def _territories(names: set[str], alias: str) -> set[str]:
    """`names` with the reports' versions of the pôles, AESH and circonscriptions they hold
    replaced by those of every territory a write there can change (one or two statements)."""
    if not _to_expand(names):
        return names
    ids: dict[str, list[int]] = {"pole": [], "aesh": [], "circ": []}
    for name in names:
        if name.startswith(_EXPANDED):
            kind, pk = name[7:].split(":")
            ids[kind].append(int(pk))
    found = {name for name in names if not name.startswith("report:aesh:")} | {REPORT_NATIONAL}
    try:
        return found | _read_territories(ids, alias)
    except DatabaseError:  # the territories unknown: every report (too much, never too little)
        return found | {REPORTS}


def _read_territories(ids: dict[str, list[int]], alias: str) -> set[str]:
    found = set()
    with connections[alias].cursor() as cursor:
        if ids["pole"] or ids["aesh"]:
            cursor.execute(_POLE_TERRITORIES.format(poles=", ".join(["%s"] * len(ids["pole"])) or "NULL",
                                                    aesh=", ".join(["%s"] * len(ids["aesh"])) or "NULL"),
                           [*ids["pole"], *ids["aesh"]])
            for pole, *territories in cursor.fetchall():
                found.add(report_name("pole", pole))
                for kind, pk in zip(("circ", "dept", "dept", "circ", "dept", "dept"), territories, strict=True):
                    if pk is not None:
                        found.add(report_name(kind, pk))
        if ids["circ"]:
            cursor.execute(_CIRCONSCRIPTION_TERRITORIES.format(ids=", ".join(["%s"] * len(ids["circ"]))), ids["circ"])
            for circonscription, departement in cursor.fetchall():
                found |= {report_name("circ", circonscription), report_name("dept", departement)}
    return found


def _registered(callbacks: list, state: dict) -> bool:
    """Whether this transaction's callback is still to run: looked up where it was put (a bulk
    path writes thousands of times), else searched (a rolled back savepoint shifts the list)."""
    flush, at = state["flush"], state["at"]
    if flush is None:
        return False
    if at < len(callbacks) and callbacks[at][1] is flush:
        return True
    for index, entry in enumerate(callbacks):
        if entry[1] is flush:
            state["at"] = index
            return True
    return False


def written_tables(sql: str) -> list[str]:
    """The tables `sql` writes to, lower case ([] for a read, even a raw WITH … SELECT). The ORM's
    statements name their target first: read there (a microsecond); anything else is searched."""
    head = sql[:6].upper()
    if head == "SELECT":
        return []
    if head in ("INSERT", "UPDATE", "DELETE"):  # UPDATE t, DELETE FROM t, INSERT [OR IGNORE] INTO t
        words = sql.split(None, 5)
        at = 1 if head == "UPDATE" else 4 if words[1].upper() == "OR" else 2
        if len(words) > at:
            return [words[at].split("(")[0].replace('"', "").rsplit(".", 1)[-1].lower()]
    return [table.lower() for table in _TARGET.findall(sql)]


def watched_target(sql: str) -> bool:
    """Whether `sql` writes to a watched table (reads, even raw WITH … SELECT, do not)."""
    return any(table in WATCHED_TABLES for table in written_tables(sql))


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        tables = written_tables(sql)
        if tables:
            alias = context["connection"].alias
            stack = getattr(_local, "stack", None)
            if any(table in WATCHED_TABLES for table in tables):
                if stack:
                    stack[-1].wrote.add(alias)
                else:
                    _changed(alias, {GLOBAL})
            if any(table in REPORT_TABLES for table in tables):
                if stack:
                    stack[-1].reported.add(alias)
                else:
                    _changed(alias, {REPORTS})
    return result


def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Called once from PialConfig.ready(): every connection, opened now or later, is watched."""
    connection_created.connect(_install, dispatch_uid="pial-figures-watch")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def kept(key: str, first: Iterable[str], compute, seconds: int):
    """`compute()`'s value, kept under `key` while the versions it depends on stay: `compute`
    returns (value, names), the names of the versions its data renew (e.g. the pôles of what it
    read). The entry keeps those names; a request stamps them before reading, so a write after the
    stamp is never hidden. A name learnt from a read (not stamped before it) is stamped by the next
    request first: until then the entry holds only the names. `first`: the names of a first read."""
    entry = cache.get(key)
    names = tuple(entry["names"]) if entry else tuple(sorted(set(first)))
    versions = stamp(*names)
    if entry and versions is not None and entry["versions"] == versions:
        return entry["value"]
    value, needed = compute()
    needed = tuple(sorted(set(needed) | set(first)))
    if versions is not None:
        before = dict(zip(names, versions, strict=True))
        known = set(needed) <= set(names)
        cache.set(key, {"names": needed, "versions": tuple(before[n] for n in needed) if known else None,
                        "value": value}, seconds)
    return value
