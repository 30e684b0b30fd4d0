"""What one reader may read on one day: their territory as a tree of parts, each with its
students' figures, and which of those figures are published.

The tree follows the reader's level: France → départements → circonscriptions → parts of
pôles → schools, starting at the reader's own territory, and holds only schools of that
territory (School.visible_to): a pôle that straddles two circonscriptions appears in an
inspector's tree as its part inside their circonscription.

Need to know, not blindness: the pôle's coordination and pilots read every student's record
of their pôle (eleves.models.StudentQuerySet.visible_to), so their report hides nothing and
groups nothing. Every other reader reads aggregates under the secret statistique.

Protection is decided once per *unit*, the schools of one circonscription in one
département: the unit's own figures, its parts of pôles and its schools (those with fewer
than `PIAL_REPORT_SCHOOL_MIN_STUDENTS` students grouped into « autres établissements » in each
part; schools publish no split by aid kind or by kind of wait). A unit is protected exactly
(pial.privacy: an attacker's linear programme over everything it publishes), with its
own total — the inspector's headline — hidden last. Every territory above is a sum of
units, published where every unit it adds up publishes that cell: it then tells nothing
its units do not, so what a gestionnaire or the national level reads is exactly as safe as
each unit is, and each unit reads the same to every reader. A unit's protection is cached
under a fingerprint of its figures, so the same figures are never protected twice.

Every page, drill-down, chart and export reads this one tree.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import operator
from dataclasses import dataclass, field, replace

from django.core.cache import cache

from pial import privacy
from pial.conf import setting
from pial.enums import SchoolKind
from pial.scope import Scope
from reports import perms, selectors

COUNTS = ("students", "individuelle", "mutualisee", "ulis", "waiting", "waiting_none", "waiting_partial")
HOURS = ("notified_minutes", "placed_minutes")
ADDITIVE = COUNTS + HOURS
LEAF_MEASURES = ("students", "waiting", "notified_minutes", "placed_minutes")  # what a school publishes
HEADLINE = LEAF_MEASURES  # a territory's own totals, beside its splits by aid kind and by kind of wait
ROW_RELATIONS = (("students", ("individuelle", "mutualisee")), ("waiting", ("waiting_none", "waiting_partial")))
# How much a reader would miss each figure, for choosing complementary cells: splits cost 1.
MEASURE_WEIGHT = {"waiting": 3.0, "students": 2.0, "notified_minutes": 2.0, "placed_minutes": 2.0}
# The unit's own figures are the inspector's headline: hidden only when no part can be instead.
LEVEL_WEIGHT = {"circonscription": 1000.0, "pole": 1.5}
MIN_MINUTES_PER_NOTIFICATION = 0.6  # an individuelle notification holds at least 0.01 h (eleves validation)
CACHE_VERSION = "secret-v1"
CACHE_SECONDS = 400 * 24 * 3600  # a school year of weekly decisions stays: past weeks never change

LEVEL_CHAIN = {  # reader's level → the groupings between their territory and the schools
    "national": ("departement", "circonscription", "pole"),
    "departement": ("circonscription", "pole"),
    "circonscription": ("pole",),
    "pole": (),
}
NO_GROUP = {"departement": "Sans département", "circonscription": "Sans circonscription", "pole": "Sans pôle"}
INFO_INDEX = {"departement": 2, "circonscription": 3, "pole": 4}


@dataclass(eq=False)
class Node:
    kind: str           # root, departement, circonscription, pole, school, others
    ref: int | None     # the territory's id (None: the root, « sans pôle », « autres »)
    label: str
    schools: list[int]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    waiting_since: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)   # measures not published
    constituents: list[Node] = field(default_factory=list)  # a sum of units: the unit nodes it adds up

    def __repr__(self) -> str:
        return f"{self.kind}:{self.ref}:{self.label}"

    @property
    def leaf(self) -> bool:
        return self.kind in ("school", "others")

    @property
    def measures(self) -> tuple[str, ...]:
        return LEAF_MEASURES if self.leaf else ADDITIVE

    def leaves(self) -> list[Node]:
        if self.leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def is_hidden(self, measure: str) -> bool:
        """A measure is hidden if it is, or if it derives from one that is."""
        if measure == "coverage":
            return bool({"notified_minutes", "placed_minutes"} & self.hidden)
        if measure in ("waiting_median_days", "waiting_longest_days"):
            return "waiting" in self.hidden
        return measure in self.hidden


@dataclass
class Tree:
    root: Node
    day: datetime.date
    period: selectors.Period           # the school year around the day
    threshold: int
    min_students: int
    territory_poles: dict[int, str]    # every pôle holding a school of the territory
    info: dict[int, tuple]             # each school of the territory: pk, name, dep, circ, pôle, kind
    chain: tuple[str, ...]
    names: dict = field(default_factory=dict)
    entitled: bool = False             # the reader reads every student's record: nothing hidden
    units: list[Node] = field(default_factory=list)
    unions: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)  # units protected / taken from the cache, LP solves
    week_parts: list | None = None     # the weeks' cache keys' common part (_week_parts)
    aesh_hidden: dict | None = None    # the AESH table's hidden sums of home pôles (report.aesh_secrets)

    @functools.cached_property
    def kinds(self) -> dict[int, str]:
        return {pk: row[5] for pk, row in self.info.items()}

    def find(self, kind: str, ref: int) -> Node | None:
        """The node of a territory; a pôle across several parts is their sum."""
        found = [n for n in self.root.walk() if n.kind == kind and n.ref == ref]
        if kind == "pole" and len(found) > 1:
            if ref not in self.unions:
                self.unions[ref] = union(found, self.day)
            return self.unions[ref]
        return found[0] if found else None


def min_students() -> int:
    return int(setting("REPORT_SCHOOL_MIN_STUDENTS"))


def build_tree(scope: Scope, level: str, day: datetime.date, threshold: int,
               period: selectors.Period | None = None) -> Tree:
    """The reader's territory on the day: one statement (its schools, their territories' names,
    their figures and the school year around the day, unless `period` gives it)."""
    rows, figures, period = selectors.territory_figures(scope, day, period,
                                                        whole_country=scope.is_national)
    names = _names(rows)
    rows = [row[:6] for row in rows]
    territory = Tree(root=Node(kind="root", ref=None, label="", schools=[]), day=period.day, period=period,
                     threshold=threshold,
                     min_students=0 if perms.reads_student_records(scope) else min_students(),
                     territory_poles={k: v for (kind, k), v in names.items() if kind == "pole"},
                     info={r[0]: r for r in rows}, chain=LEVEL_CHAIN[level], names=names,
                     entitled=perms.reads_student_records(scope))
    territory.root, territory.units = assemble(territory, figures, period.day)
    return territory


def assemble(territory: Tree, figures: dict, day: datetime.date) -> tuple[Node, list[Node]]:
    """The reader's tree for these figures (the day's, or a week's): the reader's own pôle
    as it is, or protected units added up along the reader's chain."""
    counted = sorted(s for s in territory.info if s in figures)
    if territory.entitled:
        root = Node(kind="root", ref=None, label="", schools=counted)
        _split(root, territory.chain, territory, figures, day)
        return root, []
    by_unit: dict[tuple, list[int]] = {}
    for school in counted:
        info = territory.info[school]
        by_unit.setdefault((info[2], info[3]), []).append(school)
    units = []
    for (_dep, circ), members in sorted(by_unit.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 0)):
        unit = Node(kind="circonscription", ref=circ, label=_label(territory.names, "circonscription", circ),
                    schools=members)
        _split(unit, ("pole",), territory, figures, day)
        units.append(unit)
    protect_units(units, territory)
    return _compose(territory, units, day), units


