"""pial's planner: a constructive plan (keep, pair, schedule) improved by local search.

1. Keep: a re-plan starts from the current plan, trimmed to what fairness allows.
2. Pair: each student gets one AESH, or two when an AESH's week is full (next fit with
   splitting over the AESH of the same school: at most one split per AESH, so the
   average stays below 1 + AESH/students).
3. Schedule: each AESH's week is filled course by course with their students, the one
   furthest from their share first, preferring compact days and the current plan.
4. Fill: spare AESH time goes to the students least served, first by an AESH they know.
5. Balance: a course of a well-served student is given up for one of the worst-served student,
   for at most `max_rounds` rounds.
The whole run is bounded by Problem.step_budget: one step per candidate the rules decide
(Board.blocker), in every phase. Once spent, every further candidate counts as blocked, so
the plan is the one reached so far and every rule still holds; only the current plan's slots
are always looked at (kept), so a run cut short never drops today's timetable. Steps, not the clock: a seed
gives the same plan under any machine load. Plan.steps and Plan.budget_exhausted say how it went.
Existing slots that are not exactly one course are fixed (Problem.fixed): kept, and counted
in every rule. Every candidate is decided by the rules of missions.rules (see board.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from missions import rules
from planner.board import Board, mask
from planner.causes import uncovered
from planner.problem import FORBID, IMPOSE, PREFER, Course, Placement, Plan, Problem, Unit

Progress = Callable[[float, str], bool]  # (fraction done, what) → False to cancel


class Cancelled(Exception):
    pass


OUT_OF_STEPS = "budget d'étapes du calcul atteint"


class Steps:
    """The run's budget of steps (None: unbounded), spent one candidate at a time."""

    def __init__(self, budget: int | None):
        self.budget, self.used, self.exhausted = budget, 0, False

    def out(self) -> bool:
        """Spent: the search stops here (and says so in the plan)."""
        if self.budget is not None and self.used >= self.budget:
            self.exhausted = True
        return self.exhausted

    def blocker(self, board: Board, aesh_id: int, unit: Unit, course: Course) -> str:
        if self.out():
            return OUT_OF_STEPS
        self.used += 1
        return board.blocker(aesh_id, unit, course)

    def kept(self, board: Board, aesh_id: int, unit: Unit, course: Course) -> str:
        """A slot of the current plan is always looked at, budget or not (a run cut short must
        not drop today's timetable): counted, never refused."""
        self.used += 1
        return board.blocker(aesh_id, unit, course)


def plan(problem: Problem, progress: Progress | None = None) -> Plan:
    def report(fraction: float, what: str) -> None:
        if progress is not None and progress(fraction, what) is False:
            raise Cancelled

    board = Board(problem)
    try:
        planner = _Planner(problem, board, report)
        planner.run()
    except Cancelled:
        return Plan(placements=(), uncovered=(), cancelled=True)
    planner.repair()
    return Plan(placements=tuple(board.all_placements()), uncovered=tuple(uncovered(board)),
                steps=planner.steps.used, budget_exhausted=planner.steps.exhausted)


