"""The attacker's audit of the secret statistique, as a statistics office runs it.

For one reader and one day, everything that reader can read — the report of their
territory and of every part they may open (`?pole=`, `?circonscription=`, …), cell by
cell as the pages and exports show it (they read the same tables) — becomes a
mixed-integer linear programme, written here independently of pial.privacy: one
variable per figure of every territory and school shown (published or not, schools'
unpublished splits included), equal to its value where it is published, and what any
reader knows:

- a territory is the sum of its parts (the directory of schools says which school is in
  which pôle, circonscription and département), a table's total the sum of its rows, a pôle
  opened whole the sum of its parts;
- in every territory and school: students = individuelle + mutualisée, waiting = without an
  AESH + partly covered;
- counts are whole and non-negative; a hidden count is at least 1 (zero is always shown);
- students in a ULIS, waiting students ≤ students; partly covered ≤ individuelle; placed hours ≤
  notified hours ≤ individuelle × the school week (24 h in the 1er degré, 35 h after, as the
  notifications' validation allows), and at least 0.6 minute (0.01 h) per individuelle student.

For each hidden cell, HiGHS (scipy.optimize.milp) gives the largest value consistent with
all of it, over the cells linked to it through unknown ones, and the smallest unless the
largest already settles it (the true value is possible, so the smallest is at most it). A cell is
disclosed when they meet; a cell hidden for being small is also disclosed when its range
holds fewer than `threshold` whole values or stops below the threshold (1 to 3 is the
least for a count of 1 or 2 with the threshold at 3: the reader cannot tell it from 3), and
hours of one or two students when their range is narrower than a quarter of themselves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from pial.conf import setting
from pial.enums import SchoolKind
from pial.scope import Scope
from reports.report import DRILLS, Report, build, read_tree
from reports.tree import ADDITIVE, COUNTS, HOURS, Node, Tree

DERIVED = ("coverage", "waiting_median_days", "waiting_longest_days")


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
    pages: int = 0
    findings: list[Finding] = field(default_factory=list)
    ranges: dict = field(default_factory=dict)
    inconsistent: list[str] = field(default_factory=list)  # a cell shown on one page, hidden on another


def reachable_reports(scope: Scope, day: datetime.date) -> tuple[Tree, list[Report]]:
    """The report of the reader's territory and of every part they may open, from one tree
    (as every request of that day reads the same figures)."""
    level, territory = read_tree(scope, day)
    reports = [build(scope, day, territory=territory)]
    wanted = []
    for kind in DRILLS[level]:
        refs = {n.ref for n in territory.root.walk() if n.kind == kind and n.ref}
        if kind == "pole":
            refs |= set(territory.territory_poles)
        wanted += [(kind, ref) for ref in sorted(refs)]
    for drill in wanted:
        reports.append(build(scope, day, drill, territory=territory))
    return territory, reports


def published_cells(reports: list[Report]) -> tuple[dict, list[str]]:
    """Node → measure → the value shown, or None where the cell reads « secret »."""
    seen: dict[Node, dict] = {}
    inconsistent = []
    for report in reports:
        for table in report.student_tables:
            for row in table.all_rows:
                node = row.node
                for column in table.columns:
                    if column.key not in ADDITIVE and column.key not in DERIVED:
                        continue
                    shown = None if row.is_hidden(column.key) else node.values[column.key] if column.key in \
                        ADDITIVE else True
                    before = seen.setdefault(node, {}).get(column.key, "unseen")
                    if before != "unseen" and (before is None) != (shown is None):
                        inconsistent.append(f"{node!r} · {column.key}")
                    if before == "unseen" or shown is not None:
                        seen[node][column.key] = shown
    return seen, inconsistent


def audit(scope: Scope, day: datetime.date) -> Audit:
    territory, reports = reachable_reports(scope, day)
    shown, inconsistent = published_cells(reports)
    result = Audit(pages=len(reports), inconsistent=inconsistent)
    nodes = list(shown)
    for node in list(nodes):  # the parts a shown territory is made of, shown or not
        for child in [*node.children, *node.constituents]:
            if child not in shown:
                shown[child] = {}
                nodes.append(child)
    index = {(node, m): i for i, (node, m) in enumerate((n, m) for n in nodes for m in ADDITIVE)}
    size = len(index)
    low, high, integral = np.zeros(size), np.full(size, np.inf), np.zeros(size)
    rows: list[tuple[dict, float, float]] = []
    threshold = territory.threshold
    hidden_cells = []
    for node in nodes:
        for measure in ADDITIVE:
            i = index[(node, measure)]
            integral[i] = 1 if measure in COUNTS else 0
            if measure not in shown[node]:
                continue
            if shown[node][measure] is None:
                result.hidden += 1
                low[i] = 1 if measure in COUNTS else 0
                hidden_cells.append((node, measure))
            else:
                low[i] = high[i] = shown[node][measure]
                result.visible += 1

        def cell(measure, node=node):
            return index[(node, measure)]
        rows.append(({cell("students"): 1, cell("individuelle"): -1, cell("mutualisee"): -1}, 0, 0))
        rows.append(({cell("waiting"): 1, cell("waiting_none"): -1, cell("waiting_partial"): -1}, 0, 0))
        for small, big in (("ulis", "students"), ("waiting", "students"), ("waiting_partial", "individuelle"),
                           ("placed_minutes", "notified_minutes")):
            rows.append(({cell(small): 1, cell(big): -1}, -np.inf, 0))
        rows.append(({cell("notified_minutes"): 1, cell("individuelle"): -week_minutes(node, territory)}, -np.inf, 0))
        rows.append(({cell("notified_minutes"): 1, cell("individuelle"): -0.6}, 0, np.inf))
        for parts in (node.children, node.constituents):
            if parts:
                for measure in ADDITIVE:
                    rows.append(({cell(measure): 1, **{index[(p, measure)]: -1 for p in parts}}, 0, 0))

    rows_of: dict[int, list[int]] = {}
    for number, (terms, _, _) in enumerate(rows):
        for i in terms:
            rows_of.setdefault(i, []).append(number)
    for node, measure in hidden_cells:
        value = node.values[measure]
        primary = _primary(node, measure, threshold)
        need = 1e-6 if measure in HOURS else 1
        if primary:
            need = threshold - 1 if measure in COUNTS else max(value, 1) * 0.25

        def safe(smallest, largest, primary=primary, need=need, measure=measure):
            reaches = not (primary and measure in COUNTS) or largest + 1e-6 >= threshold
            return largest - smallest + 1e-6 >= need and reaches

        cell = index[(node, measure)]
        problem = _component(cell, rows, rows_of, low, high)
        # The true value is always possible, so the smallest is at most it: a largest far
        # enough above it settles the cell alone; else the smallest is solved too.
        largest = _optimum(problem, cell, -1, integral)
        smallest = value if safe(value, largest) else _optimum(problem, cell, 1, integral)
        result.ranges[(repr(node), measure)] = (smallest, largest)
        if not safe(smallest, largest):
            result.findings.append(Finding(repr(node), measure, value, smallest, largest, primary))
    return result


def _component(target: int, rows, rows_of, low, high) -> dict:
    """The cells linked to one cell through unknown ones, and their relations."""
    unknown = {target}
    stack, used = [target], set()
    while stack:
        current = stack.pop()
        for number in rows_of.get(current, ()):
            if number in used:
                continue
            used.add(number)
            for i in rows[number][0]:
                if i not in unknown and low[i] != high[i]:
                    unknown.add(i)
                    stack.append(i)
    columns = sorted(unknown)
    position = {i: k for k, i in enumerate(columns)}
    matrix, lower, upper = [], [], []
    for number in sorted(used):
        terms, lo, hi = rows[number]
        line = np.zeros(len(columns))
        constant = 0.0
        for i, coefficient in terms.items():
            if i in position:
                line[position[i]] += coefficient
            else:
                constant += coefficient * low[i]
        matrix.append(line)
        lower.append(lo - constant)
        upper.append(hi - constant)
    return {"columns": columns, "position": position, "matrix": matrix, "lower": lower, "upper": upper,
            "low": low[columns], "high": high[columns]}


def _optimum(problem: dict, target: int, sign: int, integral) -> float:
    """The smallest (sign 1) or largest (sign −1) whole-number value of one cell."""
    objective = np.zeros(len(problem["columns"]))
    objective[problem["position"][target]] = sign
    matrix = problem["matrix"]
    constraints = LinearConstraint(np.array(matrix), np.array(problem["lower"]), np.array(problem["upper"])) \
        if matrix else ()
    solved = milp(objective, constraints=constraints, integrality=integral[problem["columns"]],
                  bounds=Bounds(problem["low"], problem["high"]), options={"time_limit": 10})
    if solved.status == 0:
        return sign * solved.fun
    return np.inf if sign < 0 else -np.inf  # unbounded above (a failure shows as a finding)


def _primary(node: Node, measure: str, threshold: int) -> bool:
    if measure in COUNTS:
        return 0 < node.values[measure] < threshold
    return measure in HOURS and 0 < node.values["individuelle"] < threshold


def week_minutes(node: Node, tree: Tree) -> float:
    """The most minutes one individuelle student of this territory can be notified per week."""
    kinds = {tree.kinds[school] for school in node.schools}
    hours = max((setting("SCHOOL_WEEK_HOURS_FIRST_DEGREE") if k in SchoolKind.first_degree()
                 else setting("SCHOOL_WEEK_HOURS_SECOND_DEGREE") for k in kinds), default=40)
    return min(hours, 40) * 60


def visible_cells(tree: Tree) -> tuple[int, int]:
    """(published, hidden) student cells of the reader's tree (every table they can open),
    derived cells (coverage, durations) included."""
    shown = hidden = 0
    for node in tree.root.walk():
        for measure in (*node.measures, *DERIVED):
            if node.is_hidden(measure):
                hidden += 1
            else:
                shown += 1
    return shown, hidden


__all__ = ["Audit", "Finding", "audit", "reachable_reports", "visible_cells"]