def _compose(territory: Tree, units: list[Node], day) -> Node:
    chain = territory.chain
    if chain == ("pole",):  # an inspector: their pôle parts, over however many units
        by_pole: dict = {}
        for unit in units:
            for part in unit.children:
                by_pole.setdefault(part.ref, []).append(part)
        parts = [composite("pole", ref, parts[0].label, parts, [leaf for p in parts for leaf in p.children], day)
                 for ref, parts in by_pole.items()]
        top = sorted(parts, key=_order)
    elif chain[0] == "circonscription":
        top = sorted(units, key=_order)
    else:  # national: départements of units
        by_dep: dict = {}
        for unit in units:
            by_dep.setdefault(territory.info[unit.schools[0]][2], []).append(unit)
        top = sorted((composite("departement", dep, _label(territory.names, "departement", dep), members,
                                sorted(members, key=_order), day) for dep, members in by_dep.items()), key=_order)
    return composite("root", None, "", units, top, day)


def _order(node: Node):
    return (node.ref is None, node.label, node.ref or 0)


def composite(kind: str, ref, label: str, constituents: list[Node], children: list[Node], day) -> Node:
    """A territory that adds units up: published where every unit it adds up publishes."""
    node = Node(kind=kind, ref=ref, label=label, schools=[s for c in constituents for s in c.schools],
                children=children, constituents=constituents)
    node.values = {m: sum(c.values[m] for c in constituents) for m in ADDITIVE}
    node.waiting_since = _merged([c.waiting_since for c in constituents])
    node.values.update(_durations(node.waiting_since, day))
    node.hidden = {m for m in ADDITIVE if any(m in c.hidden for c in constituents)}
    for child in children:
        child.parent = node
    return node


