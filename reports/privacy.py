"""Statistical confidentiality (secret statistique), as pure functions.

A report is protected one table at a time, from the reader's whole territory down: a table
is a territory and its parts (a circonscription and its pôles, a pôle and its schools), over
the measures it publishes. The first table decides the reader's own totals; each table below
receives its total row as decided above (`fixed`) and may only hide cells of its parts.

In a table:
- primary cells are hidden: counts of 1 to threshold − 1 pupils, and the hours of so few
  pupils (`primary`, chosen by the caller);
- every relation « total = sum of parts » (between a territory and its parts, and inside a
  row: pupils = individuelle + mutualisée) that holds a hidden cell holds at least two, with
  enough room for a primary cell to move by the threshold: a reader who knows that hidden
  counts are at least 1 (zero is always shown) cannot narrow a small count below that;
- a hidden total received from above keeps a hidden part below it, and does not count as
  protection for the parts of its own table (its freedom serves the table above);
- complementary cells are the cheapest (`cost`): the smallest cell, a split before a total,
  a part before the territory the reader came for.
A bound propagation (what a reader can subtract and bound by hand) then checks every hidden
cell of the table and hides more where a cell could still be narrowed. An exact audit by
linear programming over everything one reader can see runs in the tests
(reports/tests/test_privacy_audit.py).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field

Key = Hashable
INF = math.inf


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), each a cell key."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True)
class Bound:
    """small ≤ factor × big (pupils waiting ≤ pupils, placed hours ≤ notified hours…)."""

    small: Key
    big: Key
    factor: float = 1.0


@dataclass
class Problem:
    values: dict[Key, float]
    relations: list[Relation]
    primary: set[Key]
    threshold: int
    counts: set[Key] = field(default_factory=set)       # integer cells, hidden ones known to be ≥ 1
    cost: dict[Key, float] = field(default_factory=dict)
    fixed: dict[Key, bool] = field(default_factory=dict)  # decided above: True hidden, False shown
    bounds: list[Bound] = field(default_factory=list)
    floors: dict[Key, float] = field(default_factory=dict)  # least a hidden cell can be, known from below
    hours_margin: float = 0.25  # a primary amount of hours must stay uncertain by this share of itself


def protect(problem: Problem) -> set[Key]:
    """The cells of the table to hide."""
    hidden = {key for key in problem.primary if problem.fixed.get(key) is not False}
    hidden |= {key for key, is_hidden in problem.fixed.items() if is_hidden}
    for _ in range(200):
        changed = _complete(problem, hidden)
        changed = _tighten(problem, hidden) or changed
        if not changed:
            break
    return hidden


def floor(problem: Problem, key: Key) -> float:
    return problem.floors.get(key, 1.0 if key in problem.counts else 0.0)


def needed_width(problem: Problem, key: Key) -> float:
    """How uncertain a hidden cell must stay: a small count may be any of `threshold` whole
    values, up to the threshold itself (1 to 3 for a 1, with the usual threshold); the hours
    of few pupils, a share of themselves; any other hidden cell, more than one value."""
    if key not in problem.primary:
        return 1e-6
    if key in problem.counts:
        return float(problem.threshold - 1)
    return max(problem.values.get(key) or 0, 1.0) * problem.hours_margin


def disclosed(problem: Problem, key: Key, low: float, high: float) -> bool:
    """Whether a reader who knows [low, high] for the hidden cell `key` knows too much."""
    if high - low + 1e-9 < needed_width(problem, key):
        return True
    return key in problem.primary and key in problem.counts and high + 1e-9 < problem.threshold


# --- Completion: every relation with a hidden cell has room ------------------------------------

def _complete(problem: Problem, hidden: set[Key]) -> bool:
    changed = False
    lows = intervals(problem, hidden)[0]
    for relation in problem.relations:
        while True:
            shortfall = _shortfall(problem, relation, hidden, lows)
            if shortfall is None:
                break
            candidate = _candidate(problem, relation, hidden, shortfall)
            if candidate is None:
                break  # nothing left to hide here: the bound check says whether that is enough
            hidden.add(candidate)
            lows = intervals(problem, hidden)[0]
            changed = True
    return changed


def _room(problem: Problem, key: Key, lows: dict | None = None) -> float:
    """How far a hidden cell can go down for another's sake: to what a reader knows it is at
    least (1 for a count; the sum of its hidden parts' least values; what the table gives)."""
    least = max(floor(problem, key), (lows or {}).get(key, 0.0))
    return (problem.values.get(key) or 0) - least


def _shortfall(problem: Problem, relation: Relation, hidden: set[Key], lows: dict) -> float | None:
    """None when the relation is safe; else how much room is missing (0: one more cell)."""
    parts = [p for p in relation.parts if p in hidden]
    total_hidden = relation.total in hidden
    total_free = total_hidden and problem.fixed.get(relation.total) is None
    if not parts and not total_hidden:
        return None
    if not parts:
        return 0.0  # a hidden total over shown parts would be their sum
    if total_free:
        return None  # the reader's own total, hidden here, moves with the part (the bounds check the rest)
    lows = lows or {}
    if total_hidden and not any(p in problem.primary for p in parts):
        return None  # a hidden total and the part that carries it down
    if len(parts) == 1:
        return 0.0
    worst = 0.0
    for part in parts:
        others = sum(_room(problem, other, lows) for other in parts if other != part)
        need = needed_width(problem, part) - _room(problem, part, lows)
        if part in problem.primary and part in problem.counts:
            need = max(need, problem.threshold - (problem.values.get(part) or 0))  # and up to the threshold
        worst = max(worst, need - others)
    return worst if worst > 1e-9 else None


def _candidate(problem: Problem, relation: Relation, hidden: set[Key], shortfall: float) -> Key | None:
    """The cheapest cell to hide next in the relation: a part, or the total when it is free
    and costs less (the total then moves with the hidden part)."""
    options = [p for p in (*relation.parts, relation.total) if p not in hidden and problem.fixed.get(p) is None
               and (problem.values.get(p) or 0) > 0]
    if not options:
        return None

    def rank(key):
        enough = key == relation.total or _room(problem, key) >= shortfall
        return (not enough, problem.cost.get(key, problem.values.get(key) or 0), str(key))
    return min(options, key=rank)


# --- Tightening: bounds a reader can compute by hand ---------------------------------------------

def _tighten(problem: Problem, hidden: set[Key]) -> bool:
    """Hides more where bound propagation narrows a hidden cell too much; True if it did."""
    lows, highs = intervals(problem, hidden)
    for key in sorted(hidden, key=str):
        if problem.fixed.get(key):
            continue
        if not disclosed(problem, key, lows[key], highs[key]):
            continue
        for relation in problem.relations:
            if key == relation.total or key in relation.parts:
                candidate = _candidate(problem, relation, hidden, INF)
                if candidate is not None:
                    hidden.add(candidate)
                    return True
    return False


def intervals(problem: Problem, hidden: set[Key], rounds: int = 30) -> tuple[dict, dict]:
    """Each hidden cell's bounds from the shown cells, the relations and the bounds, by
    propagation (weaker than linear programming, which the audit uses)."""
    lows = {k: floor(problem, k) for k in hidden}
    highs = dict.fromkeys(hidden, INF)

    def lo(key):
        return lows[key] if key in hidden else (problem.values.get(key) or 0)

    def hi(key):
        return highs[key] if key in hidden else (problem.values.get(key) or 0)

    def narrow(key, low, high):
        if key not in hidden:
            return False
        if key in problem.counts:
            low = math.ceil(low - 1e-9) if math.isfinite(low) else low
            high = math.floor(high + 1e-9) if math.isfinite(high) else high
        moved = False
        if low > lows[key] + 1e-9:
            lows[key], moved = low, True
        if high < highs[key] - 1e-9:
            highs[key], moved = high, True
        return moved

    relations = [r for r in problem.relations if r.total in hidden or any(p in hidden for p in r.parts)]
    for _ in range(rounds):
        moved = False
        for relation in relations:
            moved = narrow(relation.total, sum(lo(p) for p in relation.parts),
                           sum(hi(p) for p in relation.parts)) or moved
            for part in relation.parts:
                if part not in hidden:
                    continue
                others_lo = sum(lo(p) for p in relation.parts if p != part)
                others_hi = sum(hi(p) for p in relation.parts if p != part)
                moved = narrow(part, lo(relation.total) - others_hi, hi(relation.total) - others_lo) or moved
        for bound in problem.bounds:
            moved = narrow(bound.small, -INF, bound.factor * hi(bound.big)) or moved
            moved = narrow(bound.big, lo(bound.small) / bound.factor, INF) or moved
        if not moved:
            break
    return lows, highs
