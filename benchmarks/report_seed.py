"""Synthetic territories for the report benchmarks, inserted in bulk (COPY on PostgreSQL,
executemany on SQLite) with explicit ids, streamed so the national scale fits in memory.

Scales: a département (3 000 AESH, 6 000 students) and the country (140 000 AESH,
350 000 students, 4 000 pôles, 1 500 circonscriptions), each with a school year of
timetables, 40 weeks of declared hours per AESH and weekly report figures.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from aesh.models import Aesh, Amendment, Contract, Training
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
# CI's smoke run: two départements, a few pôles, every equality check, no timing.
SMOKE = Scale("smoke", departements=2, circonscriptions=5, poles=12, schools_per_pole=3, aesh=80, students=360,
              weeks=6)
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


class SchemaDrift(AssertionError):
    """The seed no longer matches the model: fix the seed (a benchmark that rots fails loudly)."""


def _columns(model, columns: list[str]) -> tuple[list[str], tuple]:
    """The seed's columns checked against the model's current schema: every column the seed
    names exists, and every column it leaves out has a default (added with it) or is nullable."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise SchemaDrift(f"{model._meta.db_table}: colonnes inconnues du modèle {unknown}")
    extra, defaults = [], []
    for column, field in fields.items():
        if column in columns:
            continue
        if field.has_default():
            extra.append(column)
            default = field.get_default()
            defaults.append(json.dumps(default) if isinstance(default, dict | list) else default)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append(column)
            defaults.append(datetime.datetime.now(datetime.UTC))
        elif field.blank and field.empty_strings_allowed and not field.null:
            extra.append(column)
            defaults.append("")
        elif not field.null:
            raise SchemaDrift(f"{model._meta.db_table}.{column} : colonne obligatoire absente du jeu de données")
    return columns + extra, tuple(defaults)


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> int:
    table = model._meta.db_table
    columns, defaults = _columns(model, list(columns))
    if defaults:
        rows = (tuple(row) + defaults for row in rows)
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
    and a typical pôle, circonscription and département to report on. A territory already
    seeded for this day in a kept database (pytest --reuse-db) is reused as it is."""
    kept = _kept(scale, day, base)
    if kept is not None:
        return kept
    with transaction.atomic():
        seeded = _seed(scale, day, seed_value, base)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seeded


def _rentree(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _validator_email(base: int, day: datetime.date) -> str:
    return f"validation-{base}-{day.isoformat()}@bench.fr"


def _kept(scale: Scale, day: datetime.date, base: int) -> Seeded | None:
    """The territory a previous run seeded for the same day and scale, if the database was kept."""
    if not Departement.objects.filter(pk=base).exists():
        return None
    if not get_user_model().objects.filter(email=_validator_email(base, day)).exists() or \
            Pole.objects.filter(pk__gte=base, pk__lt=base + scale.poles + 1).count() != scale.poles:
        raise SchemaDrift(f"Un jeu de données d'un autre jour ou d'une autre échelle occupe les ids {base}… : "
                          "relancer avec --create-db")
    return Seeded(rows=0, seconds=0.0, day=day, rentree=_rentree(day), pole_id=base, circonscription_id=base,
                  departement_id=base)


def _seed(scale: Scale, day: datetime.date, seed_value: int, base: int) -> Seeded:
    rng = random.Random(seed_value)
    rentree = _rentree(day)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    rows = 0  # ids start at `base`, far from anything the test database already holds

    letter = "K" if scale is SMOKE else scale.name[0].upper()  # codes unique beside another scale's
    deps = [(base + i, f"{letter}{i:02d}", f"Département {i}", "Rennes")
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
    # Earlier contracts, ended before the one in force began: the report must take the one in force.
    rows += _insert(Contract, ["id", "aesh_id", "kind", "start_date", "end_date", "weekly_hours", "weeks",
                               "annual_base", "contractual_quotite", "referent_quotite"],
                    ((base + scale.aesh + i, base + i, "CDD", rentree - datetime.timedelta(days=1200),
                      rentree - datetime.timedelta(days=366), 12, 41, 1607, 31, "0.5")
                     for i in range(1, scale.aesh, 4)))

    def amendments() -> Iterator[tuple]:
        number = base
        for i in range(scale.aesh):
            contract, hours = base + i, weekly[base + i]
            # (effective date, state, weekly hours, quotité, référent quotité)
            changes = []
            if i % 5 == 2:  # accepted: more hours; for some a second one later, which wins
                changes.append((rentree + datetime.timedelta(days=10), "ACCEPTED", hours + 3,
                                min(round((hours + 3) * 41 / 16.07 + 0.5), 75), None))
                if i % 10 == 2:
                    changes.append((rentree + datetime.timedelta(days=40), "ACCEPTED", hours + 5, None, None))
            if i % 7 == 3:  # accepted: référent time from then on
                changes.append((rentree + datetime.timedelta(days=30), "ACCEPTED", None, None, "0.25"))
            if i % 11 == 4:  # proposed, not accepted: changes nothing
                changes.append((rentree + datetime.timedelta(days=20), "PROPOSED", 35, 87, None))
            if i % 13 == 5:  # accepted, effective after the day: changes nothing yet
                changes.append((day + datetime.timedelta(days=30), "ACCEPTED", 10, 26, "0.5"))
            for effective, state, new_hours, quotite, referent in changes:
                number += 1
                yield (number, contract, effective - datetime.timedelta(days=20), effective, state, new_hours,
                       quotite, referent, now)

    rows += _insert(Amendment, ["id", "contract_id", "proposed_on", "effective_date", "state", "weekly_hours",
                                "contractual_quotite", "referent_quotite", "created_at"], amendments())
    rows += _insert(Training, ["id", "aesh_id", "kind", "date", "hours", "title"],
                    ((base + i, base + i, "ADAPTATION", rentree - datetime.timedelta(days=30),
                      (60, 20, 45)[i % 3], "Formation d'adaptation à l'emploi") for i in range(0, scale.aesh, 2)))

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

    def other_notifications() -> Iterator[tuple]:
        """Beside each student's notification in force: an expired one, an earlier one still in force
        (the latest to start counts), a request awaiting its decision."""
        number = base + scale.students
        for sid, _school, _pole, kind, hours, start in plan:
            other = None if kind == "MUTUALISEE" else (hours or 6) + 3
            draw = rng.random()
            if draw < 0.15:
                number += 1
                yield (number, sid, "NOTIFIED", rentree - datetime.timedelta(days=700),
                       rentree - datetime.timedelta(days=10), kind, other)
            if 0.1 < draw < 0.25:
                number += 1
                yield (number, sid, "NOTIFIED", start - datetime.timedelta(days=200),
                       day + datetime.timedelta(days=100), kind, other)
            if draw > 0.9:
                number += 1
                yield (number, sid, "AWAITING", min(start + datetime.timedelta(days=20), day),
                       day + datetime.timedelta(days=500), kind, other)

    rows += _insert(Notification, ["id", "student_id", "state", "start_date", "end_date", "aid_kind",
                                   "weekly_hours"], other_notifications())
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
    validator = get_user_model().objects.create_user(email=_validator_email(base, day))

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
    _reset_sequences([Departement, Circonscription, Pole, School, Aesh, Contract, Amendment, Training, Student,
                      Notification, Assignment, TimeSlot, TimeSlot.assignments.through, Timesheet, WeeklyFigure])
    return Seeded(rows=rows, seconds=time.perf_counter() - started, day=day, rentree=rentree, pole_id=pole_ids[0],
                  circonscription_id=base, departement_id=base)
