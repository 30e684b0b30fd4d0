"""Statistical confidentiality (secret statistique), as pure functions over cells.

A protected table set is a `Problem`: every cell's true value, which cells a reader would
see if nothing were hidden (`published`), and what any reader knows besides (`rows`: parts
add up to their total, students = individuelle + mutualisée, waiting ≤ students, hours ≤ 24 h
or 35 h per student…; counts are whole; a hidden count is at least 1, since zero is shown).

`protect` hides the primary cells (counts of 1 to threshold − 1 students, the hours of so
few students), then checks each hidden cell exactly as an attacker would — the smallest and
largest values consistent with everything published, by linear programming (HiGHS), whole
numbers where the cell counts students — and, while a cell can still be narrowed, hides the
cheapest published cell that gives it room (`cost`: a split before a total, a small part
before a large one, the reader's own territory last). Hiding more only widens every range,
so a cell found safe stays safe: each is checked until safe, once more after each cell
added for it. The test suite audits the result with its own model and solver
(reports/tests/audit.py).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

Key = Hashable
INF = math.inf
SENSE = {"low": highspy.ObjSense.kMinimize, "high": highspy.ObjSense.kMaximize}
EPS = 1e-6
TRIALS = 8  # cells tried, cheapest first, before taking the one that helped most


@dataclass(frozen=True)
class Row:
    """low ≤ Σ coefficient × cell ≤ high."""

    terms: tuple[tuple[Key, float], ...]
    low: float
    high: float


def equal(total: Key, parts: Iterable[Key]) -> Row:
    return Row(((total, 1.0), *((p, -1.0) for p in parts)), 0.0, 0.0)


def at_most(small: Key, big: Key, factor: float = 1.0) -> Row:
    """small ≤ factor × big."""
    return Row(((small, 1.0), (big, -factor)), -INF, 0.0)


def at_least(big: Key, small: Key, factor: float) -> Row:
    """big ≥ factor × small."""
    return Row(((big, 1.0), (small, -factor)), 0.0, INF)


@dataclass
class Problem:
    values: dict[Key, float]
    published: set[Key]
    counts: set[Key]
    rows: list[Row]
    primary: set[Key]
    threshold: int
    cost: dict[Key, float] = field(default_factory=dict)
    hours_margin: float = 0.25  # the hours of few students stay uncertain by this share of themselves
    kept: set[Key] = field(default_factory=set)  # published cells never hidden to protect another


def needed_width(problem: Problem, key: Key) -> float:
    """How uncertain a hidden cell must stay: a small count, any of `threshold` whole values
    (1 to 3 for a 1 with the usual threshold); the hours of few students, a share of
    themselves; any other hidden cell, more than one value."""
    if key not in problem.primary:
        return 1.0 if key in problem.counts else EPS
    if key in problem.counts:
        return float(problem.threshold - 1)
    return max(problem.values.get(key) or 0, 1.0) * problem.hours_margin


def disclosed(problem: Problem, key: Key, low: float, high: float) -> bool:
    """Whether a reader who knows [low, high] for the hidden cell `key` knows too much."""
    if high - low + EPS < needed_width(problem, key):
        return True
    return key in problem.primary and key in problem.counts and high + EPS < problem.threshold


class Ranges:
    """Exact bounds of a hidden cell given what is published: one linear programme over
    every cell of the problem (published cells fixed at their value), solved by HiGHS and
    re-solved from the last basis as the objective or the hidden cells change; whole
    numbers checked on the optimum, and a MIP where it is not whole."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.cells = sorted(problem.values, key=str)
        self.position = {cell: i for i, cell in enumerate(self.cells)}
        self.rows_of: dict[Key, list[int]] = {}
        for number, row in enumerate(problem.rows):
            for key, _ in row.terms:
                self.rows_of.setdefault(key, []).append(number)
        self.whole = np.array([i for i, c in enumerate(self.cells) if c in problem.counts], dtype=np.int32)
        self.hidden: set[Key] = set()
        self.solves = self.mips = self.dives_failed = 0
        self.objective: int | None = None
        self.duals: dict[str, list | None] = {}
        solver = self.solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.setOptionValue("presolve", "off")  # re-solves start from the last basis
        bounds = [self._bounds(cell) for cell in self.cells]
        empty_i, empty_f = np.array([], dtype=np.int32), np.array([], dtype=np.float64)
        solver.addCols(len(self.cells), np.zeros(len(self.cells)), np.array([b[0] for b in bounds]),
                       np.array([b[1] for b in bounds]), 0, empty_i, empty_i, empty_f)
        starts, indices, coefficients = [], [], []
        for row in problem.rows:
            starts.append(len(indices))
            for key, coefficient in row.terms:
                indices.append(self.position[key])
                coefficients.append(coefficient)
        if starts:
            solver.addRows(len(starts), np.array([r.low if math.isfinite(r.low) else -highspy.kHighsInf
                                                  for r in problem.rows]),
                           np.array([r.high if math.isfinite(r.high) else highspy.kHighsInf for r in problem.rows]),
                           len(indices), np.array(starts, dtype=np.int32), np.array(indices, dtype=np.int32),
                           np.array(coefficients, dtype=np.float64))

    def unknown(self, key: Key, hidden: set[Key] | None = None) -> bool:
        return key not in self.problem.published or key in (self.hidden if hidden is None else hidden)

    def _bounds(self, cell: Key) -> tuple[float, float]:
        problem = self.problem
        if not self.unknown(cell):
            value = float(problem.values.get(cell) or 0)
            return value, value
        low, high = (1.0 if (cell in self.hidden and cell in problem.counts) else 0.0), highspy.kHighsInf
        if cell in problem.counts:  # a count alone in a relation with published cells: whole-number bounds
            for number in self.rows_of.get(cell, ()):
                row = problem.rows[number]
                if any(other != cell and self.unknown(other) for other, _ in row.terms):
                    continue
                coefficient = sum(c for k, c in row.terms if k == cell)
                constant = sum(c * (problem.values.get(k) or 0) for k, c in row.terms if k != cell)
                lo_end = (row.low - constant) / coefficient if math.isfinite(row.low) else None
                hi_end = (row.high - constant) / coefficient if math.isfinite(row.high) else None
                if coefficient < 0:
                    lo_end, hi_end = hi_end, lo_end
                if lo_end is not None:
                    low = max(low, math.ceil(lo_end - EPS))
                if hi_end is not None:
                    high = min(high, math.floor(hi_end + EPS))
        return low, high

    def sync(self, hidden: set[Key]) -> None:
        changed = hidden ^ self.hidden
        if not changed:
            return
        self.hidden = set(hidden)
        touched = set(changed)
        for cell in changed:
            for number in self.rows_of.get(cell, ()):
                touched.update(k for k, _ in self.problem.rows[number].terms if k in self.problem.counts)
        for cell in touched:
            low, high = self._bounds(cell)
            self.solver.changeColBounds(self.position[cell], low, high)

    def _aim(self, key: Key) -> None:
        column = self.position[key]
        if self.objective != column:
            if self.objective is not None:
                self.solver.changeColCost(self.objective, 0.0)
            self.solver.changeColCost(column, 1.0)
            self.objective = column

    def of(self, key: Key, hidden: set[Key], sides: tuple[str, ...] = ("low", "high"),
           known: tuple[float, float] = (-INF, INF)) -> tuple[float, float]:
        """[low, high] of `key` in the linear relaxation, rounded inward for a count (a side
        not asked for is taken from `known`): it holds the whole-number range, so a cell it
        shows disclosed is disclosed."""
        self.sync(hidden)
        self._aim(key)
        ends = dict(zip(("low", "high"), known, strict=True))
        for side in sides:
            ends[side] = self._optimum(SENSE[side])[0]
        return self._rounded(key, ends["low"], ends["high"])

    def check(self, key: Key, hidden: set[Key]) -> tuple[bool, float, float]:
        """Whether `key` is safe, exactly (whole numbers where it counts students), with its
        range as far as it was needed. The true value is always possible, so the range
        reaches it: a high end far enough above it settles the question alone."""
        self.sync(hidden)
        self._aim(key)
        truth = float(self.problem.values.get(key) or 0)
        high, fractional_high = self._optimum(SENSE["high"])
        high = self._rounded(key, truth, high)[1]
        if fractional_high and not disclosed(self.problem, key, truth, high):
            high = self._rounded(key, truth, self._whole_optimum(SENSE["high"], key in self.problem.counts))[1]
            fractional_high = False
        if not disclosed(self.problem, key, truth, high):
            return True, truth, high
        low, fractional_low = self._optimum(SENSE["low"])
        low = self._rounded(key, low, high)[0]
        if disclosed(self.problem, key, low, high):
            return False, low, high
        if fractional_low:
            low = self._rounded(key, self._whole_optimum(SENSE["low"], key in self.problem.counts), high)[0]
        if fractional_high:
            high = self._rounded(key, low, self._whole_optimum(SENSE["high"], key in self.problem.counts))[1]
        return not disclosed(self.problem, key, low, high), low, high

    def _rounded(self, key: Key, low: float, high: float) -> tuple[float, float]:
        if key in self.problem.counts:
            low = math.ceil(low - EPS) if math.isfinite(low) else low
            high = math.floor(high + EPS) if math.isfinite(high) else high
        return low, high

    def binding(self, side: str) -> list[Key]:
        """Published cells whose value held the last optimum of that side back (nonzero duals)."""
        duals = self.duals.get(side)
        if duals is None:
            return []
        return [cell for cell, dual in zip(self.cells, duals, strict=True)
                if abs(dual) > EPS and not self.unknown(cell) and (self.problem.values.get(cell) or 0) > 0
                and cell not in self.problem.kept]

    def _optimum(self, sense) -> tuple[float, bool]:
        """The relaxation's optimum, and whether a count is fractional in it."""
        self.solves += 1
        solver = self.solver
        solver.changeObjectiveSense(sense)
        solver.run()
        status = solver.getModelStatus()
        side = "low" if sense == highspy.ObjSense.kMinimize else "high"
        self.duals[side] = None
        if status == highspy.HighsModelStatus.kUnbounded:
            return (INF if side == "high" else -INF), False
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(f"secret statistique : programme linéaire sans solution ({status})")
        solution = solver.getSolution()
        self.duals[side] = solution.col_dual
        values = np.asarray(solution.col_value)[self.whole] if len(self.whole) else np.array([])
        return solver.getInfo().objective_function_value, bool(np.any(np.abs(values - np.round(values)) > EPS))

    def _whole_optimum(self, sense, count: bool) -> float:
        """The whole-number optimum of the current objective, found by diving from the
        relaxation (fix a fractional count to its nearest whole value, solve again) and by a
        MIP when diving fails. For a count the dive starts from the relaxation's optimum
        rounded inward, so a whole point reaching it is the optimum; for hours the value is
        one a reader could reach (never wider than the truth)."""
        self.mips += 1
        solver, column = self.solver, self.objective
        solver.changeObjectiveSense(sense)
        solver.run()
        saved: dict[int, tuple[float, float]] = {}

        def fix(i: int, low: float, high: float) -> None:
            if i not in saved:
                saved[i] = self._column_bounds(i)
            solver.changeColBounds(i, low, high)

        try:
            if count:
                value = solver.getInfo().objective_function_value
                low, high = self._column_bounds(column)
                if sense == SENSE["high"]:
                    fix(column, max(low, math.floor(value + EPS)), high)
                else:
                    fix(column, low, min(high, math.ceil(value - EPS)))
            for _ in range(4 * len(self.whole) + 1):
                solver.run()
                if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    break
                values = np.asarray(solver.getSolution().col_value)[self.whole]
                off = np.abs(values - np.round(values))
                if not np.any(off > EPS):
                    return solver.getInfo().objective_function_value
                i = int(self.whole[int(np.argmax(off))])
                x = float(np.asarray(solver.getSolution().col_value)[i])
                low, high = self._column_bounds(i) if i not in saved else saved[i]
                nearest = float(round(x))
                fix(i, nearest, nearest)
                solver.run()
                if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    other = math.floor(x) if nearest > x else math.ceil(x)
                    if not (low - EPS <= other <= high + EPS):
                        break
                    fix(i, other, other)
        finally:
            for i, (low, high) in saved.items():
                solver.changeColBounds(i, low, high)
        self.dives_failed += 1
        return self._mip(sense)

    def _column_bounds(self, i: int) -> tuple[float, float]:
        return self._bounds(self.cells[i])

    def _mip(self, sense) -> float:
        mip = highspy.Highs()
        mip.setOptionValue("output_flag", False)
        mip.setOptionValue("threads", 1)
        mip.passModel(self.solver.getLp())
        mip.changeColsIntegrality(len(self.whole), self.whole,
                                  np.array([highspy.HighsVarType.kInteger] * len(self.whole)))
        mip.changeObjectiveSense(sense)
        mip.run()
        if mip.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return mip.getInfo().objective_function_value
        raise ValueError(f"secret statistique : programme en nombres entiers sans solution ({mip.getModelStatus()})")

    def frontier(self, key: Key, hidden: set[Key]) -> list[Key]:
        """Published cells sharing a relation with the unknown cells linked to `key`."""
        seen, rows, stack = {key}, set(), [key]
        while stack:
            current = stack.pop()
            for number in self.rows_of.get(current, ()):
                if number in rows:
                    continue
                rows.add(number)
                for other, _ in self.problem.rows[number].terms:
                    if other not in seen and self.unknown(other, hidden):
                        seen.add(other)
                        stack.append(other)
        found = {other for number in rows for other, _ in self.problem.rows[number].terms
                 if not self.unknown(other, hidden) and (self.problem.values.get(other) or 0) > 0
                 and other not in self.problem.kept}
        return sorted(found, key=str)


