"""What the planner's pages show, from a run's stored result and a few scoped queries
(a constant number, whatever the size of the pôle).

"Today" is read from the very selectors of the dashboard (missions.selectors: coverage,
waiting list, AESH load) for the run's first day, so that the two pages agree; "proposed"
is today plus the lines of the proposal (added slots, dropped slots).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from aesh.models import Aesh
from eleves.enums import AidKind
from eleves.models import Student
from missions import selectors
from missions.models import TimeSlot
from missions.rules import WEEKDAYS
from pial import durations
from pial.models import School
from planner.problem import Placement, Problem, time_of
from planner.runs import placement_of

NO_TIMETABLE = "pas d'emploi du temps de classe : saisissez-le ou importez-le"
UNEXPLAINED = "heures manquantes hors du calcul (créneaux modifiés depuis le calcul ?) : relancez-le"
KIND_LABELS = {"CLASS": "hors des cours de classe", "LUNCH": "pause méridienne", "TRAVEL": "trajet"}


def slot_label(p, schools: dict[int, str]) -> str:
    week = f" (semaine {p.week})" if p.week else ""
    return (f"{WEEKDAYS[p.weekday].capitalize()} {time_of(p.start):%H:%M}–{time_of(p.end):%H:%M}{week}, "
            f"{schools.get(p.school_id, '')}")


def weekly(p) -> float:
    return (p.end - p.start) / 2 if p.week else p.end - p.start


def signed_hours(minutes: float) -> str:
    """+2 h 30, −1 h, 0 h."""
    return durations.format_minutes(minutes, signed=True)


@dataclass
class Line:
    """One line to tick: a slot to add (value = its index in the proposal) or to drop (a slot id)."""

    name: str        # "add" or "drop"
    value: int
    label: str
    students: str
    student_ids: list[int]
    aesh_id: int
    order: tuple

    @property
    def student_tokens(self) -> str:
        return " ".join(str(p) for p in self.student_ids)


@dataclass
class AeshRow:
    id: int
    name: str
    capacity: int
    today: float = 0
    proposed: float = 0
    lines: list[Line] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)   # fixed slots, labelled

    @property
    def percent(self) -> int:
        return round(100 * self.proposed / self.capacity) if self.capacity else 0

    @property
    def adds(self) -> int:
        return sum(1 for line in self.lines if line.name == "add")

    @property
    def drops(self) -> int:
        return sum(1 for line in self.lines if line.name == "drop")

    @property
    def delta(self) -> str:
        return signed_hours(self.proposed - self.today)


@dataclass
class StudentRow:
    id: int
    names: str
    school: str
    need: int | None
    today: float
    proposed: float
    aesh_today: list[str]
    aesh_proposed: list[str]
    missing: int
    causes: list[tuple[str, int]]
    exclusive: bool
    planned: bool
    lines: int = 0

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.proposed / self.need)) if self.need else 100

    @property
    def delta(self) -> str:
        return signed_hours(self.proposed - self.today)

    @property
    def changes(self) -> bool:
        return round(self.proposed) != round(self.today)


@dataclass
class Figure:
    label: str
    today: str
    proposed: str


@dataclass
class CauseGroup:
    cause: str
    students: list[str]
    minutes: int


@dataclass
class ProposalView:
    day: object
    figures: list[Figure]
    gaining: int
    losing: int
    seconds: float
    steps: int
    budget_exhausted: bool
    blockers: list[str]
    aesh_pool: list[AeshRow]
    students: list[StudentRow]
    causes: list[CauseGroup]
    line_count: int
    today: dict

    @classmethod
    def build(cls, run, scope) -> ProposalView:
        result, day = run.result, run.start_date
        if run.accepted_at:
            # The applied lines hold from start_date: the day before still shows the timetables the
            # proposal was computed on, so its lines are not added a second time.
            day -= datetime.timedelta(days=1)
        proposed = [placement_of(line) for line in result.get("placements", [])]
        current = [placement_of(line) for line in result.get("current", [])]
        units = result.get("units", {})
        schools = dict(School.objects.filter(pole_id=run.pole_id).values_list("pk", "name"))
        students = {s.pk: s for s in selectors.coverage(scope, day)}
        waiting_ids = set(selectors.waiting_list(scope, day).values_list("pk", flat=True))
        load = {a.pk: a for a in selectors.aesh_load(scope, day)}
        totals = selectors.dashboard(scope, day)
        aesh_now, held = defaultdict(set), {}
        for student_id, aesh_id, minutes in (
                TimeSlot.objects.valid_on(day).filter(assignments__student__in=list(students),
                                                      assignments__start_date__lte=day)
                .filter(Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=day))
                .values("assignments__student", "aesh").annotate(total=selectors.WEEKLY_MINUTES)
                .values_list("assignments__student", "aesh", "total").order_by()):
            aesh_now[student_id].add(aesh_id)
            held[student_id, aesh_id] = minutes
        aesh_ids = {int(w) for w in result.get("aesh", {})} | set(load)
        names = {a.pk: str(a) for a in Aesh.objects.visible_to(scope).filter(pk__in=aesh_ids)}

        def students_of(unit_id: int) -> list[int]:
            return [p for p in units.get(str(unit_id), {}).get("students", []) if p in students]

        def label_students(ids) -> str:
            return ", ".join(str(students[p]) for p in ids if p in students)

        rows = {int(w): AeshRow(id=int(w), name=names[int(w)], capacity=c,
                                  today=load[int(w)].used_minutes if int(w) in load else 0)
                for w, c in result.get("aesh", {}).items() if int(w) in names}
        delta_student = defaultdict(float)
        added_aesh, dropped = defaultdict(set), defaultdict(float)
        current_keys, proposed_keys = {p.key for p in current}, {p.key for p in proposed}
        for index, p in enumerate(proposed):
            if p.key in current_keys or p.aesh_id not in rows:
                continue
            ids = students_of(p.unit_id)
            rows[p.aesh_id].lines.append(Line("add", index, slot_label(p, schools), label_students(ids), ids,
                                                p.aesh_id, (p.weekday, p.start, p.week)))
            rows[p.aesh_id].proposed += weekly(p)
            for student in ids:
                delta_student[student] += weekly(p)
                added_aesh[student].add(p.aesh_id)
        for p in current:
            if p.key in proposed_keys or p.aesh_id not in rows:
                continue
            slot_id = result.get("slot_of", {}).get("|".join(map(str, p.key)))
            if not slot_id:
                continue
            ids = students_of(p.unit_id)
            rows[p.aesh_id].lines.append(Line("drop", slot_id, slot_label(p, schools), label_students(ids), ids,
                                                p.aesh_id, (p.weekday, p.start, p.week)))
            rows[p.aesh_id].proposed -= weekly(p)
            for student in ids:
                delta_student[student] -= weekly(p)
                dropped[student, p.aesh_id] += weekly(p)
        for row in rows.values():
            row.proposed += row.today
            row.lines.sort(key=lambda line: line.order)
        for f in result.get("fixed", []):
            fixed_id, aesh_id, weekday, start, end, school_id, week, kind, student_ids, unit_id, is_current = f
            if aesh_id not in rows:
                continue
            plain = Placement(aesh_id, unit_id or -1, -fixed_id, weekday, start, end, school_id, week)
            who = label_students(student_ids) or ("ULIS" if any(p < 0 for p in student_ids) else "")
            why = KIND_LABELS.get(kind, "") if kind != "CLASS" else (
                "sans emploi du temps de classe" if unit_id is None and who and not any(p < 0 for p in student_ids)
                else "ne suit pas un cours de classe")
            when = "" if is_current else " — commence plus tard"
            rows[aesh_id].kept.append(f"{slot_label(plain, schools)}{' — ' + who if who else ''} "
                                        f"({why}, {signed_hours(weekly(plain)).lstrip('+')}){when}")

        missing = {}
        for unit_id, minutes, causes in result.get("uncovered", []):
            missing[int(unit_id)] = (minutes, [tuple(c) for c in causes] if isinstance(causes, list)
                                     else [(causes, minutes)])
        unit_of = {p: int(u) for u, unit in units.items() for p in unit["students"]}
        lines_of_student = defaultdict(int)
        for row in rows.values():
            for line in row.lines:
                for student in line.student_ids:
                    lines_of_student[student] += 1
        student_rows = []
        for student in students.values():
            unit_id = unit_of.get(student.pk)
            exclusive = student.aid_kind_now == AidKind.INDIVIDUELLE
            need = int(student.notified_minutes) if exclusive and student.notified_minutes else None
            today = student.assured_minutes
            then = today + delta_student[student.pk]
            now_names = sorted(names.get(a, "AESH") for a in aesh_now[student.pk])
            kept = {a for a in aesh_now[student.pk] if dropped[student.pk, a] < held[student.pk, a]}
            then_names = sorted({names.get(a, "AESH") for a in kept | added_aesh[student.pk]})
            short = max(0, round(need - then)) if need else 0
            causes = []
            if short >= 15:
                causes = missing.get(unit_id, (0, []))[1] if unit_id is not None else [(NO_TIMETABLE, short)]
                causes = causes or [(UNEXPLAINED, short)]
            student_rows.append(StudentRow(id=student.pk, names=str(student), school=student.school.name, need=need,
                                   today=today, proposed=then, aesh_today=now_names, aesh_proposed=then_names,
                                   missing=short if short >= 15 else 0, causes=causes, exclusive=exclusive,
                                   planned=unit_id is not None, lines=lines_of_student[student.pk]))
        # The students the proposal changes or leaves short first, the worst served first.
        student_rows.sort(key=lambda r: (not r.lines and not r.missing, r.percent, r.names))
        figures, today = _figures(totals, student_rows, rows, waiting_ids, load)
        groups: dict[str, CauseGroup] = {}
        for row in student_rows:
            for text, _minutes in row.causes:
                group = groups.setdefault(text, CauseGroup(cause=text, students=[], minutes=0))
                group.students.append(row.names)
                group.minutes += row.missing
        aesh_pool = sorted(rows.values(), key=lambda r: r.name)
        return cls(day=day, figures=figures, gaining=sum(1 for r in student_rows if r.proposed > r.today + 0.5),
                   losing=sum(1 for r in student_rows if r.proposed < r.today - 0.5), seconds=result.get("seconds", 0),
                   steps=result.get("steps", 0), budget_exhausted=result.get("budget_exhausted", False),
                   blockers=result.get("blockers", []), aesh_pool=aesh_pool, students=student_rows,
                   causes=sorted(groups.values(), key=lambda g: (-len(g.students), g.cause)),
                   line_count=sum(len(r.lines) for r in aesh_pool), today=today)


def _figures(totals, students: list[StudentRow], rows: dict[int, AeshRow], waiting_ids: set[int], load: dict):
    individual = [r for r in students if r.exclusive and r.need]
    notified = sum(r.need for r in individual)
    assured_then = sum(r.proposed for r in individual)

    def percent(a, b) -> int:
        return int(100 * a / b) if b else 100

    waiting_then = sum(1 for r in students if (r.id in waiting_ids and not r.lines)
                       or (r.exclusive and r.need and r.proposed < r.need))
    worst_now = min((min(1, r.today / r.need) for r in individual), default=1)
    worst_then = min((min(1, r.proposed / r.need) for r in individual), default=1)
    served_now = [r for r in students if r.aesh_today]
    served_then = [r for r in students if r.aesh_proposed]
    used_then = totals.used_minutes + sum(r.proposed - r.today for r in rows.values())
    today = {"coverage": totals.coverage_percent, "waiting": totals.waiting, "use": totals.use_percent,
             "placed": {a: load[a].used_minutes for a in load}}
    figures = [
        Figure("Heures individuelles notifiées assurées", f"{totals.coverage_percent} %",
               f"{percent(assured_then, notified)} %"),
        Figure("Élèves en attente d'AESH (ou partiellement couvert·es)", str(totals.waiting), str(waiting_then)),
        Figure("Élèves sans aucun créneau", str(sum(1 for r in students if not r.today)),
               str(sum(1 for r in students if r.proposed <= 0))),
        Figure("Élève le moins bien servi (aide individuelle)", f"{round(100 * worst_now)} %",
               f"{round(100 * worst_then)} %"),
        Figure("AESH différents par élève accompagné",
               f"{sum(len(r.aesh_today) for r in served_now) / max(1, len(served_now)):.2f}".replace(".", ","),
               f"{sum(len(r.aesh_proposed) for r in served_then) / max(1, len(served_then)):.2f}".replace(".", ",")),
        Figure("Heures des AESH placées à l'emploi du temps", f"{totals.use_percent} %",
               f"{percent(used_then, totals.available_minutes) if totals.available_minutes else 0} %"),
    ]
    return figures, today


@dataclass
class LostRow:
    unit_id: int
    students: str
    minutes: int
    lost_minutes: int
    slots: list[str]
    covers: list[dict]
    candidates: list[dict]


def lost_rows(losses, problem: Problem, scope) -> list[LostRow]:
    student_ids = {p for loss in losses for p in loss.student_ids}
    aesh_ids = {c.aesh_id for loss in losses for c in loss.candidates} | {
        c.aesh_id for loss in losses for c in loss.covers}
    students = {s.pk: str(s) for s in Student.objects.visible_to(scope).filter(pk__in=student_ids)}
    names = {a.pk: str(a) for a in Aesh.objects.visible_to(scope).filter(pk__in=aesh_ids)}
    rows = []
    for loss in losses:
        courses = {p.course_id: p for p in loss.placements}
        covers = defaultdict(list)
        for cover in loss.covers:
            covers[cover.aesh_id].append(slot_label(cover.placement, problem.school_names))
        rows.append(LostRow(
            unit_id=loss.unit_id, students=", ".join(students.get(p, "") for p in loss.student_ids if p in students),
            minutes=loss.minutes, lost_minutes=loss.lost_minutes,
            slots=[slot_label(p, problem.school_names) for p in sorted(loss.placements,
                                                                         key=lambda p: (p.weekday, p.start))],
            covers=[{"name": names.get(w, "AESH"), "slots": labels} for w, labels in sorted(covers.items())],
            candidates=[{"id": c.aesh_id, "name": names.get(c.aesh_id, "AESH"), "known": c.known,
                         "travel": c.travel, "spare": c.spare, "minutes": c.minutes,
                         "covers": [slot_label(courses[i], problem.school_names) for i in c.course_ids],
                         "all": c.minutes >= loss.minutes}
                        for c in loss.candidates[:5]],
        ))
    return rows


def other_slots(problem: Problem, absent_id: int) -> list[str]:
    """The absent AESH's slots with no student to replace (travel, lunch, ULIS), labelled."""
    labels = []
    for f in sorted(problem.fixed, key=lambda f: (f.weekday, f.start)):
        if f.aesh_id == absent_id and f.current and not any(p > 0 for p in f.student_ids):
            what = "ULIS" if f.student_ids else KIND_LABELS.get(f.kind, "")
            labels.append(f"{slot_label(f, problem.school_names)} — {what}")
    return labels
