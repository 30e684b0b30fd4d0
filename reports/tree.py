"""What one reader may read on one day: their territory as a tree of parts, each with its
pupils' figures, and which of those figures are published.

The tree follows the reader's level: France → départements → circonscriptions → parts of
pôles → schools, starting at the reader's own territory. Every node holds only schools of
that territory (School.visible_to): a pôle that straddles two circonscriptions appears in
an inspector's tree as its part inside their circonscription. Schools with fewer than
`PIAL_REPORT_SCHOOL_MIN_PUPILS` pupils are grouped under each parent into « autres
établissements »; schools publish no split by aid kind or by kind of wait (territories do).

Every page, drill-down and export reads this one tree, so a hidden cell is hidden everywhere
the reader looks on that day. Protection runs table by table from the top (reports.privacy).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from pial.conf import setting
from pial.models import Circonscription, Departement, Pole, School
from pial.scope import Scope
from reports import privacy, selectors

COUNTS = ("pupils", "individuelle", "mutualisee", "ulis", "waiting", "waiting_none", "waiting_partial")
HOURS = ("notified_minutes", "placed_minutes")
ADDITIVE = COUNTS + HOURS
LEAF_MEASURES = ("pupils", "waiting", "notified_minutes", "placed_minutes")  # what a school publishes
ROW_RELATIONS = (("pupils", ("individuelle", "mutualisee")), ("waiting", ("waiting_none", "waiting_partial")))
# How much a reader would miss each figure, for choosing complementary cells.
MEASURE_WEIGHT = {"waiting": 3.0, "pupils": 2.0, "notified_minutes": 2.0, "placed_minutes": 2.0}
PARTS_WEIGHT = 1.5  # the reader's own parts (their pôles, circonscriptions) before their total
# The most hours a notification can hold per week (eleves.Notification.weekly_hours ≤ 40).
MAX_NOTIFIED_MINUTES = 40 * 60

LEVEL_CHAIN = {  # reader's level → the groupings between their territory and the schools
    "national": ("departement", "circonscription", "pole"),
    "departement": ("circonscription", "pole"),
    "circonscription": ("pole",),
    "pole": (),
}
GROUP_FIELD = {"departement": "departement_id", "circonscription": "circonscription_id", "pole": "pole_id"}
NO_GROUP = {"departement": "Sans département", "circonscription": "Sans circonscription", "pole": "Sans pôle"}


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
    decided: bool = False

    def __repr__(self) -> str:  # stable: complementary choices break ties on it
        return f"{self.kind}:{self.ref}:{self.label}"

    @property
    def leaf(self) -> bool:
        return self.kind in ("school", "others")

    @property
    def measures(self) -> tuple[str, ...]:
        return LEAF_MEASURES if self.leaf else ADDITIVE

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

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
    threshold: int
    min_pupils: int
    territory_poles: dict[int, str]    # every pôle holding a school of the territory
    info: dict[int, tuple]             # each school of the territory: pk, name, dep, circ, pôle, kind
    chain: tuple[str, ...]
    names: dict = field(default_factory=dict)

    @property
    def kinds(self) -> dict[int, str]:
        return {pk: row[5] for pk, row in self.info.items()}

    def find(self, kind: str, ref: int) -> Node | None:
        """The node of a territory, protected; a pôle across several parts is their sum."""
        if kind == "pole":
            parts = [n for n in self.root.walk() if n.kind == "pole" and n.ref == ref]
            if len(parts) == 1:
                return self.decide(parts[0])
            if parts:
                return self.union(parts)
            return None
        for node in self.root.walk():
            if node.kind == kind and node.ref == ref:
                return self.decide(node)
        return None

    def decide(self, node: Node) -> Node:
        """Decides `node`'s own cells (those of the tables above it) and those of its parts."""
        path = []
        current = node
        while current is not None:
            path.append(current)
            current = current.parent
        for ancestor in reversed(path):
            if not ancestor.leaf:
                protect_table(ancestor, self.threshold)
        return node

    def decide_below(self, node: Node) -> Node:
        self.decide(node)
        for inner in node.walk():
            if not inner.leaf:
                protect_table(inner, self.threshold)
        return node

    def union(self, parts: list[Node]) -> Node:
        """A pôle whose schools sit in several parts of the tree: published where every part
        is, so it tells nothing its parts do not."""
        for part in parts:
            self.decide_below(part)
        first = parts[0]
        node = Node(kind="pole", ref=first.ref, label=first.label, schools=[s for p in parts for s in p.schools],
                    values={m: sum(p.values[m] for p in parts) for m in ADDITIVE},
                    waiting_since=_merged([p.waiting_since for p in parts]), decided=True)
        node.hidden = {m for m in ADDITIVE if any(m in p.hidden for p in parts)}
        node.children = [leaf for part in parts for leaf in part.children]
        node.values.update(_durations(node.waiting_since, self.day))
        return node