class _Planner:
    def __init__(self, problem: Problem, board: Board, report):
        self.p, self.b, self.report = problem, board, report
        self.steps = Steps(problem.step_budget)
        self.w = problem.weights
        need = sum(u.need for u in problem.units if u.courses)
        capacity = sum(w.capacity for w in problem.aesh_pool)
        self.ratio = min(1.0, capacity / need) if need else 1.0
        fair = min(1.0, self.w.fairness)
        self.quota = {u.id: u.need * (self.ratio + (1 - self.ratio) * (1 - fair)) for u in problem.units}
        self.current = {p.key for p in problem.current}
        self.share: dict[tuple[int, int], float] = defaultdict(float)  # (AESH, unit) → minutes to schedule

    def run(self) -> None:
        self.report(0.02, "Reprise du plan actuel")
        self.keep()
        self.report(0.1, "Choix des AESH de chaque élève")
        self.pair()
        self.report(0.2, "Emplois du temps des AESH")
        aesh_pool = [w for w in self.p.aesh_pool if any(k[0] == w.id for k in self.share)]
        for i, spec in enumerate(aesh_pool):
            self.schedule(spec.id)
            self.report(0.2 + 0.4 * (i + 1) / max(1, len(aesh_pool)), "Emplois du temps des AESH")
        self.report(0.6, "Heures restantes")
        self.fill()
        self.report(0.7, "Équilibrage entre élèves")
        self.balance()
        self.consolidate()
        self.fill()
        self.report(0.98, "Vérification des règles")

    # --- 1. Keep -------------------------------------------------------------------

    def keep(self) -> None:
        for placement in self.p.current:  # an AESH whose week already breaks a rule keeps it: nothing could be saved
            if placement.aesh_id in self.b.broken and (placement.unit_id, placement.course_id) in self.b.courses:
                self.b.place(placement.aesh_id, self.b.units[placement.unit_id],
                             self.b.courses[placement.unit_id, placement.course_id])
        if not self.p.current or self.w.stability <= 0:
            return
        for placement in self.p.current:
            if placement.aesh_id in self.b.broken:
                continue
            unit, course = self.b.units.get(placement.unit_id), self.b.courses.get(
                (placement.unit_id, placement.course_id))
            if unit is None or course is None or placement.aesh_id not in self.b.aesh_pool:
                continue
            if not self.steps.kept(self.b, placement.aesh_id, unit, course):
                self.b.place(placement.aesh_id, unit, course)
        slack = 30 * self.w.stability
        for unit in self.p.units:
            mine = sorted((p for p in self.b.all_placements() if p.unit_id == unit.id
                           and p.aesh_id not in self.b.broken),
                          key=lambda p: -self.b.stamp[p])
            while mine and self.b.got_minutes(unit.id) - mine[0].minutes >= self.quota[unit.id] + slack:
                self.b.remove(mine.pop(0))

    # --- 2. Pair -------------------------------------------------------------------

    def pair(self) -> None:
        b = self.b
        remaining = {u.id: self.quota[u.id] - b.got_minutes(u.id) for u in self.p.units if u.courses}
        left = {w.id: 0 if w.id in b.broken else b.spare(w.id) for w in self.p.aesh_pool}
        for unit in self.p.units:  # what the current plan keeps stays with its AESH
            for aesh_id in b.aesh_of(unit.id):
                self.share[aesh_id, unit.id] += b.pair_minutes[aesh_id, unit.id]

        def give(aesh_id: int, unit_id: int, minutes: float) -> None:
            self.share[aesh_id, unit_id] += minutes
            remaining[unit_id] -= minutes
            left[aesh_id] -= minutes

        for wanted in (IMPOSE, PREFER):
            for unit in self.p.units:
                for spec in self.p.aesh_pool:
                    if remaining.get(unit.id, 0) > 0 and left[spec.id] > 0 and self.p.wish(spec.id, unit) == wanted:
                        give(spec.id, unit.id, min(remaining[unit.id], left[spec.id]))
        self._keep_last_year(remaining, left, give)
        # Already served by someone (a re-plan): top up with that AESH first.
        for unit in self.p.units:
            for aesh_id in sorted(b.aesh_of(unit.id)):
                if remaining.get(unit.id, 0) > 0 and left[aesh_id] > 0:
                    give(aesh_id, unit.id, min(remaining[unit.id], left[aesh_id]))
        units = sorted((u for u in self.p.units if remaining.get(u.id, 0) > 0),
                       key=lambda u: (u.school_id, u.courses[0].id if u.courses else 0, -u.need, u.id))
        aesh_pool = sorted(self.p.aesh_pool, key=lambda w: (self._school_of(w.id) or 0, w.id))
        strict = self.w.continuity >= 3  # few AESH per student above all: whole students only, where they fit
        cursor = 0
        for unit in units:
            while remaining[unit.id] > 30:
                if strict:
                    fits = [w for w in aesh_pool if left[w.id] >= remaining[unit.id] and self._may_pair(w.id, unit)]
                    if fits:
                        give(fits[0].id, unit.id, remaining[unit.id])
                        break
                while cursor < len(aesh_pool) and left[aesh_pool[cursor].id] <= 30:
                    cursor += 1
                if cursor >= len(aesh_pool):
                    break
                candidates = [w for w in aesh_pool[cursor:] if left[w.id] > 30 and self._may_pair(w.id, unit)]
                if not candidates:
                    break
                spec = candidates[0]
                give(spec.id, unit.id, min(remaining[unit.id], left[spec.id]))

    def _keep_last_year(self, remaining: dict, left: dict, give) -> None:
        """A rentrée plan: each student's AESH of year N first, the larger bonus first. A bonus of
        1 or more keeps what the AESH can take; a smaller one, only the whole of the student's need."""
        unit_of = {s: u for u in self.p.units for s in u.student_ids}
        for (aesh_id, student_id), bonus in sorted(self.p.previous.items(), key=lambda item: (-item[1], item[0])):
            unit = unit_of.get(student_id)
            if unit is None or bonus <= 0 or remaining.get(unit.id, 0) <= 0 or left.get(aesh_id, 0) <= 0:
                continue
            if self._may_pair(aesh_id, unit) and (bonus >= 1 or left[aesh_id] >= remaining[unit.id]):
                give(aesh_id, unit.id, min(remaining[unit.id], left[aesh_id]))

    def _may_pair(self, aesh_id: int, unit: Unit) -> bool:
        return self.p.wish(aesh_id, unit) != FORBID

    def _school_of(self, aesh_id: int) -> int | None:
        spec = self.b.aesh_pool[aesh_id]
        if spec.home_school_id:
            return spec.home_school_id
        placed = [p.school_id for p in self.b.placements[aesh_id]]
        return max(set(placed), key=placed.count) if placed else None

    # --- 3. Schedule ---------------------------------------------------------------

    def blocker(self, aesh_id: int, unit: Unit, course: Course) -> str:
        return self.steps.blocker(self.b, aesh_id, unit, course)

    def schedule(self, aesh_id: int) -> None:
        b = self.b
        mine = [b.units[u] for (w, u) in self.share if w == aesh_id]
        while not self.steps.out():
            candidates = []
            wanting = [u for u in mine if b.pair_minutes[aesh_id, u.id] < self.share[aesh_id, u.id]]
            # Where each student still wanting time could be served: a time many want is kept for last.
            demand = {u.id: _day_masks(u, b) for u in wanting}
            for unit in wanting:
                share = self.share[aesh_id, unit.id]
                deficit = (share - b.pair_minutes[aesh_id, unit.id]) / max(share, 1)
                for course in unit.courses:
                    if (unit.id, course.id) in b.taken:
                        continue
                    bits = mask(course.start, course.end)
                    contention = sum(1 for other, days in demand.items()
                                     if other != unit.id and days.get(course.weekday, 0) & bits)
                    score = 10 * deficit + self._shape(aesh_id, unit, course) - 1.5 * contention
                    candidates.append((-score, unit.id, course.id))
            placed = False
            for _score, unit_id, course_id in sorted(candidates):
                unit, course = b.units[unit_id], b.courses[unit_id, course_id]
                if not self.blocker(aesh_id, unit, course):
                    b.place(aesh_id, unit, course)
                    placed = True
                    break
            if not placed:
                return

    def _shape(self, aesh_id: int, unit: Unit, course: Course) -> float:
        """Compact days, one school a day, the current plan."""
        score = 0.0
        day = self.b.day_of(aesh_id, course.weekday)
        if self.w.compactness and day:
            gap = min(min(abs(course.start - p.end), abs(p.start - course.end)) for p in day)
            score += self.w.compactness * (1.5 if gap == 0 else -min(gap, 240) / 120)
            if any(p.school_id != course.school_id for p in day):
                score -= 2 * self.w.compactness
        if self.w.stability and self.current:
            key = (aesh_id, unit.id, course.weekday, course.start, course.end, course.week)
            if key in self.current:
                score += 3 * self.w.stability
        return score + self._pedagogy(aesh_id, course)

    def _pedagogy(self, aesh_id: int, course: Course) -> float:
        """The pôle's pedagogical choices (planner.pedagogy): a course where accompaniment matters
        more comes first (2 points a step of priority); an AESH more at ease in its family of
        subjects is preferred (half a point a step)."""
        score = 2.0 * (course.priority - 3)
        if course.family and self.p.ease:
            score += 0.5 * (self.p.ease.get((aesh_id, course.family), 3) - 3)
        return score

    # --- 4. Fill -------------------------------------------------------------------

    def _new_pair_allowed(self, unit: Unit) -> bool:
        gain = self.w.coverage * 60 + self.w.fairness * (1 - self.b.rate(unit)) * 60
        return gain > self.w.continuity * 60

    def fill(self) -> None:
        b = self.b
        progress = True
        while progress:
            progress = False
            for unit in sorted((u for u in self.p.units if u.courses and b.got_minutes(u.id) < u.need),
                               key=self._priority):
                if self._add_one(unit):
                    progress = True

    def _priority(self, unit: Unit):
        return (self.b.rate(unit), unit.id) if self.w.fairness > 0 else (unit.id,)

    def _add_one(self, unit: Unit) -> bool:
        b = self.b
        if self.steps.out():
            return False
        known = sorted(b.aesh_of(unit.id))
        others = [w.id for w in self.p.aesh_pool if w.id not in known and b.spare(w.id) >= 30]
        for group in (known, others if self._new_pair_allowed(unit) else []):
            options = []
            for aesh_id in group:
                if b.spare(aesh_id) < 30:
                    continue
                for course in unit.courses:
                    if (unit.id, course.id) not in b.taken:
                        options.append((-self._shape(aesh_id, unit, course), aesh_id, course.id))
            for _score, aesh_id, course_id in sorted(options):
                if not self.blocker(aesh_id, unit, b.courses[unit.id, course_id]):
                    b.place(aesh_id, unit, b.courses[unit.id, course_id])
                    return True
        return False

    # --- 5. Balance ----------------------------------------------------------------

    def balance(self) -> None:
        if self.w.fairness <= 0:
            return
        b = self.b
        budget, rounds = self.p.step_budget, self.p.max_rounds
        tried: set[int] = set()
        done = 0
        while not self.steps.out() and (rounds is None or done < rounds):
            pending = [u for u in self.p.units if u.courses and u.id not in tried and b.got_minutes(u.id) < u.need]
            if not pending:
                return
            worst = min(pending, key=lambda u: (b.rate(u), u.id))
            if not self._swap_for(worst):
                tried.add(worst.id)
            done += 1
            fractions = [len(tried) / max(1, len(self.p.units))]
            if rounds:
                fractions.append(done / rounds)
            if budget:
                fractions.append(self.steps.used / budget)
            self.report(0.7 + 0.28 * min(1.0, max(fractions)), "Équilibrage entre élèves")

    def _swap_for(self, unit: Unit) -> bool:
        """Give the worst-served unit a course held by a better-served one, on the same AESH."""
        b = self.b
        rate = b.rate(unit)
        known = sorted(b.aesh_of(unit.id))
        groups = [known] + ([[w.id for w in self.p.aesh_pool if w.id not in known]]
                            if self._new_pair_allowed(unit) else [])
        stability = self.w.stability if self.current else 0
        for group in groups:
            for aesh_id in group:
                held = sorted(b.placements[aesh_id], key=lambda p: -b.rate(b.units[p.unit_id]))
                for victim in held:
                    other = b.units[victim.unit_id]
                    if other.id == unit.id:
                        continue
                    after = (b.got_minutes(other.id) - victim.minutes) / other.need
                    if after < rate + 0.05 * (1 + stability):
                        break  # sorted by rate: no better-served student left on this AESH
                    b.remove(victim)
                    for course in sorted(unit.courses, key=lambda c: -_overlap(c, victim)):
                        if not self.blocker(aesh_id, unit, course):
                            b.place(aesh_id, unit, course)
                            if b.rate(unit) > rate:
                                return True
                    b.place(aesh_id, other, b.courses[other.id, victim.course_id])
        return False

    # --- 6. Consolidate ----------------------------------------------------------------

    def consolidate(self) -> None:
        """Fewer AESH around each student at equal coverage: the AESH who gives a student the
        fewest minutes hands each of those courses to another of the student's AESH who is free
        then (the rules decide, as for any placement); all or nothing for that AESH and student,
        and today's slots stay where they are. The time freed goes to the next fill."""
        b = self.b
        for unit in self.p.units:
            team = sorted(b.aesh_of(unit.id), key=lambda w: (b.pair_minutes[w, unit.id], w))
            for giver in team[:-1]:
                if self.steps.out():
                    return
                if len(b.aesh_of(unit.id)) < 2:
                    break
                self._hand_over(unit, giver)

    def _hand_over(self, unit: Unit, giver: int) -> bool:
        b = self.b
        mine = [p for p in b.placements[giver] if p.unit_id == unit.id]
        if not mine or any(p.key in self.current for p in mine):
            return False
        takers = sorted((w for w in b.aesh_of(unit.id) if w != giver),
                        key=lambda w: (-b.pair_minutes[w, unit.id], w))
        moves = _Moves(b)
        for placement in mine:
            course = b.courses[unit.id, placement.course_id]
            moves.remove(placement)
            if not (self._to_a_taker(unit, course, takers, moves)
                    or self._by_exchange(unit, course, takers, giver, moves)):
                moves.undo()  # the giver keeps every course they held for this student
                return False
        return True

    def _to_a_taker(self, unit: Unit, course: Course, takers: list[int], moves: _Moves) -> bool:
        for equivalent in self._equivalents(unit, course):
            for taker in takers:
                if not self.blocker(taker, unit, equivalent):
                    moves.place(taker, unit, equivalent)
                    return True
        return False

    def _by_exchange(self, unit: Unit, course: Course, takers: list[int], giver: int, moves: _Moves) -> bool:
        """A taker busy at that time with another student whom the giver already serves: they
        exchange the two courses (no student gains an AESH, this one loses the giver)."""
        b = self.b
        for taker in takers:
            held = [p for p in b.placements[taker] if _overlap(course, p) > 0 and p.unit_id != unit.id
                    and b.pair_minutes[giver, p.unit_id] > 0 and p.key not in self.current]
            for other in held:
                other_unit, other_course = b.units[other.unit_id], b.courses[other.unit_id, other.course_id]
                mark = moves.mark()
                moves.remove(other)
                if not self.blocker(taker, unit, course):
                    moves.place(taker, unit, course)
                    if not self.blocker(giver, other_unit, other_course):
                        moves.place(giver, other_unit, other_course)
                        return True
                moves.undo(mark)
        return False

    def _equivalents(self, unit: Unit, course: Course) -> list[Course]:
        """The course itself, then the student's free courses worth as much (as long, as often,
        accompaniment mattering as much): what another of their AESH may take in its place."""
        others = sorted((c for c in unit.courses if c.id != course.id and (unit.id, c.id) not in self.b.taken
                         and c.minutes >= course.minutes and c.week == course.week
                         and c.priority >= course.priority), key=lambda c: (c.weekday, c.start, c.id))
        return [course, *others]

    # --- Final check -----------------------------------------------------------------

    def repair(self) -> None:
        """Every AESH's whole week through rules.check_timetable; a week that fails loses its
        latest placements until it passes (never expected: the day rules were checked)."""
        notified = self.b.notified()
        for aesh_id in list(self.b.placements):
            if aesh_id in self.b.broken:
                continue  # left as it is today (see keep)
            while self.b.placements[aesh_id] and self.b.week_errors(aesh_id, notified):
                latest = max(self.b.placements[aesh_id], key=lambda p: self.b.stamp[p])
                self.b.remove(latest)


