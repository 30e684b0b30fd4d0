"""A plan being built: who is placed where, with the counters the engine reads.

Whether a placement may be added is decided by missions.rules (overlap, daily limits,
amplitude, breaks, lunch, travel) on the worker's day; the masks and counters here only
skip candidates that cannot pass, and the whole week of every worker goes through
rules.check_timetable before a plan is returned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from missions import rules
from planner.problem import FORBID, Course, Placement, Problem, Unit, rule_slot

BUSY, CAPACITY, NEED, TAKEN, FORBIDDEN = "busy", "capacity", "need", "taken", "forbidden"


def mask(start: int, end: int) -> int:
    return ((1 << (end - start)) - 1) << start


class Board:
    def __init__(self, problem: Problem):
        self.problem = problem
        self.units = {u.id: u for u in problem.units}
        self.workers = {w.id: w for w in problem.workers}
        self.courses = {(u.id, c.id): c for u in problem.units for c in u.courses}
        self.placements: dict[int, list[Placement]] = defaultdict(list)
        self.slots: dict[tuple[int, int], list[tuple[Placement, rules.Slot]]] = defaultdict(list)
        self.busy: dict[tuple[int, int, str], int] = defaultdict(int)
        self.used: Counter = Counter()   # (worker, week) → minutes
        self.got: Counter = Counter()    # (unit, week) → minutes
        self.pair_minutes: Counter = Counter()  # (worker, unit) → minutes (every week counted once per week)
        self.taken: dict[tuple[int, int], int] = {}
        self.order = 0
        self.stamp: dict[Placement, int] = {}
        self._memo: dict[tuple, str] = {}
        for worker in problem.workers:
            for weekday, start, end, week in worker.unavailable:
                for wk in ((week,) if week else (rules.WEEK_A, rules.WEEK_B)):
                    self.busy[worker.id, weekday, wk] |= mask(start, end)

    # --- Reading ---------------------------------------------------------------------

    def got_minutes(self, unit_id: int) -> float:
        """Weekly minutes of a unit, weeks A and B averaged."""
        return (self.got[unit_id, rules.WEEK_A] + self.got[unit_id, rules.WEEK_B]) / 2

    def rate(self, unit: Unit) -> float:
        return self.got_minutes(unit.id) / unit.need if unit.need else 1.0

    def spare(self, worker_id: int) -> int:
        capacity = self.workers[worker_id].capacity
        return capacity - max(self.used[worker_id, rules.WEEK_A], self.used[worker_id, rules.WEEK_B])

    def workers_of(self, unit_id: int) -> set[int]:
        return {w for (w, u), m in self.pair_minutes.items() if u == unit_id and m > 0}

    def day_of(self, worker_id: int, weekday: int) -> list[Placement]:
        return [p for p, _ in self.slots[worker_id, weekday]]

    def all_placements(self) -> list[Placement]:
        return [p for placements in self.placements.values() for p in placements]

    # --- Checking --------------------------------------------------------------------

    def blocker(self, worker_id: int, unit: Unit, course: Course) -> str:
        """'' when the worker may take the course of the unit, else why not (a rule's message
        in French for a rule of missions.rules)."""
        if (unit.id, course.id) in self.taken:
            return TAKEN
        if self.problem.wish(worker_id, unit) == FORBID:
            return FORBIDDEN
        worker = self.workers[worker_id]
        minutes, bits = course.minutes, mask(course.start, course.end)
        for week in course.weeks:
            if self.used[worker_id, week] + minutes > worker.capacity:
                return CAPACITY
            if self.got[unit.id, week] + minutes > unit.need:
                return NEED
            if self.busy[worker_id, course.weekday, week] & bits:
                return BUSY
        return self._day_rules(worker_id, unit, course)

    def _day_rules(self, worker_id: int, unit: Unit, course: Course) -> str:
        worker = self.workers[worker_id]
        day = self.slots[worker_id, course.weekday]
        key = (worker.lunch_duty, course.weekday, course.start, course.end, course.week, course.school_id,
               tuple(sorted((p.start, p.end, p.week, p.school_id) for p, _ in day)))
        found = self._memo.get(key)
        if found is None:
            slot = rule_slot(self.problem, unit, self._placement(worker_id, unit, course))
            slots = [s for _, s in day] + [slot]
            limits = self.problem.limits
            errors = (rules.overlap_errors(slots) or rules.daily_errors(slots, limits, worker.lunch_duty)
                      or rules.travel_errors(slots, self.problem.travel, limits))
            found = self._memo[key] = errors[0] if errors else ""
        return found

    # --- Writing ---------------------------------------------------------------------

    @staticmethod
    def _placement(worker_id: int, unit: Unit, course: Course) -> Placement:
        return Placement(worker_id=worker_id, unit_id=unit.id, course_id=course.id, weekday=course.weekday,
                         start=course.start, end=course.end, school_id=course.school_id, week=course.week)

    def place(self, worker_id: int, unit: Unit, course: Course) -> Placement:
        placement = self._placement(worker_id, unit, course)
        self.placements[worker_id].append(placement)
        self.slots[worker_id, course.weekday].append((placement, rule_slot(self.problem, unit, placement)))
        bits = mask(course.start, course.end)
        for week in course.weeks:
            self.busy[worker_id, course.weekday, week] |= bits
            self.used[worker_id, week] += course.minutes
            self.got[unit.id, week] += course.minutes
        self.pair_minutes[worker_id, unit.id] += course.minutes
        self.taken[unit.id, course.id] = worker_id
        self.order += 1
        self.stamp[placement] = self.order
        return placement

    def remove(self, placement: Placement) -> None:
        unit, course = self.units[placement.unit_id], self.courses[placement.unit_id, placement.course_id]
        worker_id = placement.worker_id
        self.placements[worker_id].remove(placement)
        day = self.slots[worker_id, course.weekday]
        day[:] = [(p, s) for p, s in day if p != placement]
        bits = mask(course.start, course.end)
        for week in course.weeks:
            self.busy[worker_id, course.weekday, week] &= ~bits
            self.used[worker_id, week] -= course.minutes
            self.got[unit.id, week] -= course.minutes
        self.pair_minutes[worker_id, unit.id] -= course.minutes
        del self.taken[unit.id, course.id]
        self.stamp.pop(placement, None)

    # --- The whole week --------------------------------------------------------------

    def notified(self) -> dict[int, Decimal]:
        return {p: Decimal(u.need) / 60 for u in self.units.values() if u.exclusive for p in u.pupil_ids}

    def week_errors(self, worker_id: int, notified: dict[int, Decimal] | None = None) -> list[str]:
        """Every hard rule of missions.rules on the worker's whole proposed week."""
        worker = self.workers[worker_id]
        slots = [s for weekday in range(len(rules.WEEKDAYS)) for _, s in self.slots.get((worker_id, weekday), [])]
        if not slots:
            return []
        check = rules.check_timetable(
            slots, contract_weekly_hours=Decimal(worker.capacity) / 60, lunch_duty=worker.lunch_duty,
            notified=notified if notified is not None else self.notified(), travel_minutes=self.problem.travel,
            limits=self.problem.limits,
        )
        return check.errors
