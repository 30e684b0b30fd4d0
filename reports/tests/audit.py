"""The attacker's audit of the secret statistique, as a statistics office runs it.

For one reader and one day, everything that reader can read (every table of the report of
their territory and of every part they can open, which the exports repeat) becomes a
mixed-integer linear programme: one variable per figure of every territory and school
(published or not, schools' unpublished splits included), equal to its value where it is
published, and the relations any reader knows:

- parts add up to their territory (schools → pôle part → circonscription → département →
  France), and a pôle opened whole adds up its parts;
- in every territory and school: pupils = individuelle + mutualisée, waiting = without an
  AESH + partly covered;
- counts are whole and non-negative; a hidden count is at least 1 (zero is always shown);
- pupils in a ULIS, waiting pupils ≤ pupils; partly covered ≤ individuelle; placed hours ≤
  notified hours ≤ individuelle × the school week (24 h in the 1er degré, 35 h after, as the
  notifications' validation allows), and at least 0.6 minute (0.01 h) per individuelle pupil.

For each hidden cell, HiGHS (scipy.optimize.milp) gives the smallest and the largest value
consistent with all of it. A cell is disclosed when they meet; a cell hidden for being small
is also disclosed when its range holds fewer than `threshold` whole values or stops below
the threshold (1 to 3 is the least for a count of 1 or 2 with the threshold at 3: the reader
cannot tell it from 3), and hours of one or two pupils when their range is narrower than a
quarter of themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from pial.conf import setting
from pial.enums import SchoolKind
from reports import tree as territory
from reports.tree import ADDITIVE, COUNTS, HOURS, Node, Tree


@dataclass
class Finding:
    node: str
    measure: str
    value: float
    low: float
    high: float
    primary: bool

    def __str__(self) -> str:
        kind = "petit effectif" if self.primary else "secret complémentaire"
        return f"{self.node} · {self.measure} = {self.value:g} ∈ [{self.low:g}, {self.high:g}] ({kind})"


@dataclass
class Audit:
    hidden: int = 0
    visible: int = 0
    findings: list[Finding] = field(default_factory=list)
    ranges: dict = field(default_factory=dict)


def publish_everything(tree: Tree) -> list[Node]:
    """Decides every table the reader can open, and returns the pôles opened whole (a pôle in
    several parts of the tree: ?pole= adds them up)."""
    territory.settle(tree)
    refs = {}
    for node in tree.root.walk():
        if node.kind == "pole" and node.ref:
            refs.setdefault(node.ref, []).append(node)
    return [tree.union(parts) for parts in refs.values() if len(parts) > 1]


def audit(tree: Tree) -> Audit:
    unions = publish_everything(tree)
    nodes = list(tree.root.walk())
    index = {}
    for node in nodes:
        for measure in ADDITIVE:
            index[(node, measure)] = len(index)
    for union in unions:
        for measure in ADDITIVE:
            index[(union, measure)] = len(index)
    size = len(index)
    low, high = np.zeros(size), np.full(size, np.inf)
    integral = np.zeros(size)
    rows, lower, upper = [], [], []

    def constraint(coefficients: dict, lo: float, hi: float):
        row = np.zeros(size)
        for key, coefficient in coefficients.items():
            row[index[key]] += coefficient
        rows.append(row)
        lower.append(lo)
        upper.append(hi)

    result = Audit()
    threshold = tree.threshold
    for node in [*nodes, *unions]:
        for measure in ADDITIVE:
            key = (node, measure)
            i = index[key]
            integral[i] = 1 if measure in COUNTS else 0
            shown = measure in node.measures and measure not in node.hidden
            if shown:
                low[i] = high[i] = node.values[measure]
                result.visible += 1
            elif measure in node.measures:
                result.hidden += 1
                low[i] = 1 if measure in COUNTS else 0
        constraint({(node, "pupils"): 1, (node, "individuelle"): -1, (node, "mutualisee"): -1}, 0, 0)
        constraint({(node, "waiting"): 1, (node, "waiting_none"): -1, (node, "waiting_partial"): -1}, 0, 0)
        for small, big in (("ulis", "pupils"), ("waiting", "pupils"), ("waiting_partial", "individuelle"),
                           ("placed_minutes", "notified_minutes")):
            constraint({(node, small): 1, (node, big): -1}, -np.inf, 0)
        constraint({(node, "notified_minutes"): 1, (node, "individuelle"): -week_minutes(node, tree)}, -np.inf, 0)
        constraint({(node, "notified_minutes"): 1, (node, "individuelle"): -0.6}, 0, np.inf)
    for parent in [*nodes, *unions]:
        if not parent.children or parent.leaf:
            continue
        parts = [n for n in nodes if n.kind == "pole" and n.ref == parent.ref] if parent in unions \
            else parent.children
        for measure in ADDITIVE:
            constraint({(parent, measure): 1, **{(p, measure): -1 for p in parts}}, 0, 0)

    matrix = LinearConstraint(np.array(rows), np.array(lower), np.array(upper))
    for (node, measure), i in index.items():
        if measure not in node.measures or measure not in node.hidden or node in unions:
            continue
        objective = np.zeros(size)
        objective[i] = 1
        ranges = []
        for sign in (1, -1):
            solved = milp(sign * objective, constraints=matrix, integrality=integral, bounds=Bounds(low, high),
                          options={"time_limit": 10})
            ranges.append(sign * solved.fun if solved.status == 0 else (np.inf if sign < 0 else -np.inf))
        smallest, largest = ranges[0], ranges[1]
        value = node.values[measure]
        primary = _primary(node, measure, threshold)
        result.ranges[(repr(node), measure)] = (smallest, largest)
        need = 1e-6
        if primary:
            need = threshold - 1 if measure in COUNTS else max(value, 1) * 0.25
        reaches = not (primary and measure in COUNTS) or largest + 1e-6 >= threshold
        if largest - smallest + 1e-6 < need or not reaches:
            result.findings.append(Finding(repr(node), measure, value, smallest, largest, primary))
    return result


def _primary(node: Node, measure: str, threshold: int) -> bool:
    if measure in COUNTS:
        return 0 < node.values[measure] < threshold
    return measure in HOURS and 0 < node.values["individuelle"] < threshold


def week_minutes(node: Node, tree: Tree) -> float:
    """The most minutes one individuelle pupil of this territory can be notified per week."""
    kinds = {tree.kinds[school] for school in node.schools}
    hours = max((setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE") if k in SchoolKind.first_degree()
                 else setting("SCHOOL_WEEK_HOURS_SECOND_DEGREE") for k in kinds), default=40)
    return min(hours, 40) * 60


def visible_cells(tree: Tree) -> tuple[int, int]:
    """(published, hidden) pupil cells over every table the reader can open, derived cells
    (coverage, durations) included."""
    publish_everything(tree)
    shown = hidden = 0
    for node in tree.root.walk():
        for measure in (*node.measures, "coverage", "waiting_median_days", "waiting_longest_days"):
            if node.is_hidden(measure):
                hidden += 1
            else:
                shown += 1
    return shown, hidden


__all__ = ["Audit", "Finding", "audit", "territory", "visible_cells"]