class _Moves:
    """Placements removed and made on the board, undone in reverse on demand."""

    def __init__(self, board: Board):
        self.board, self.log = board, []

    def mark(self) -> int:
        return len(self.log)

    def remove(self, placement: Placement) -> None:
        self.board.remove(placement)
        self.log.append(("removed", placement))

    def place(self, aesh_id: int, unit: Unit, course: Course) -> None:
        self.log.append(("placed", self.board.place(aesh_id, unit, course)))

    def undo(self, mark: int = 0) -> None:
        b = self.board
        while len(self.log) > mark:
            action, placement = self.log.pop()
            if action == "placed":
                b.remove(placement)
            else:
                unit_id = placement.unit_id
                b.place(placement.aesh_id, b.units[unit_id], b.courses[unit_id, placement.course_id])


def _day_masks(unit: Unit, board: Board) -> dict[int, int]:
    days: dict[int, int] = defaultdict(int)
    for course in unit.courses:
        if (unit.id, course.id) not in board.taken:
            days[course.weekday] |= mask(course.start, course.end)
    return days


def _overlap(course: Course, placement: Placement) -> int:
    if course.weekday != placement.weekday:
        return -1
    return max(0, min(course.end, placement.end) - max(course.start, placement.start))


__all__ = ["Cancelled", "Progress", "plan", "rules"]
