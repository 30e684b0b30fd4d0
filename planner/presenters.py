"""What the planner's pages show, from a run's stored result and a few scoped queries
(a constant number, whatever the size of the pôle)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from aesh.models import Aesh
from eleves.models import Student
from missions.rules import WEEKDAYS
from pial.models import School
from planner.problem import Placement, Problem, time_of
from planner.services import placement_of


def slot_label(p: Placement, schools: dict[int, str]) -> str:
    week = f" (semaine {p.week})" if p.week else ""
    return (f"{WEEKDAYS[p.weekday].capitalize()} {time_of(p.start):%H:%M}–{time_of(p.end):%H:%M}{week}, "
            f"{schools.get(p.school_id, '')}")


def weekly(p: Placement) -> float:
    return p.minutes / 2 if p.week else p.minutes


@dataclass
class WorkerRow:
    id: int
    name: str
    capacity: int
    today: float = 0
    proposed: float = 0
    adds: list = field(default_factory=list)     # (index, label, pupils)
    drops: list = field(default_factory=list)    # (slot id, label, pupils)

    @property
    def percent(self) -> int:
        return round(100 * self.proposed / self.capacity) if self.capacity else 0


@dataclass
class PupilRow:
    names: str
    school: str
    need: int
    today: float
    proposed: float
    aesh: list[str]
    missing: int
    cause: str
    exclusive: bool

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.proposed / self.need)) if self.need else 100


@dataclass
class ProposalView:
    before: dict
    after: dict
    seconds: float
    blockers: list[str]
    workers: list[WorkerRow]
    pupils: list[PupilRow]
    add_count: int
    drop_count: int

    @classmethod
    def build(cls, run, scope) -> ProposalView:
        result = run.result
        proposed = [placement_of(line) for line in result["placements"]]
        current = [placement_of(line) for line in result["current"]]
        units = result["units"]
        pupil_ids = {p for u in units.values() for p in u["pupils"]}
        worker_ids = {int(w) for w in result["workers"]} | {p.worker_id for p in current}
        students = {s.pk: s for s in
                    Student.objects.visible_to(scope).filter(pk__in=pupil_ids).select_related("school")}
        names = {a.pk: str(a) for a in Aesh.objects.visible_to(scope).filter(pk__in=worker_ids)}
        schools = dict(School.objects.filter(pole_id=run.pole_id).values_list("pk", "name"))

        def pupils_of(unit_id: int) -> str:
            return ", ".join(str(students[p]) for p in units[str(unit_id)]["pupils"] if p in students)

        rows = {int(w): WorkerRow(id=int(w), name=names.get(int(w), "AESH"), capacity=c)
                for w, c in result["workers"].items() if int(w) in names}
        current_keys = {p.key for p in current}
        proposed_keys = {p.key for p in proposed}
        for index, p in enumerate(proposed):
            row = rows.get(p.worker_id)
            if row is None:
                continue
            row.proposed += weekly(p)
            if p.key not in current_keys:
                row.adds.append((index, slot_label(p, schools), pupils_of(p.unit_id)))
        for p in current:
            row = rows.get(p.worker_id)
            if row is None:
                continue
            row.today += weekly(p)
            if p.key not in proposed_keys:
                slot_id = result["slot_of"].get("|".join(map(str, p.key)))
                if slot_id:
                    row.drops.append((slot_id, slot_label(p, schools), pupils_of(p.unit_id)))
        got_now, got_then, aesh_of = defaultdict(float), defaultdict(float), defaultdict(set)
        for p in current:
            got_now[p.unit_id] += weekly(p)
        for p in proposed:
            got_then[p.unit_id] += weekly(p)
            aesh_of[p.unit_id].add(names.get(p.worker_id, "AESH"))
        missing = {u: (m, cause) for u, m, cause in result["uncovered"]}
        pupils = []
        for unit_id, unit in units.items():
            if not any(p in students for p in unit["pupils"]):
                continue
            first = students.get(unit["pupils"][0])
            m, cause = missing.get(int(unit_id), (0, ""))
            pupils.append(PupilRow(names=pupils_of(int(unit_id)), school=first.school.name if first else "",
                                   need=unit["need"], today=got_now[int(unit_id)], proposed=got_then[int(unit_id)],
                                   aesh=sorted(aesh_of[int(unit_id)]), missing=m, cause=cause,
                                   exclusive=unit["exclusive"]))
        pupils.sort(key=lambda r: (r.percent, r.names))
        workers = sorted(rows.values(), key=lambda r: r.name)
        return cls(before=result["before"], after=result["after"], seconds=result.get("seconds", 0),
                   blockers=result.get("blockers", []), workers=workers, pupils=pupils,
                   add_count=sum(len(r.adds) for r in workers), drop_count=sum(len(r.drops) for r in workers))


@dataclass
class LostRow:
    unit_id: int
    pupils: str
    minutes: int
    slots: list[str]
    candidates: list[dict]


def lost_rows(losses, problem: Problem, scope) -> list[LostRow]:
    units = {u.id: u for u in problem.units}
    pupil_ids = {p for loss in losses for p in units[loss.unit_id].pupil_ids}
    worker_ids = {c.worker_id for loss in losses for c in loss.candidates}
    students = {s.pk: str(s) for s in Student.objects.visible_to(scope).filter(pk__in=pupil_ids)}
    names = {a.pk: str(a) for a in Aesh.objects.visible_to(scope).filter(pk__in=worker_ids)}
    rows = []
    for loss in losses:
        courses = {p.course_id: p for p in loss.placements}
        rows.append(LostRow(
            unit_id=loss.unit_id, pupils=", ".join(students.get(p, "") for p in units[loss.unit_id].pupil_ids),
            minutes=loss.minutes, slots=[slot_label(p, problem.school_names) for p in loss.placements],
            candidates=[{"id": c.worker_id, "name": names.get(c.worker_id, "AESH"), "known": c.known,
                         "travel": c.travel, "spare": c.spare, "minutes": c.minutes,
                         "covers": [slot_label(courses[i], problem.school_names) for i in c.course_ids],
                         "all": len(c.course_ids) == len(loss.placements)}
                        for c in loss.candidates[:5]],
        ))
    return rows