def _named_others(parts: list[Node]) -> list[Node]:
    """The schools of a pôle's parts, side by side: when several parts group their small schools,
    each group says its part (« Autres établissements — Lys-Nord »), not two rows of one name."""
    several = sum(any(leaf.kind == "others" for leaf in p.children) for p in parts) > 1
    return [replace(leaf, label=f"{leaf.label} — {p.parent.label}")
            if several and leaf.kind == "others" and p.parent is not None else leaf
            for p in parts for leaf in p.children]


def union(parts: list[Node], day: datetime.date) -> Node:
    """A pôle whose schools sit in several parts of the tree, opened whole: the sum of its
    parts, published where every part is (so it tells nothing they do not); its schools
    are those of its parts, as they are there."""
    first = parts[0]
    node = Node(kind="pole", ref=first.ref, label=first.label, schools=[s for p in parts for s in p.schools],
                children=_named_others(parts), constituents=parts)
    node.values = {m: sum(p.values[m] for p in parts) for m in ADDITIVE}
    node.waiting_since = _merged([p.waiting_since for p in parts])
    node.values.update(_durations(node.waiting_since, day))
    node.hidden = {m for m in ADDITIVE if any(m in p.hidden for p in parts)}
    return node


def _names(rows) -> dict[tuple[str, int], str]:
    """Names of the territories holding the reader's schools, read with the schools (a pôle of
    another département that takes one of them is named too: its name is public, its other
    schools are not read)."""
    names: dict[tuple[str, int], str] = {("school", r[0]): r[1] for r in rows}
    for kind, index in (("departement", 2), ("circonscription", 3), ("pole", 4)):
        names.update({(kind, r[index]): r[index + 4] for r in rows if r[index]})
    return names


def _label(names: dict, kind: str, ref) -> str:
    return names.get((kind, ref), NO_GROUP[kind]) if ref else NO_GROUP[kind]


def _split(node: Node, chain: tuple[str, ...], territory: Tree, figures: dict, day) -> None:
    """Splits `node` into its parts along `chain`, then schools; figures add up from the schools."""
    _divide(node, chain, territory, figures, day)
    sources = [figures[s] for s in node.schools] if node.leaf else node.children
    node.values = added(source.values for source in sources)
    node.waiting_since = _merged([source.waiting_since for source in sources])
    node.values.update(_durations(node.waiting_since, day))


def _divide(node: Node, chain: tuple[str, ...], territory: Tree, figures: dict, day) -> None:
    if node.leaf:
        return
    if chain:
        kind, rest = chain[0], chain[1:]
        groups: dict[int | None, list[int]] = {}
        for school in node.schools:
            groups.setdefault(territory.info[school][INFO_INDEX[kind]], []).append(school)
        for ref, members in groups.items():
            child = Node(kind=kind, ref=ref, label=_label(territory.names, kind, ref), schools=members, parent=node)
            node.children.append(child)
            _split(child, rest, territory, figures, day)
        node.children.sort(key=_order)
        return
    small = [s for s in node.schools if figures[s].values["students"] < territory.min_students]
    for school in sorted(set(node.schools) - set(small), key=lambda s: (territory.names[("school", s)], s)):
        child = Node(kind="school", ref=school, label=territory.names[("school", school)], schools=[school],
                     parent=node)
        node.children.append(child)
        _split(child, (), territory, figures, day)
    if small:
        child = Node(kind="others", ref=None, label="Autres établissements", schools=sorted(small), parent=node)
        node.children.append(child)
        _split(child, (), territory, figures, day)