def min_pupils() -> int:
    return int(setting("REPORT_SCHOOL_MIN_PUPILS"))


def build_tree(scope: Scope, level: str, period: selectors.Period, threshold: int) -> Tree:
    """The reader's territory on the day: three queries (schools, their figures, names)."""
    schools = School.objects.visible_to(scope)
    rows = list(schools.order_by().values_list("pk", "name", "departement_id", "circonscription_id", "pole_id",
                                               "kind"))
    figures = selectors.school_figures_in(schools, period)
    names = _names(rows)
    root = Node(kind="root", ref=None, label="", schools=[r[0] for r in rows if r[0] in figures])
    info = {r[0]: r for r in rows}
    _split(root, LEVEL_CHAIN[level], info, figures, names, period.day)
    return Tree(root=root, day=period.day, threshold=threshold, min_pupils=min_pupils(),
                territory_poles={k: v for (kind, k), v in names.items() if kind == "pole"}, info=info,
                chain=LEVEL_CHAIN[level], names=names)


def _names(rows) -> dict[tuple[str, int], str]:
    """Names of the territories holding the reader's schools (a pôle of another département
    that takes one of them is named too: its name is public, its other schools are not read)."""
    names: dict[tuple[str, int], str] = {("school", r[0]): r[1] for r in rows}
    for kind, model, index in (("departement", Departement, 2), ("circonscription", Circonscription, 3),
                               ("pole", Pole, 4)):
        ids = {r[index] for r in rows if r[index]}
        names.update({(kind, pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")})
    return names


def _split(node: Node, chain: tuple[str, ...], info, figures, names, day) -> None:
    node.values = {m: sum(figures[s].values[m] for s in node.schools) for m in ADDITIVE}
    node.waiting_since = _merged([figures[s].waiting_since for s in node.schools])
    node.values.update(_durations(node.waiting_since, day))
    if node.leaf:
        return
    if chain:
        kind, rest = chain[0], chain[1:]
        index = {"departement": 2, "circonscription": 3, "pole": 4}[kind]
        groups: dict[int | None, list[int]] = {}
        for school in node.schools:
            groups.setdefault(info[school][index], []).append(school)
        for ref, members in groups.items():
            label = names.get((kind, ref), NO_GROUP[kind]) if ref else NO_GROUP[kind]
            child = Node(kind=kind, ref=ref, label=label, schools=members, parent=node)
            node.children.append(child)
            _split(child, rest, info, figures, names, day)
        node.children.sort(key=lambda n: (n.ref is None, n.label))
        return
    small = [s for s in node.schools if figures[s].values["pupils"] < min_pupils()]
    for school in sorted(set(node.schools) - set(small), key=lambda s: names[("school", s)]):
        child = Node(kind="school", ref=school, label=names[("school", school)], schools=[school], parent=node)
        node.children.append(child)
        _split(child, (), info, figures, names, day)
    if small:
        child = Node(kind="others", ref=None, label="Autres établissements", schools=small, parent=node)
        node.children.append(child)
        _split(child, (), info, figures, names, day)


def weekly_groupings(territory: Tree) -> tuple[str, ...]:
    """What the weekly table is added up by for the reader's first table: its parts and
    their parts (the floors of a part depend on them), schools where parts are schools."""
    chain = territory.chain
    if not chain:
        return ("school",)
    return (chain[0], chain[1] if len(chain) > 1 else "school")


def week_root(territory: Tree, grouped: dict) -> Node:
    """The reader's territory and two levels of parts in one week of the weekly table, built
    as the day's tree is (same parts, same order), for its first table to be protected the same way."""
    root = Node(kind="root", ref=None, label="", schools=[])
    chain = territory.chain
    if not chain:
        _week_leaves(territory, root, {key[0]: values for key, values in grouped.items()})
    else:
        kind = chain[0]
        by_child: dict = {}
        for (first, second), values in grouped.items():
            by_child.setdefault(first, {})[second] = values
        for ref, below in by_child.items():
            child = Node(kind=kind, ref=ref, label=_label(territory.names, kind, ref), schools=[], parent=root)
            if len(chain) > 1:
                for sub, values in below.items():
                    child.children.append(Node(kind=chain[1], ref=sub, label=_label(territory.names, chain[1], sub),
                                               schools=[], parent=child, values=dict(values)))
                child.children.sort(key=lambda n: (n.ref is None, n.label))
            else:
                _week_leaves(territory, child, below)
            child.values = {m: sum(c.values[m] for c in child.children) for m in ADDITIVE}
            root.children.append(child)
        root.children.sort(key=lambda n: (n.ref is None, n.label))
    root.values = {m: sum(c.values[m] for c in root.children) for m in ADDITIVE}
    return root


def _label(names: dict, kind: str, ref) -> str:
    return names.get((kind, ref), NO_GROUP[kind]) if ref else NO_GROUP[kind]


def _week_leaves(territory: Tree, parent: Node, by_school: dict) -> None:
    small = {ref: v for ref, v in by_school.items() if v["pupils"] < territory.min_pupils}
    for ref in sorted((r for r in by_school if r not in small), key=lambda r: territory.names[("school", r)]):
        parent.children.append(Node(kind="school", ref=ref, label=territory.names[("school", ref)], schools=[ref],
                                    parent=parent, values=dict(by_school[ref])))
    if small:
        parent.children.append(Node(kind="others", ref=None, label="Autres établissements", schools=list(small),
                                    parent=parent, values={m: sum(v[m] for v in small.values()) for m in ADDITIVE}))


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


# --- Protection, table by table ------------------------------------------------------------------

def protect_table(node: Node, threshold: int) -> None:
    """Decides the cells of `node`'s parts (and, for the reader's own territory, its own)."""
    if all(child.decided for child in node.children) and node.decided:
        return
    problem = table_problem(node, threshold)
    hidden = privacy.protect(problem)
    for member in (node, *node.children):
        member.hidden = {m for (n, m) in hidden if n is member}
        member.decided = True


def table_problem(node: Node, threshold: int) -> privacy.Problem:
    """The table of a territory and its parts: relations, small cells, what is already decided."""
    members = [node, *node.children]
    values, counts, cost, primary = {}, set(), {}, set()
    for member in members:
        weight = PARTS_WEIGHT if (member is not node and node.parent is None) else 1.0
        for measure in member.measures:
            key = (member, measure)
            value = member.values[measure]
            values[key] = value
            cost[key] = (value + 1) * MEASURE_WEIGHT.get(measure, 1.0) * weight
            if measure in COUNTS:
                counts.add(key)
                if 0 < value < threshold:
                    primary.add(key)
            elif 0 < member.values["individuelle"] < threshold:
                primary.add(key)  # the hours of one or two pupils are theirs
    fixed = {}
    if node.parent is not None or node.decided:
        fixed = {(node, m): (m in node.hidden) for m in node.measures}
    relations = []
    for measure in ADDITIVE:
        parts = tuple((c, measure) for c in node.children if measure in c.measures)
        if parts and len(parts) == len(node.children):
            relations.append(privacy.Relation((node, measure), parts))
    bounds = []
    for member in members:
        if not member.leaf:
            for total, parts in ROW_RELATIONS:
                relations.append(privacy.Relation((member, total), tuple((member, p) for p in parts)))
            bounds += [privacy.Bound((member, "ulis"), (member, "pupils")),
                       privacy.Bound((member, "waiting_partial"), (member, "individuelle")),
                       privacy.Bound((member, "notified_minutes"), (member, "individuelle"), MAX_NOTIFIED_MINUTES)]
        else:
            bounds.append(privacy.Bound((member, "notified_minutes"), (member, "pupils"), MAX_NOTIFIED_MINUTES))
        bounds += [privacy.Bound((member, "waiting"), (member, "pupils")),
                   privacy.Bound((member, "placed_minutes"), (member, "notified_minutes"))]
    # A part with parts of its own will hide some of them: a reader then knows it is at least
    # as many as its parts that count someone (each hidden one is at least 1).
    floors = {(child, m): max(1, sum(1 for g in child.children if m in g.measures and g.values[m] > 0))
              for child in node.children if not child.leaf for m in COUNTS
              if all(m in g.measures for g in child.children)}
    return privacy.Problem(values=values, relations=relations, primary=primary, threshold=threshold, counts=counts,
                           cost=cost, fixed=fixed, bounds=bounds, floors=floors)


# --- The whole tree, once every table is decided ------------------------------------------------------

def settle(territory: Tree, rounds: int = 60) -> None:
    """Decides every table, then bounds every hidden cell with all the tree's relations at
    once (what a patient reader can do across pages) and hides more in a part's table where
    a cell can still be narrowed. The reader's first table is left as decided, so that the
    weekly figures (protected with that table alone) stay those of the day."""
    territory.decide_below(territory.root)
    nodes = list(territory.root.walk())
    for _ in range(rounds):
        problem = whole_problem(nodes, territory.threshold)
        unknown = {(n, m) for n in nodes for m in ADDITIVE if m in n.hidden or m not in n.measures}
        lows, highs = privacy.intervals(problem, unknown, rounds=40)
        weak = [(n, m) for n in nodes for m in n.measures if m in n.hidden
                and n.parent is not None and n.parent.parent is not None
                and privacy.disclosed(problem, (n, m), lows[(n, m)], highs[(n, m)])]
        if not weak:
            return
        changed = False
        for node, measure in weak:
            siblings = [s for s in node.parent.children if s is not node and measure in s.measures
                        and measure not in s.hidden and s.values[measure] > 0]
            if siblings:
                cheapest = min(siblings, key=lambda s: (s.values[measure], repr(s)))
                cheapest.hidden.add(measure)
                for whole, parts in ROW_RELATIONS:  # keep its row from giving it back
                    row = (whole, *parts)
                    if measure in row and not cheapest.leaf and sum(1 for m in row if m in cheapest.hidden) == 1:
                        other = min((m for m in row if m != measure), key=lambda m: cheapest.values[m])
                        cheapest.hidden.add(other)
                changed = True
        if not changed:
            return


def whole_problem(nodes: list[Node], threshold: int) -> privacy.Problem:
    values, counts, primary, relations, bounds = {}, set(), set(), [], []
    for node in nodes:
        for measure in ADDITIVE:
            key = (node, measure)
            values[key] = node.values[measure]
            if measure in COUNTS:
                counts.add(key)
                if 0 < node.values[measure] < threshold and measure in node.measures:
                    primary.add(key)
            elif 0 < node.values["individuelle"] < threshold:
                primary.add(key)
        for total, parts in ROW_RELATIONS:
            relations.append(privacy.Relation((node, total), tuple((node, p) for p in parts)))
        if node.children:
            relations += [privacy.Relation((node, m), tuple((c, m) for c in node.children)) for m in ADDITIVE]
        bounds += [privacy.Bound((node, "ulis"), (node, "pupils")), privacy.Bound((node, "waiting"), (node, "pupils")),
                   privacy.Bound((node, "waiting_partial"), (node, "individuelle")),
                   privacy.Bound((node, "placed_minutes"), (node, "notified_minutes")),
                   privacy.Bound((node, "notified_minutes"), (node, "individuelle"), MAX_NOTIFIED_MINUTES)]
    unpublished_floor = {(n, m): 0.0 for n in nodes for m in ADDITIVE if m not in n.measures}
    return privacy.Problem(values=values, relations=relations, primary=primary, threshold=threshold,
                           counts=counts, bounds=bounds, floors=unpublished_floor)
