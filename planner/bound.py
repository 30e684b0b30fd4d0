"""How good a plan is, measured against what no plan can beat (issue 24): each student
against their own target, the worst student of each kind of aid, and an upper bound of the
coverage given by linear programming (HiGHS).

Two bounds, both relaxations of the planner's own rules (a plan the board accepts satisfies
every row, so no such plan covers more):
- « exact » (per AESH): x[aesh, unit, course] in [0, 1] — a course taken once; per AESH and
  week A/B, minutes within the contract's and no two courses at once (a row per instant where a
  course starts); per unit and week, minutes within its target; the daily limits, travel,
  lunch and the pedagogical cap are left out (they can only lower the optimum). With
  `mip_seconds`, the same model in integers, whose proven bound after that time is reported.
- « aggregated » (for département sizes): the AESH index summed away — per instant, no more
  courses than AESH free then; per week, no more minutes than all contracts.
Used by the benchmarks and tests, never by a request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from missions import rules
from planner.problem import FORBID, Plan, Problem, Unit

INDIVIDUELLE, MUTUALISEE = "individuelle", "mutualisée"
MAX_EXACT_COLUMNS = 400_000


@dataclass(frozen=True)
class StudentRate:
    student_id: int
    kind: str            # individuelle or mutualisée
    target: int          # minutes a week
    got: float           # minutes a week (weeks A and B averaged), capped at the target
    aesh: int            # different AESH

    @property
    def rate(self) -> float:
        return self.got / self.target if self.target else 1.0


def student_rates(problem: Problem, plan: Plan) -> list[StudentRate]:
    """Every planned student against their own target (a mutualised group's members each)."""
    got: dict[int, float] = defaultdict(float)
    team: dict[int, set[int]] = defaultdict(set)
    for fixed in problem.fixed:
        if fixed.unit_id is not None and fixed.current:
            got[fixed.unit_id] += fixed.weekly
            team[fixed.unit_id].add(fixed.aesh_id)
    for p in plan.placements:
        got[p.unit_id] += p.minutes / (2 if p.week else 1)
        team[p.unit_id].add(p.aesh_id)
    return [StudentRate(student_id=s, kind=INDIVIDUELLE if u.exclusive else MUTUALISEE, target=u.need,
                        got=min(got[u.id], u.need), aesh=len(team[u.id]))
            for u in problem.units if u.need for s in u.student_ids]


def worst_by_kind(rates: list[StudentRate]) -> dict[str, float | None]:
    return {kind: min((r.rate for r in rates if r.kind == kind), default=None) for kind in (INDIVIDUELLE, MUTUALISEE)}


@dataclass(frozen=True)
class Bound:
    coverage: float      # an upper bound of the coverage (covered / target minutes, every student)
    method: str          # in words
    proven: bool         # the LP solved to optimality (or the MIP's dual bound read)


def _fixed_state(problem: Problem):
    used, got, busy, taken = defaultdict(int), defaultdict(int), defaultdict(list), set()
    for f in problem.fixed:
        for week in ((f.week,) if f.week else (rules.WEEK_A, rules.WEEK_B)):
            used[f.aesh_id, week] += f.minutes
            busy[f.aesh_id, f.weekday, week].append((f.start, f.end))
            if f.unit_id is not None and f.current:
                got[f.unit_id, week] += f.minutes
        if f.unit_id is not None:
            taken.update((f.unit_id, c) for c in f.course_ids)
    for w in problem.aesh_pool:
        for weekday, start, end, week in w.unavailable:
            for wk in ((week,) if week else (rules.WEEK_A, rules.WEEK_B)):
                busy[w.id, weekday, wk].append((start, end))
    return used, got, busy, taken


def _constant_and_total(problem: Problem, got) -> tuple[float, float]:
    constant = total = 0.0
    for u in problem.units:
        if u.need:
            total += u.need * len(u.student_ids)
            constant += min((got[u.id, rules.WEEK_A] + got[u.id, rules.WEEK_B]) / 2, u.need) * len(u.student_ids)
    return constant, total


def _free(busy, key, start, end) -> bool:
    return not any(s < end and start < e for s, e in busy.get(key, ()))


class _Model:
    def __init__(self):
        self.cost: list[float] = []
        self.rows: list[tuple[float, list[tuple[int, float]]]] = []

    def column(self, cost: float) -> int:
        self.cost.append(cost)
        return len(self.cost) - 1

    def row(self, high: float, terms: list[tuple[int, float]]) -> None:
        if terms:
            self.rows.append((high, terms))

    def solve(self, integer: bool = False, seconds: float | None = None) -> tuple[float, bool]:
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.setOptionValue("random_seed", 0)
        if seconds:
            solver.setOptionValue("time_limit", float(seconds))
        n = len(self.cost)
        if not n:
            return 0.0, True
        empty_i, empty_f = np.array([], dtype=np.int32), np.array([], dtype=np.float64)
        solver.addCols(n, -np.array(self.cost), np.zeros(n), np.ones(n), 0, empty_i, empty_i, empty_f)
        starts, index, value = [], [], []
        for _, terms in self.rows:
            starts.append(len(index))
            for i, v in terms:
                index.append(i)
                value.append(v)
        solver.addRows(len(self.rows), np.full(len(self.rows), -highspy.kHighsInf),
                       np.array([high for high, _ in self.rows], dtype=np.float64), len(index),
                       np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                       np.array(value, dtype=np.float64))
        if integer:
            solver.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                         np.array([highspy.HighsVarType.kInteger] * n))
        solver.run()
        status = solver.getModelStatus()
        info = solver.getInfo()
        if integer:
            return -info.mip_dual_bound, status == highspy.HighsModelStatus.kOptimal
        return -info.objective_function_value, status == highspy.HighsModelStatus.kOptimal