_ADDITIVE_OF = operator.itemgetter(*ADDITIVE)


def added(values) -> dict:
    """The sum of figures, measure by measure (every additive measure, 0 for none)."""
    columns = list(zip(*map(_ADDITIVE_OF, values), strict=True))
    return dict(zip(ADDITIVE, map(sum, columns), strict=True)) if columns else dict.fromkeys(ADDITIVE, 0)


def _merged(histograms: list[dict]) -> dict:
    merged: dict = {}
    for histogram in histograms:
        for day, count in histogram.items():
            merged[day] = merged.get(day, 0) + count
    return merged


def _durations(waiting_since: dict, day: datetime.date) -> dict:
    """Median (the lower middle value, as PERCENTILE_DISC) and longest wait, in days."""
    total = sum(waiting_since.values())
    if not total:
        return {"waiting_median_days": None, "waiting_longest_days": None}
    ordered = sorted(waiting_since.items())
    middle, seen, median = (total - 1) // 2, 0, None
    for since, count in ordered:
        seen += count
        if seen > middle:
            median = since
            break
    return {"waiting_median_days": max((day - median).days, 0),
            "waiting_longest_days": max((day - ordered[0][0]).days, 0)}


# --- Protecting a unit ----------------------------------------------------------------------------

def cell_id(node: Node) -> tuple:
    """A node's name inside its unit, the same in every process (the cache's keys)."""
    if node.kind == "others":
        return ("others", node.parent.ref)
    return (node.kind, node.ref)


def week_minutes(node: Node, kinds: dict[int, str]) -> float:
    """The most minutes one individuelle student of this territory can be notified per week:
    the school week of its schools' degree (what a reader knows), never less than the
    figures themselves hold (so that the truth is always among the possible values)."""
    rule = max((setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE") if kinds.get(s) in SchoolKind.first_degree()
                else setting("SCHOOL_WEEK_HOURS_SECOND_DEGREE") for s in node.schools), default=40)
    minutes = min(rule, 40) * 60
    individuelle = node.values["individuelle"]
    if individuelle:
        minutes = max(minutes, math.ceil(node.values["notified_minutes"] / individuelle))
    return minutes


def unit_problem(unit: Node, threshold: int, kinds: dict[int, str]) -> privacy.Problem:
    """Everything a unit publishes, and what any reader knows besides."""
    values, published, counts, primary, cost, rows = {}, set(), set(), set(), {}, []
    for node in unit.walk():
        name = cell_id(node)

        def key(measure, name=name):
            return (name, measure)

        for measure in ADDITIVE:
            values[key(measure)] = node.values[measure]
            if measure in COUNTS:
                counts.add(key(measure))
            if measure not in node.measures:
                continue
            published.add(key(measure))
            small_count = measure in COUNTS and 0 < node.values[measure] < threshold
            few_students_hours = measure in HOURS and 0 < node.values["individuelle"] < threshold
            if small_count or few_students_hours:
                primary.add(key(measure))
            cost[key(measure)] = ((node.values[measure] + 1) * MEASURE_WEIGHT.get(measure, 1.0)
                                  * LEVEL_WEIGHT.get(node.kind, 1.0))
        for total, parts in ROW_RELATIONS:
            rows.append(privacy.equal(key(total), [key(p) for p in parts]))
        rows += [privacy.at_most(key("ulis"), key("students")), privacy.at_most(key("waiting"), key("students")),
                 privacy.at_most(key("waiting_partial"), key("individuelle")),
                 privacy.at_most(key("placed_minutes"), key("notified_minutes")),
                 privacy.at_most(key("notified_minutes"), key("individuelle"), week_minutes(node, kinds)),
                 privacy.at_least(key("notified_minutes"), key("individuelle"), MIN_MINUTES_PER_NOTIFICATION)]
        if node.children:
            rows += [privacy.equal(key(m), [(cell_id(c), m) for c in node.children]) for m in ADDITIVE]
    rows = [row for row in rows if _holds(row, values)]  # what a reader knows is true of the figures
    return privacy.Problem(values=values, published=published, counts=counts, rows=rows, primary=primary,
                           threshold=threshold, cost=cost)


