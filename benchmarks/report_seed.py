"""Synthetic territories for the report benchmarks, inserted in bulk (COPY on PostgreSQL,
executemany on SQLite) with explicit ids, streamed so the national scale fits in memory.

Scales: a département (3 000 AESH, 6 000 students) and the country (140 000 AESH,
350 000 students, 4 000 pôles, 1 500 circonscriptions), each with a school year of
timetables, 40 weeks of declared hours per AESH and weekly report figures.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from aesh.models import Aesh, Contract
from eleves.models import Notification, Student
from hours.models import Timesheet
from missions.models import Assignment, TimeSlot
from pial.models import Circonscription, Departement, Pole, School
from pial.rules import uai_check_letter
from reports.models import WeeklyFigure


@dataclass(frozen=True)
class Scale:
    name: str
    departements: int
    circonscriptions: int
    poles: int
    schools_per_pole: int
    aesh: int
    students: int
    weeks: int = 40


DEPARTEMENT = Scale("département", departements=1, circonscriptions=30, poles=85, schools_per_pole=10, aesh=3000,
                    students=6000)
NATIONAL = Scale("national", departements=100, circonscriptions=1500, poles=4000, schools_per_pole=10, aesh=140000,
                 students=350000)


@dataclass
class Seeded:
    rows: int
    seconds: float
    day: datetime.date
    rentree: datetime.date
    pole_id: int
    circonscription_id: int
    departement_id: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> int:
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch: list[tuple] = []
            for row in rows:
                batch.append(tuple(_sqlite(value) for value in row))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _sqlite(value):
    """SQLite's driver takes text for times, datetimes and decimals (as Django stores them)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str | int | float) or value is None:
        return value
    return str(value)


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def seed(scale: Scale, day: datetime.date, seed_value: int = 2026, base: int = 9_000_000) -> Seeded:
    """Builds the territory in one transaction; returns how many rows went in, how fast,
    and a typical pôle, circonscription and département to report on."""
    with transaction.atomic():
        seeded = _seed(scale, day, seed_value, base)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seeded