def _weight(unit: Unit, week: str) -> float:
    return (1 if not week else 0.5) * len(unit.student_ids)


def exact_bound(problem: Problem, mip_seconds: float | None = None) -> Bound | None:
    """The per-AESH relaxation; None when it would be too large (use aggregated_bound)."""
    used, got, busy, taken = _fixed_state(problem)
    constant, total = _constant_and_total(problem, got)
    candidates = []
    for u in problem.units:
        if not u.need:
            continue
        for c in u.courses:
            if (u.id, c.id) in taken:
                continue
            for w in problem.aesh_pool:
                if problem.wish(w.id, u) == FORBID or c.minutes > w.capacity:
                    continue
                if all(_free(busy, (w.id, c.weekday, wk), c.start, c.end) for wk in c.weeks):
                    candidates.append((w, u, c))
    if len(candidates) > MAX_EXACT_COLUMNS:
        return None
    model = _Model()
    per_course, per_aesh_week, per_unit_week = defaultdict(list), defaultdict(list), defaultdict(list)
    instants: dict[tuple[int, int, str], list[tuple[int, int, int]]] = defaultdict(list)
    for w, u, c in candidates:
        col = model.column(c.minutes * _weight(u, c.week))
        per_course[u.id, c.id].append((col, 1.0))
        for wk in c.weeks:
            per_aesh_week[w.id, wk].append((col, float(c.minutes)))
            per_unit_week[u.id, wk].append((col, float(c.minutes)))
            instants[w.id, c.weekday, wk].append((c.start, c.end, col))
    for terms in per_course.values():
        model.row(1.0, terms)
    pool = {w.id: w for w in problem.aesh_pool}
    for (aesh_id, wk), terms in per_aesh_week.items():
        model.row(max(0.0, pool[aesh_id].capacity - used[aesh_id, wk]), terms)
    units = {u.id: u for u in problem.units}
    for (unit_id, wk), terms in per_unit_week.items():
        model.row(max(0.0, units[unit_id].need - got[unit_id, wk]), terms)
    for spans in instants.values():
        for t in sorted({s for s, _, _ in spans}):
            model.row(1.0, [(col, 1.0) for s, e, col in spans if s <= t < e])
    value, proven = model.solve(integer=mip_seconds is not None, seconds=mip_seconds)
    method = (f"modèle exact en nombres entiers (borne prouvée en {mip_seconds:g} s)" if mip_seconds
              else "relaxation linéaire par AESH")
    return Bound(coverage=min(1.0, (constant + value) / total) if total else 1.0, method=method,
                 proven=proven or mip_seconds is not None)


def aggregated_bound(problem: Problem) -> Bound:
    """The relaxation with the AESH summed away: valid at any size, weaker."""
    used, got, busy, taken = _fixed_state(problem)
    constant, total = _constant_and_total(problem, got)
    model = _Model()
    per_unit_week, per_week = defaultdict(list), defaultdict(list)
    instants: dict[tuple[int, str], list[tuple[int, int, int]]] = defaultdict(list)
    for u in problem.units:
        if not u.need:
            continue
        for c in u.courses:
            if (u.id, c.id) in taken:
                continue
            col = model.column(c.minutes * _weight(u, c.week))
            for wk in c.weeks:
                per_unit_week[u.id, wk].append((col, float(c.minutes)))
                per_week[wk].append((col, float(c.minutes)))
                instants[c.weekday, wk].append((c.start, c.end, col))
    units = {u.id: u for u in problem.units}
    for (unit_id, wk), terms in per_unit_week.items():
        model.row(max(0.0, units[unit_id].need - got[unit_id, wk]), terms)
    for wk, terms in per_week.items():
        model.row(float(sum(max(0, w.capacity - used[w.id, wk]) for w in problem.aesh_pool)), terms)
    for (weekday, wk), spans in instants.items():
        for t in sorted({s for s, _, _ in spans}):
            free = sum(1 for w in problem.aesh_pool if _free(busy, (w.id, weekday, wk), t, t + 1))
            model.row(float(free), [(col, 1.0) for s, e, col in spans if s <= t < e])
    value, proven = model.solve()
    return Bound(coverage=min(1.0, (constant + value) / total) if total else 1.0,
                 method="relaxation linéaire agrégée (AESH sommé·es)", proven=proven)


def best_bound(problem: Problem, mip_seconds: float | None = None) -> Bound:
    exact = exact_bound(problem, mip_seconds)
    return exact if exact is not None else aggregated_bound(problem)