def _holds(row: privacy.Row, values: dict) -> bool:
    total = sum(coefficient * values[key] for key, coefficient in row.terms)
    return row.low - 1e-6 <= total <= row.high + 1e-6


def fingerprint(unit: Node, threshold: int, kinds: dict[int, str]) -> str:
    parts = [CACHE_VERSION, str(threshold), str(setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE")),
             str(setting("SCHOOL_WEEK_HOURS_SECOND_DEGREE"))]
    for node in unit.walk():
        parts.append(repr((cell_id(node), node.leaf, tuple(node.values[m] for m in ADDITIVE),
                           tuple(sorted(kinds.get(s, "") for s in node.schools)) if node is unit else ())))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def protect_units(units: list[Node], territory: Tree) -> None:
    """Every unit's decisions, read from the cache in one round trip."""
    kinds = territory.kinds
    keys = [f"pial:{CACHE_VERSION}:{fingerprint(unit, territory.threshold, kinds)}" for unit in units]
    known = cache.get_many(keys) if keys else {}
    for unit, key in zip(units, keys, strict=True):
        protect_unit(unit, territory, key, known.get(key))


def protect_unit(unit: Node, territory: Tree, cache_key: str | None = None, hidden=None) -> None:
    """Decides which cells of the unit are published, once for given figures (cached)."""
    kinds = territory.kinds
    if cache_key is None:
        cache_key = f"pial:{CACHE_VERSION}:{fingerprint(unit, territory.threshold, kinds)}"
        hidden = cache.get(cache_key)
    stats = territory.stats
    if hidden is None:
        protection = privacy.protect(unit_problem(unit, territory.threshold, kinds))
        hidden = sorted(protection.hidden, key=str)
        cache.set(cache_key, hidden, CACHE_SECONDS)
        stats["protected"] = stats.get("protected", 0) + 1
        stats["solves"] = stats.get("solves", 0) + protection.solves
        stats["unprotected"] = stats.get("unprotected", 0) + len(protection.unprotected)
        stats["mips"] = stats.get("mips", 0) + protection.mips
        stats["dives_failed"] = stats.get("dives_failed", 0) + protection.dives_failed
    else:
        stats["cached"] = stats.get("cached", 0) + 1
    by_node: dict = {}
    for name, measure in hidden:
        by_node.setdefault(tuple(name), set()).add(measure)
    for node in unit.walk():
        node.hidden = by_node.get(cell_id(node), set())


# --- Week by week ------------------------------------------------------------------------------------

def week_root(territory: Tree, week_start: datetime.date, by_school: dict) -> Node:
    """The reader's tree in one week of the weekly table, built and protected as the day's is
    (same units, same parts), so a week publishes what the report of its day publishes."""
    figures = {school: selectors.SchoolFigures(values=dict(values), waiting_since={})
               for school, values in by_school.items() if school in territory.info}
    return assemble(territory, figures, week_start)[0]


def _week_parts(territory: Tree) -> list[str]:
    """What a week's cache key holds besides the schools' figures: the reader's territory's
    shape and names, and the rules (read once per tree)."""
    if territory.week_parts is None:
        territory.week_parts = _read_week_parts(territory)
    return list(territory.week_parts)


def _read_week_parts(territory: Tree) -> list[str]:
    return [CACHE_VERSION, "week", repr(territory.chain), str(territory.threshold), str(territory.min_students),
            str(territory.entitled), str(setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE")),
            str(setting("SCHOOL_WEEK_HOURS_SECOND_DEGREE")),
            repr(sorted((k, v) for k, v in territory.names.items() if k[0] != "school"))]


def week_key(territory: Tree, by_school: dict) -> str:
    """The cache key of what a week shows this reader: their territory's shape and names, the
    rules, and every school's figures that week (past weeks never change: read once)."""
    parts = _week_parts(territory)
    for school in sorted(s for s in by_school if s in territory.info):
        parts.append(repr((territory.info[school][2:6], tuple(by_school[school][m] for m in ADDITIVE))))
    return f"pial:{CACHE_VERSION}:week:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"


def week_digest_key(territory: Tree, digest: str) -> str:
    """The same key from the database's digest of the week's schools (each school's id, place,
    kind and figures: selectors.weekly_digests), so a week already shown is found without
    reading its schools."""
    parts = [*_week_parts(territory), "digest", digest]
    return f"pial:{CACHE_VERSION}:weekd:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"
