"""A plan being built: who is placed where, with the counters the engine reads.

The existing slots the engine does not move (Problem.fixed) are on the board from the
start: they fill their AESH's days and hours and their students' courses. Whether a placement
may be added is decided by missions.rules on the AESH's day, fixed slots included
(overlap, daily limits, amplitude, breaks, lunch, travel), and by the contract and notified
hours, as the acceptance (missions.services.slot_save) decides; the masks and counters only
skip candidates that cannot pass. Every AESH's whole week goes through
rules.check_timetable before a plan is returned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from missions import rules
from planner.problem import FORBID, Course, Fixed, Placement, Problem, Unit, fixed_slot, notified_hours, rule_slot

BUSY, CAPACITY, NEED, TAKEN, FORBIDDEN, BROKEN = "busy", "capacity", "need", "taken", "forbidden", "broken"


def mask(start: int, end: int) -> int:
    return ((1 << (end - start)) - 1) << start


class Board:
    def __init__(self, problem: Problem):
        self.problem = problem
        self.units = {u.id: u for u in problem.units}
        self.aesh_pool = {w.id: w for w in problem.aesh_pool}
        self.courses = {(u.id, c.id): c for u in problem.units for c in u.courses}
        self.placements: dict[int, list[Placement]] = defaultdict(list)
        self.slots: dict[tuple[int, int], list[tuple[Placement, rules.Slot]]] = defaultdict(list)
        self.busy: dict[tuple[int, int, str], int] = defaultdict(int)
        self.used: Counter = Counter()   # (AESH, week) → minutes
        self.got: Counter = Counter()    # (unit, week) → minutes
        self.pair_minutes: Counter = Counter()  # (AESH, unit) → minutes (every week counted once per week)
        self.taken: dict[tuple[int, int], int] = {}
        self.order = 0
        self.stamp: dict[Placement, int] = {}
        self._memo: dict[tuple, str] = {}
        self._notified = notified_hours(problem)
        for spec in problem.aesh_pool:
            for weekday, start, end, week in spec.unavailable:
                for wk in ((week,) if week else (rules.WEEK_A, rules.WEEK_B)):
                    self.busy[spec.id, weekday, wk] |= mask(start, end)
        self.fixed_of: dict[int, list[Fixed]] = defaultdict(list)
        for fixed in problem.fixed:  # an AESH out of the plan (no contract) still covers their students
            self._hold(fixed)
        # A week that breaks a rule with its fixed slots alone cannot be saved again: such an
        # AESH gets nothing new (missions.services.slot_save checks the whole week).
        self.broken = {w: errors for w in self.fixed_of if w in self.aesh_pool and (errors := self.week_errors(w))}

    def _hold(self, fixed: Fixed) -> None:
        """A fixed slot on the board: its AESH's day and hours, its student's minutes and courses."""
        self.fixed_of[fixed.aesh_id].append(fixed)
        marker = Placement(aesh_id=fixed.aesh_id, unit_id=fixed.unit_id if fixed.unit_id is not None else -1,
                           course_id=-fixed.id, weekday=fixed.weekday, start=fixed.start, end=fixed.end,
                           school_id=fixed.school_id, week=fixed.week)
        self.slots[fixed.aesh_id, fixed.weekday].append((marker, fixed_slot(self.problem, fixed)))
        bits = mask(fixed.start, fixed.end)
        for week in ((fixed.week,) if fixed.week else (rules.WEEK_A, rules.WEEK_B)):
            self.busy[fixed.aesh_id, fixed.weekday, week] |= bits
            self.used[fixed.aesh_id, week] += fixed.minutes
            if fixed.unit_id is not None and fixed.current:
                self.got[fixed.unit_id, week] += fixed.minutes
        if fixed.unit_id is not None:
            if fixed.current:
                self.pair_minutes[fixed.aesh_id, fixed.unit_id] += fixed.minutes
            for course_id in fixed.course_ids:
                self.taken.setdefault((fixed.unit_id, course_id), fixed.aesh_id)

    # --- Reading ---------------------------------------------------------------------

    def got_minutes(self, unit_id: int) -> float:
        """Weekly minutes of a unit, weeks A and B averaged."""
        return (self.got[unit_id, rules.WEEK_A] + self.got[unit_id, rules.WEEK_B]) / 2

    def rate(self, unit: Unit) -> float:
        return self.got_minutes(unit.id) / unit.need if unit.need else 1.0

    def spare(self, aesh_id: int) -> int:
        capacity = self.aesh_pool[aesh_id].capacity
        return capacity - max(self.used[aesh_id, rules.WEEK_A], self.used[aesh_id, rules.WEEK_B])

    def aesh_of(self, unit_id: int) -> set[int]:
        return {w for (w, u), m in self.pair_minutes.items() if u == unit_id and m > 0}

    def day_of(self, aesh_id: int, weekday: int) -> list[Placement]:
        return [p for p, _ in self.slots[aesh_id, weekday]]

    def all_placements(self) -> list[Placement]:
        return [p for placements in self.placements.values() for p in placements]

    # --- Checking --------------------------------------------------------------------

    def blocker(self, aesh_id: int, unit: Unit, course: Course) -> str:
        """'' when the AESH may take the course of the unit, else why not (a rule's message
        in French for a rule of missions.rules)."""
        if (unit.id, course.id) in self.taken:
            return TAKEN
        if self.problem.wish(aesh_id, unit) == FORBID:
            return FORBIDDEN
        if aesh_id in self.broken:
            return BROKEN
        spec = self.aesh_pool[aesh_id]
        minutes, bits = course.minutes, mask(course.start, course.end)
        for week in course.weeks:
            if self.used[aesh_id, week] + minutes > spec.capacity:
                return CAPACITY
            if self.got[unit.id, week] + minutes > unit.need:
                return NEED
            if self.busy[aesh_id, course.weekday, week] & bits:
                return BUSY
        return self._day_rules(aesh_id, unit, course)

    def _day_rules(self, aesh_id: int, unit: Unit, course: Course) -> str:
        spec = self.aesh_pool[aesh_id]
        day = self.slots[aesh_id, course.weekday]
        key = (spec.lunch_duty, course.weekday, course.start, course.end, course.week, course.school_id,
               tuple(sorted((s.start, s.end, s.week, s.school_id, s.kind) for _, s in day)))
        found = self._memo.get(key)
        if found is None:
            slot = rule_slot(self.problem, unit, self._placement(aesh_id, unit, course))
            slots = [s for _, s in day] + [slot]
            limits = self.problem.limits
            errors = (rules.overlap_errors(slots) or rules.daily_errors(slots, limits, spec.lunch_duty)
                      or rules.travel_errors(slots, self.problem.travel, limits))
            found = self._memo[key] = errors[0] if errors else ""
        return found

    # --- Writing ---------------------------------------------------------------------

    @staticmethod
    def _placement(aesh_id: int, unit: Unit, course: Course) -> Placement:
        return Placement(aesh_id=aesh_id, unit_id=unit.id, course_id=course.id, weekday=course.weekday,
                         start=course.start, end=course.end, school_id=course.school_id, week=course.week)

    def place(self, aesh_id: int, unit: Unit, course: Course) -> Placement:
        placement = self._placement(aesh_id, unit, course)
        self.placements[aesh_id].append(placement)
        self.slots[aesh_id, course.weekday].append((placement, rule_slot(self.problem, unit, placement)))
        bits = mask(course.start, course.end)
        for week in course.weeks:
            self.busy[aesh_id, course.weekday, week] |= bits
            self.used[aesh_id, week] += course.minutes
            self.got[unit.id, week] += course.minutes
        self.pair_minutes[aesh_id, unit.id] += course.minutes
        self.taken[unit.id, course.id] = aesh_id
        self.order += 1
        self.stamp[placement] = self.order
        return placement

    def remove(self, placement: Placement) -> None:
        unit, course = self.units[placement.unit_id], self.courses[placement.unit_id, placement.course_id]
        aesh_id = placement.aesh_id
        self.placements[aesh_id].remove(placement)
        day = self.slots[aesh_id, course.weekday]
        day[:] = [(p, s) for p, s in day if p != placement]
        bits = mask(course.start, course.end)
        for week in course.weeks:
            self.busy[aesh_id, course.weekday, week] &= ~bits
            self.used[aesh_id, week] -= course.minutes
            self.got[unit.id, week] -= course.minutes
        self.pair_minutes[aesh_id, unit.id] -= course.minutes
        del self.taken[unit.id, course.id]
        self.stamp.pop(placement, None)

    # --- The whole week --------------------------------------------------------------

    def notified(self) -> dict[int, Decimal]:
        return self._notified

    def week_errors(self, aesh_id: int, notified: dict[int, Decimal] | None = None) -> list[str]:
        """Every hard rule of missions.rules on the AESH's whole proposed week."""
        spec = self.aesh_pool[aesh_id]
        slots = [s for weekday in range(len(rules.WEEKDAYS)) for _, s in self.slots.get((aesh_id, weekday), [])]
        if not slots:
            return []
        check = rules.check_timetable(
            slots, contract_weekly_hours=Decimal(spec.capacity) / 60, lunch_duty=spec.lunch_duty,
            notified=notified if notified is not None else self.notified(), travel_minutes=self.problem.travel,
            limits=self.problem.limits,
        )
        return check.errors