def _seed(scale: Scale, day: datetime.date, seed_value: int, base: int) -> Seeded:
    rng = random.Random(seed_value)
    rentree = datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    rows = 0  # ids start at `base`, far from anything the test database already holds

    deps = [(base + i, f"{scale.name[0].upper()}{i:02d}", f"Département {i}", "Rennes")
            for i in range(scale.departements)]
    rows += _insert(Departement, ["id", "code", "name", "academie"], deps)
    circs = [(base + i, base + i % scale.departements, f"Circonscription {i}", "") for i in
             range(scale.circonscriptions)]
    rows += _insert(Circonscription, ["id", "departement_id", "name", "ien_name"], circs)
    poles = [(base + i, f"Pôle {i}", None, "PIAL", "PREMIER", base + (i % scale.circonscriptions) %
              scale.departements, base + i % scale.circonscriptions) for i in range(scale.poles)]
    rows += _insert(Pole, ["id", "name", "code", "kind", "degree", "departement_id", "circonscription_id"], poles)
    pole_dep = {p[0]: p[5] for p in poles}
    pole_circ = {p[0]: p[6] for p in poles}
    school_count = scale.poles * scale.schools_per_pole
    schools_of_pole: dict[int, list[int]] = {}

    def schools() -> Iterator[tuple]:
        for i in range(school_count):
            pole = base + i // scale.schools_per_pole
            digits = f"{base // 1000 + i:07d}"
            schools_of_pole.setdefault(pole, []).append(base + i)
            yield (base + i, digits + uai_check_letter(digits), f"École {i}", "ELEMENTAIRE", "Ville",
                   pole_dep[pole], pole_circ[pole], pole, "B")

    rows += _insert(School, ["id", "uai", "name", "kind", "city", "departement_id", "circonscription_id", "pole_id",
                             "zone"], schools())

    pole_ids = [p[0] for p in poles]
    aesh_pole = [pole_ids[i % len(pole_ids)] for i in range(scale.aesh)]
    aesh_of_pole: dict[int, list[int]] = {}
    for i, pole in enumerate(aesh_pole):
        aesh_of_pole.setdefault(pole, []).append(base + i)
    rows += _insert(Aesh, ["id", "user_id", "first_name", "last_name", "email", "phone", "diploma", "first_hire_date",
                           "home_pole_id", "training_due_date", "created_at", "updated_at"],
                    ((base + i, None, "Camille", f"Agent{i}", f"agent{base + i}@bench.fr", "", "", None, aesh_pole[i],
                      rentree + datetime.timedelta(days=rng.randint(-200, 300)), now, now)
                     for i in range(scale.aesh)))
    weekly = {}

    def contracts() -> Iterator[tuple]:
        for i in range(scale.aesh):
            hours = rng.choice([20, 24, 24, 27, 30, 35])
            weekly[base + i] = hours
            referent = "0.25" if i % 40 == 0 else "0"
            end = None if i % 3 == 0 else day + datetime.timedelta(days=rng.randint(10, 900))
            yield (base + i, base + i, "CDI" if end is None else "CDD", "DSDEN", "", rentree - datetime.timedelta(
                days=365), end, hours, 41, 1607, min(round(hours * 41 / 16.07 + 0.5), 75), referent, False, now)

    rows += _insert(Contract, ["id", "aesh_id", "kind", "employer", "employer_detail", "start_date", "end_date",
                               "weekly_hours", "weeks", "annual_base", "contractual_quotite", "referent_quotite",
                               "lunch_duty", "created_at"], contracts())

    plan = []  # (student id, school, pôle, kind, hours, start)
    for i in range(scale.students):
        pole = pole_ids[i % len(pole_ids)]
        school = rng.choice(schools_of_pole[pole])
        individual = rng.random() < 0.75
        plan.append((base + i, school, pole, "INDIVIDUELLE" if individual else "MUTUALISEE",
                     rng.choice([6, 9, 12, 15, 18]) if individual else None,
                     rentree - datetime.timedelta(days=rng.randint(-60, 300))))
    rows += _insert(Student, ["id", "first_name", "last_name", "birth_date", "school_id", "level", "level_raw",
                              "class_name", "ulis_id", "ine", "referent_id", "left_on", "created_at", "updated_at"],
                    ((sid, "Lou", f"Eleve{sid}", datetime.date(2015, 1, 1) + datetime.timedelta(days=sid % 2000),
                      school, "CE1", "", "", None, "", None, None, now, now) for sid, school, *_ in plan))
    rows += _insert(Notification, ["id", "student_id", "state", "decision_date", "start_date", "end_date", "aid_kind",
                                   "weekly_hours", "activities", "lunch_aid", "mdph_reference", "imported",
                                   "created_at"],
                    ((sid, sid, "NOTIFIED", None, start, day + datetime.timedelta(days=400), kind, hours, "[]", False,
                      "", False, now) for sid, _school, _pole, kind, hours, start in plan))
    assignments, slots, links = [], [], []
    free_day = {}
    for sid, school, pole, kind, hours, _start in plan:
        if rng.random() < 0.14:
            continue  # waiting, no AESH yet
        aesh = rng.choice(aesh_of_pole[pole])
        assignment = base + len(assignments)
        assignments.append((assignment, aesh, sid, None, kind, rentree, None, now))
        wanted = (hours or 3) * 60
        if kind == "INDIVIDUELLE" and rng.random() < 0.15:
            wanted = max(wanted - 180, 60)  # partial
        while wanted > 0:
            minutes = min(180, wanted)
            weekday = free_day.setdefault(aesh, 0) % 5
            free_day[aesh] += 1
            slot = base + len(slots)
            end = 8 * 60 + 30 + minutes
            slots.append((slot, aesh, weekday, datetime.time(8, 30), datetime.time(end // 60, end % 60), school,
                          "CLASS", "", rentree, None, minutes, now))
            links.append((base + len(links), slot, assignment))
            wanted -= minutes
    rows += _insert(Assignment, ["id", "aesh_id", "student_id", "ulis_id", "kind", "start_date", "end_date",
                                 "created_at"], assignments)
    rows += _insert(TimeSlot, ["id", "aesh_id", "weekday", "start_time", "end_time", "school_id", "kind", "week",
                               "valid_from", "valid_until", "minutes", "created_at"], slots)
    rows += _insert(TimeSlot.assignments.through, ["id", "timeslot_id", "assignment_id"], links)
    first_week = day - datetime.timedelta(days=day.weekday()) - datetime.timedelta(weeks=scale.weeks - 1)

    # Weeks follow the timesheet's constraints: a draft has never been handed in; a validated
    # week carries its date and its validator (one coordinator of the seeded territory).
    validator = get_user_model().objects.create_user(email=f"validation-{base}@bench.fr")

    def sheets() -> Iterator[tuple]:
        number = base
        for aesh in range(base, base + scale.aesh):
            planned = weekly[aesh] * 60
            for week in range(scale.weeks):
                state = ("VALIDATED", "SUBMITTED", "DRAFT")[(aesh + week) % 3]
                number += 1
                connexe = (aesh * 7 + week) % 4 * 30
                validated = state == "VALIDATED"
                yield (number, aesh, first_week + datetime.timedelta(weeks=week), state, "", "", None, 0, planned,
                       planned, 0, 0, 0, 0, connexe, 60 if week % 10 == 0 else 0,
                       None if state == "DRAFT" else now, now if validated else None,
                       validator.pk if validated else None, now, now)

    rows += _insert(Timesheet, ["id", "aesh_id", "week_start", "state", "comment", "return_comment", "main_school_id",
                                "version", "planned_minutes", "accompaniment_minutes", "travel_minutes",
                                "extra_minutes", "absence_minutes", "unexplained_minutes", "connexe_minutes",
                                "training_minutes", "submitted_at", "validated_at", "validated_by_id", "created_at",
                                "updated_at"], sheets())
    monday = rentree - datetime.timedelta(days=rentree.weekday())

    def figures() -> Iterator[tuple]:
        number = base
        week = monday
        while week <= day:
            for school in range(base, base + school_count):
                number += 1
                waiting = school % 3  # 6 students (4 individuelle), their hours and waiting hold together
                yield (number, week, school, 6, 4, 2, 0, 540, 400 + school % 140, waiting, waiting, 0, now)
            week += datetime.timedelta(weeks=1)

    rows += _insert(WeeklyFigure, ["id", "week_start", "school_id", "students", "individuelle", "mutualisee", "ulis",
                                   "notified_minutes", "placed_minutes", "waiting", "waiting_none",
                                   "waiting_partial", "computed_at"], figures())
    _reset_sequences([Departement, Circonscription, Pole, School, Aesh, Contract, Student, Notification, Assignment,
                      TimeSlot, TimeSlot.assignments.through, Timesheet, WeeklyFigure])
    return Seeded(rows=rows, seconds=time.perf_counter() - started, day=day, rentree=rentree, pole_id=pole_ids[0],
                  circonscription_id=base, departement_id=base)