class Pattern:
    """The cheapest set of published cells whose hiding lets a cell move by what it needs:
    the classic cell-suppression model (Kelly, Golden and Assad; Fischetti and Salazar). A
    linear programme over the same cells and relations, where each published cell may
    leave its value at a price (its cost per student, or per hour), hidden ones freely, and the
    cell must move up (or down) by `delta`: the published cells that moved are the pattern."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.cells = sorted(problem.values, key=str)
        self.position = {cell: i for i, cell in enumerate(self.cells)}
        size = len(self.cells)
        self.movable = [c for c in self.cells if c in problem.published and (problem.values.get(c) or 0) > 0
                        and c not in problem.kept]
        self.deviation = {cell: size + 2 * k for k, cell in enumerate(self.movable)}
        solver = self.solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        lower, upper = [], []
        for cell in self.cells:
            value = float(problem.values.get(cell) or 0)
            if cell in problem.published and (value == 0 or (cell in problem.kept and cell not in problem.primary)):
                lower.append(value)
                upper.append(value)  # zero is shown: it never moves (nor a cell kept published)
            else:
                lower.append(1.0 if (cell in problem.published and cell in problem.counts) else 0.0)
                upper.append(highspy.kHighsInf)
        count = len(self.movable)
        costs = np.zeros(size + 2 * count)
        for cell in self.movable:
            costs[self.deviation[cell]] = costs[self.deviation[cell] + 1] = self._price(cell)
        empty_i, empty_f = np.array([], dtype=np.int32), np.array([], dtype=np.float64)
        solver.addCols(size + 2 * count, costs, np.array(lower + [0.0] * 2 * count),
                       np.array(upper + [highspy.kHighsInf] * 2 * count), 0, empty_i, empty_i, empty_f)
        starts, indices, coefficients, row_low, row_high = [], [], [], [], []
        for row in problem.rows:
            starts.append(len(indices))
            for key, coefficient in row.terms:
                indices.append(self.position[key])
                coefficients.append(coefficient)
            row_low.append(row.low if math.isfinite(row.low) else -highspy.kHighsInf)
            row_high.append(row.high if math.isfinite(row.high) else highspy.kHighsInf)
        for cell in self.movable:  # x − up + down = value
            value = float(problem.values[cell])
            starts.append(len(indices))
            indices += [self.position[cell], self.deviation[cell], self.deviation[cell] + 1]
            coefficients += [1.0, -1.0, 1.0]
            row_low.append(value)
            row_high.append(value)
        solver.addRows(len(starts), np.array(row_low), np.array(row_high), len(indices),
                       np.array(starts, dtype=np.int32), np.array(indices, dtype=np.int32),
                       np.array(coefficients, dtype=np.float64))
        self.free: set[Key] = set()
        self.solves = 0

    def _price(self, cell: Key) -> float:
        """Cost of hiding, per student or per hour of movement."""
        cost = self.problem.cost.get(cell, (self.problem.values.get(cell) or 0) + 1.0)
        return cost if cell in self.problem.counts else cost / 60.0

    def sync(self, hidden: set[Key]) -> None:
        for cell in (hidden ^ self.free) & set(self.deviation):
            price = 0.0 if cell in hidden else self._price(cell)
            column = self.deviation[cell]
            self.solver.changeColCost(column, price)
            self.solver.changeColCost(column + 1, price)
        self.free = set(hidden)

    def cells_to_hide(self, key: Key, hidden: set[Key], delta: float, upward: bool) -> list[Key] | None:
        self.sync(hidden)
        column = self.position[key]
        value = float(self.problem.values.get(key) or 0)
        low, high = (1.0 if key in self.problem.counts else 0.0), highspy.kHighsInf
        if upward:
            self.solver.changeColBounds(column, value + delta, high)
        else:
            if value - delta < low - EPS:
                return None
            self.solver.changeColBounds(column, low, value - delta)
        self.solves += 1
        self.solver.run()
        status = self.solver.getModelStatus()
        found = None
        if status == highspy.HighsModelStatus.kOptimal:
            solution = self.solver.getSolution().col_value
            found = [cell for cell in self.movable if cell not in hidden and cell != key
                     and solution[self.deviation[cell]] + solution[self.deviation[cell] + 1] > EPS]
        self.solver.changeColBounds(column, low, high)
        return found


@dataclass
class Protection:
    hidden: set[Key]
    unprotected: list[Key]  # cells no further hiding could protect (none expected; the audit says)
    solves: int
    mips: int = 0
    dives_failed: int = 0


def protect(problem: Problem) -> Protection:
    """The cells to hide: the primary ones, and the least costly others that leave no
    hidden cell narrower than it must stay."""
    hidden = {key for key in problem.primary if key in problem.published}
    ranges = Ranges(problem)
    patterns = Pattern(problem)
    pending = sorted(hidden, key=str, reverse=True)
    safe: set[Key] = set()
    unprotected = []
    while pending:
        key = pending.pop()
        if key in safe:
            continue
        is_safe, low, high = ranges.check(key, hidden)
        if is_safe:
            safe.add(key)
            continue
        added = _pattern(problem, patterns, hidden, key, low, high)
        if not added:
            single = _complement(problem, ranges, hidden, key, low, high)
            added = [single] if single is not None else []
        if not added:
            unprotected.append(key)
            safe.add(key)
            continue
        hidden.update(added)
        pending += [*sorted(added, key=str, reverse=True), key]  # the key first, then what protects it
    return Protection(hidden=hidden, unprotected=unprotected, solves=ranges.solves + patterns.solves,
                      mips=ranges.mips, dives_failed=ranges.dives_failed)


def _pattern(problem: Problem, patterns: Pattern, hidden: set[Key], key: Key, low: float,
             high: float) -> list[Key]:
    """The cells to hide so that `key` can move as far as it must: up by what it lacks (a
    small count up to the threshold and beyond its width), else down."""
    value = float(problem.values.get(key) or 0)
    if key in problem.primary and key in problem.counts:
        moves = [(problem.threshold - 1, True)]
    elif key in problem.primary:
        moves = [(needed_width(problem, key), True), (needed_width(problem, key), False)]
    else:
        step = 1.0 if key in problem.counts else max(value * 0.01, 1.0)
        moves = [(step, True), (step, False)]
    for delta, upward in moves:
        found = patterns.cells_to_hide(key, hidden, delta, upward)
        if found:
            return found
    return []


def _cost(problem: Problem, key: Key) -> tuple[float, str]:
    return problem.cost.get(key, (problem.values.get(key) or 0) + 1.0), str(key)


def _complement(problem: Problem, ranges: Ranges, hidden: set[Key], key: Key, low: float,
                high: float) -> Key | None:
    """The cheapest published cell whose hiding makes `key` safe, among those that held it
    back (nonzero duals of its last optima); failing that, the one that widens it most for
    its cost. Trials solve only the sides that fall short (hiding more only widens)."""
    width_short = high - low + EPS < needed_width(problem, key)
    reach_short = key in problem.primary and key in problem.counts and high + EPS < problem.threshold
    sides = ("low", "high") if width_short else ("high",)
    if not (width_short or reach_short):
        sides = ("low", "high")
    holding = set()
    for side in sides:
        holding |= set(ranges.binding(side))
    candidates = sorted(holding or ranges.frontier(key, hidden), key=lambda c: _cost(problem, c))
    if not candidates:
        return None
    best, best_gain = None, 0.0
    for candidate in candidates[:TRIALS]:
        hidden.add(candidate)
        new_low, new_high = ranges.of(key, hidden, sides=sides, known=(low, high))
        hidden.discard(candidate)
        if not disclosed(problem, key, new_low, new_high):
            return candidate
        gain = (min(new_high, high + 1e6) - high) + (low - new_low)
        if gain > EPS and (best is None or gain / _cost(problem, candidate)[0] > best_gain):
            best, best_gain = candidate, gain / _cost(problem, candidate)[0]
    return best if best is not None else candidates[0]
