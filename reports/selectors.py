"""The figures of the reports, aggregated in the database: one set of selectors for the
three levels (pôle, circonscription, département), each query grouped by the level's
rows, so the number of queries never grows with the data.

Students are counted in the schools of School.objects.visible_to(scope), AESH in the pôles
of Pole.objects.visible_to(scope): what a scope may count, never list (Student.visible_to
gives inspectors and gestionnaires no student at all). Students and AESH are each one SQL
statement (below, with why); the rest is the ORM.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from pial.conf import setting
from pial.enums import CIRCONSCRIPTION_ROLES, POLE_ROLES
from pial.models import Pole, School, SchoolYear
from pial.scope import Scope
from reports import db
from reports.models import WeeklyFigure

DECLARED = ("SUBMITTED", "VALIDATED")

# Rows of each level: (students grouped by, AESH grouped by).
GROUPINGS = {
    "pole": ("school__pole", "home_pole"),
    "school": ("school", None),
    "circonscription": ("school__circonscription", "home_pole__circonscription"),
    "departement": ("school__departement", "home_pole__departement"),
}


@dataclass(frozen=True)
class Period:
    day: datetime.date
    start: datetime.date  # the rentrée
    end: datetime.date

    @classmethod
    def around(cls, day: datetime.date) -> Period:
        # One query: the current year would count only if it held the day, and then it is found here.
        year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).order_by("-is_current",
                                                                                           "start_date").first()
        if year:
            return cls(day=day, start=year.start_date, end=year.end_date)
        return cls.default(day)

    @classmethod
    def default(cls, day: datetime.date) -> Period:
        """The year around `day` when no school year holds it."""
        start = datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)
        return cls(day=day, start=start, end=datetime.date(start.year + 1, 7, 4))


# --- Students ------------------------------------------------------------------------------------
#
# The students' figures are one SQL statement: each student's notification in force, whether an
# AESH is assigned, and the weekly minutes placed, joined once, then aggregated. The same
# meaning as missions.selectors.with_coverage (a test holds the two equal); written as SQL
# because the ORM form repeats its correlated subqueries in every filtered aggregate and
# measured three times slower at département scale (README, « Performances »).

STUDENT_GROUPS = {"school__pole": "sc.pole_id", "school": "sc.id", "school__circonscription": "sc.circonscription_id",
                "school__departement": "sc.departement_id"}
# Each student's notification in force (the latest to start, as with_coverage takes it).
STUDENT_NOTIFICATION = {
    "postgresql": """
    SELECT DISTINCT ON (s.id) s.id AS student_id, s.ulis_id, {groups}, nt.aid_kind,
           nt.weekly_hours * 60 AS notified, nt.start_date
    FROM eleves_student s
    JOIN pial_school sc ON sc.id = s.school_id
    JOIN eleves_notification nt ON nt.student_id = s.id
    WHERE s.left_on IS NULL AND {in_schools} AND nt.state = 'NOTIFIED'
      AND nt.start_date <= %(day)s AND nt.end_date >= %(day)s
    ORDER BY s.id, nt.start_date DESC, nt.id DESC""",
    "sqlite": """
    SELECT s.id AS student_id, s.ulis_id, {groups}, nt.aid_kind, nt.weekly_hours * 60 AS notified,
           nt.start_date
    FROM eleves_student s
    JOIN pial_school sc ON sc.id = s.school_id
    JOIN eleves_notification nt ON nt.id = (
        SELECT x.id FROM eleves_notification x WHERE x.student_id = s.id AND x.state = 'NOTIFIED'
          AND x.start_date <= %(day)s AND x.end_date >= %(day)s ORDER BY x.start_date DESC, x.id DESC LIMIT 1)
    WHERE s.left_on IS NULL AND {in_schools}""",
}
# Each student's assignments in force and the minutes their slots in force place, read once
# per student: from each student by the assignment index (a nested loop, whatever the size of
# the table) for a territory, or by one hash join over the table for the whole country.
PLACED = {
    "each": """LEFT JOIN LATERAL (
    SELECT COUNT(*) AS assignments, SUM(CASE WHEN ts.id IS NULL THEN 0 WHEN ts.week = '' THEN ts.minutes
                                             ELSE ts.minutes / 2 END) AS minutes
    FROM missions_assignment asg
    LEFT JOIN missions_timeslot_assignments m ON m.assignment_id = asg.id
    LEFT JOIN missions_timeslot ts ON ts.id = m.timeslot_id AND ts.valid_from <= %(day)s
         AND (ts.valid_until IS NULL OR ts.valid_until >= %(day)s)
    WHERE asg.student_id = n.student_id AND asg.start_date <= %(day)s
      AND (asg.end_date IS NULL OR asg.end_date >= %(day)s)) p ON TRUE""",
    "all": """LEFT JOIN (
    SELECT asg.student_id, COUNT(*) AS assignments,
           SUM(CASE WHEN ts.id IS NULL THEN 0 WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS minutes
    FROM n JOIN missions_assignment asg ON asg.student_id = n.student_id
    LEFT JOIN missions_timeslot_assignments m ON m.assignment_id = asg.id
    LEFT JOIN missions_timeslot ts ON ts.id = m.timeslot_id AND ts.valid_from <= %(day)s
         AND (ts.valid_until IS NULL OR ts.valid_until >= %(day)s)
    WHERE asg.start_date <= %(day)s AND (asg.end_date IS NULL OR asg.end_date >= %(day)s)
    GROUP BY asg.student_id) p ON p.student_id = n.student_id""",
}
STUDENT_CTE = """
WITH n AS ({notification}),
y AS (SELECT {y_groups}, n.ulis_id, n.aid_kind, n.notified, COALESCE(p.assignments, 0) > 0 AS assigned,
             COALESCE(p.minutes, 0) AS placed, {greatest}(n.start_date, %(rentree)s) AS since,
             (COALESCE(p.assignments, 0) = 0
              OR (n.aid_kind = 'INDIVIDUELLE' AND COALESCE(p.minutes, 0) < n.notified)) AS waiting
      FROM n {placed})
"""
STUDENT_SQL = STUDENT_CTE + """SELECT {select_groups}, COUNT(*), COUNT(*) FILTER (WHERE aid_kind = 'INDIVIDUELLE'),
       COUNT(*) FILTER (WHERE aid_kind = 'MUTUALISEE'), COUNT(*) FILTER (WHERE ulis_id IS NOT NULL),
       COALESCE(SUM(CAST(notified AS INTEGER)) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
       COALESCE(SUM({least}(placed, CAST(notified AS INTEGER))) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
       COUNT(*) FILTER (WHERE waiting), COUNT(*) FILTER (WHERE NOT assigned),
       COUNT(*) FILTER (WHERE assigned AND aid_kind = 'INDIVIDUELLE' AND placed < notified),
       {median} FILTER (WHERE waiting), MIN(since) FILTER (WHERE waiting)
FROM y GROUP BY {group_by}
"""
STUDENT_KEYS = ("group", "students", "individuelle", "mutualisee", "ulis", "notified_minutes", "placed_minutes",
              "waiting", "waiting_none", "waiting_partial", "waiting_since_median", "waiting_since_first")


def student_figures(scope: Scope, period: Period, groups: list[str]) -> tuple[list[dict], dict]:
    """Students with a notification in force: their figures by each grouping asked for, and in
    all. PostgreSQL answers everything in one statement (GROUPING SETS); SQLite in one
    statement per grouping and one for the total."""
    schools_sql, schools_params = School.objects.visible_to(scope).order_by().values("pk").query.sql_with_params()
    postgres = db.vendor() == "postgresql"
    named = {"day": period.day, "rentree": period.start}

    def statement(expressions: list[str], select: str, group_by: str) -> str:
        notification = STUDENT_NOTIFICATION["postgresql" if postgres else "sqlite"]
        columns = ", ".join(f"{expression} AS g{i}" for i, expression in enumerate(expressions))
        return STUDENT_SQL.format(
            placed=PLACED["each" if postgres else "all"],
            notification=notification.format(in_schools=f"s.school_id IN ({schools_sql})", groups=columns),
            y_groups=", ".join(f"n.g{i}" for i in range(len(expressions))), select_groups=select, group_by=group_by,
            greatest="GREATEST" if postgres else "MAX", least="LEAST" if postgres else "MIN",
            median="PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY since)" if postgres else "pial_median_disc(since)",
        )

    by_group: list[dict] = [{} for _ in groups]
    total = None
    if postgres:
        count = len(groups)
        sql = statement([STUDENT_GROUPS[g] for g in groups],
                        ", ".join([f"g{i}" for i in range(count)] + [f"GROUPING(g{i})" for i in range(count)]),
                        "GROUPING SETS (" + ", ".join([f"(g{i})" for i in range(count)] + ["()"]) + ")")
        for row in _run(sql, schools_params, named):
            keys, flags, figures = row[:count], row[count:2 * count], row[2 * count:]
            values = _with_days(dict(zip(STUDENT_KEYS[1:], figures, strict=True)), period.day)
            if all(flags):
                total = values
            else:
                index = flags.index(0)
                by_group[index][keys[index]] = values
    else:
        for index, group in enumerate(groups):
            for row in _run(statement([STUDENT_GROUPS[group]], "g0", "g0"), schools_params, named):
                by_group[index][row[0]] = _with_days(dict(zip(STUDENT_KEYS[1:], row[1:], strict=True)), period.day)
        rows = _run(statement(["0"], "g0", "g0"), schools_params, named)
        if rows:
            total = _with_days(dict(zip(STUDENT_KEYS[1:], rows[0][1:], strict=True)), period.day)
    if total is None:
        total = _with_days(dict.fromkeys(STUDENT_KEYS[1:], 0) | {"waiting_since_median": None,
                                                              "waiting_since_first": None}, period.day)
    return by_group, total


SCHOOL_SQL = STUDENT_CTE + """SELECT g0, CASE WHEN waiting THEN since END, COUNT(*),
       COUNT(*) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), COUNT(*) FILTER (WHERE aid_kind = 'MUTUALISEE'),
       COUNT(*) FILTER (WHERE ulis_id IS NOT NULL),
       COALESCE(SUM(CAST(notified AS INTEGER)) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
       COALESCE(SUM({least}(placed, CAST(notified AS INTEGER))) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
       COUNT(*) FILTER (WHERE waiting), COUNT(*) FILTER (WHERE NOT assigned),
       COUNT(*) FILTER (WHERE assigned AND aid_kind = 'INDIVIDUELLE' AND placed < notified)
FROM y GROUP BY g0, CASE WHEN waiting THEN since END
"""
ADDITIVE_KEYS = ("students", "individuelle", "mutualisee", "ulis", "notified_minutes", "placed_minutes", "waiting",
                 "waiting_none", "waiting_partial")


@dataclass
class SchoolFigures:
    """One school's students, added up; `waiting_since` counts its waiting students by the day
    their wait began (no student is named: a day and a number)."""

    values: dict
    waiting_since: dict[datetime.date, int]


def school_figures_in(schools, period: Period, ids: list[int] | None = None) -> dict[int, SchoolFigures]:
    """Every school of `schools` (a School queryset; `ids`: its schools' ids, read already) that
    has a student with a notification in force: one statement, whatever the number of schools;
    the reports add schools up into every territory they show, so the figures of a territory
    are those of its schools."""
    postgres = db.vendor() == "postgresql"
    if ids is not None and postgres:  # the ids, from which the planner estimates the students well
        in_schools, schools_params = "s.school_id = ANY(%s::integer[])", (list(ids),)
    else:
        schools_sql, schools_params = schools.order_by().values("pk").query.sql_with_params()
        in_schools = f"s.school_id IN ({schools_sql})"
    notification = STUDENT_NOTIFICATION["postgresql" if postgres else "sqlite"]
    sql = SCHOOL_SQL.format(notification=notification.format(in_schools=in_schools, groups="sc.id AS g0"),
                            placed=PLACED["all"],
                            y_groups="n.g0", greatest="GREATEST" if postgres else "MAX",
                            least="LEAST" if postgres else "MIN")
    found: dict[int, SchoolFigures] = {}
    for school, since, *figures in _run(sql, schools_params, {"day": period.day, "rentree": period.start}):
        entry = found.setdefault(school, SchoolFigures(dict.fromkeys(ADDITIVE_KEYS, 0), {}))
        for key, value in zip(ADDITIVE_KEYS, figures, strict=True):
            entry.values[key] += int(value or 0)
        if since is not None:
            day = _as_date(since)
            entry.waiting_since[day] = entry.waiting_since.get(day, 0) + int(figures[6])
    return found


# The reader's schools, their territories' names and their figures, in one statement: the schools
# (the scope's own selector, as a CTE) each with its figures by day of wait, or NULLs if no
# student of theirs has a notification in force.
NAMED_BY_KEY = """SELECT s.*, (SELECT name FROM pial_departement WHERE id = s.departement_id),
    (SELECT name FROM pial_circonscription WHERE id = s.circonscription_id),
    (SELECT name FROM pial_pole WHERE id = s.pole_id) FROM ({schools}) s"""
SCHOOL_COLUMNS = ("id", "name", "dep", "circ", "pole", "kind", "dep_name", "circ_name", "pole_name")
# The school year holding the day is read inside it too (Period.around's rule): the first
# statement of a report costs no look-up before it.
SCHOOL_YEAR = """yr AS (SELECT start_date, end_date FROM pial_schoolyear WHERE {year_where}
                  ORDER BY is_current DESC, start_date LIMIT 1)"""
YEAR_AROUND = "start_date <= %(day)s AND end_date >= %(day)s"
TERRITORY_CTE = STUDENT_CTE.replace("WITH n AS (", "WITH " + SCHOOL_YEAR + ",\nsc0 (" + ", ".join(SCHOOL_COLUMNS)
                                    + ") AS ({schools}),\nn AS (", 1).replace(
    "%(rentree)s", "COALESCE((SELECT start_date FROM yr), %(rentree)s)")
TERRITORY_SQL = TERRITORY_CTE + """SELECT sc0.*, (SELECT start_date FROM yr), (SELECT end_date FROM yr), f.*
FROM sc0 LEFT JOIN (
SELECT g0, CASE WHEN waiting THEN since END AS since, COUNT(*) AS students,
       COUNT(*) FILTER (WHERE aid_kind = 'INDIVIDUELLE') AS individuelle,
       COUNT(*) FILTER (WHERE aid_kind = 'MUTUALISEE') AS mutualisee,
       COUNT(*) FILTER (WHERE ulis_id IS NOT NULL) AS ulis,
       COALESCE(SUM(CAST(notified AS INTEGER)) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0) AS notified_minutes,
       COALESCE(SUM({least}(placed, CAST(notified AS INTEGER))) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0)
         AS placed_minutes,
       COUNT(*) FILTER (WHERE waiting) AS waiting, COUNT(*) FILTER (WHERE NOT assigned) AS waiting_none,
       COUNT(*) FILTER (WHERE assigned AND aid_kind = 'INDIVIDUELLE' AND placed < notified) AS waiting_partial
FROM y GROUP BY g0, CASE WHEN waiting THEN since END) f ON f.g0 = sc0.id
"""  # noqa: S608 (constant text: the parts filled in are this module's own)


SCHOOL_JOIN = "JOIN pial_school sc ON sc.id = s.school_id"  # the groups' source, not needed for the school


_SCOPED_SQL: dict[tuple, tuple[str, tuple]] = {}


def scoped_schools_sql(scope: Scope, columns: tuple[str, ...]) -> tuple[str, tuple]:
    """The SQL of School.objects.visible_to(scope) selecting `columns`, compiled once per scope's
    territory and kept: its text depends on nothing else (a referent's schools are a subquery
    on their membership, read when the statement runs)."""
    key = (scope.role, scope.membership_id, scope.pole_id, scope.circonscription_id, scope.departement_id, columns,
           db.vendor())
    found = _SCOPED_SQL.get(key)
    if found is None:
        if len(_SCOPED_SQL) >= 4096:
            _SCOPED_SQL.clear()
        found = School.objects.visible_to(scope).order_by().values_list(*columns).query.sql_with_params()
        _SCOPED_SQL[key] = found
    return found


def territory_figures(scope: Scope, day: datetime.date, period: Period | None = None, whole_country: bool = False
                      ) -> tuple[list[tuple], dict[int, SchoolFigures], Period]:
    """The schools the scope counts (School.visible_to), each as (pk, name, département,
    circonscription, pôle, kind, and the names of these three), the figures of those that
    have a student with a notification in force (as `school_figures_in`), and the school year
    around the day (`period`, or read in the same statement). `whole_country`: every school,
    read by hash joins rather than from each student."""
    postgres = db.vendor() == "postgresql"
    if whole_country or not postgres:  # the names by hash joins over the territories' tables
        schools_sql, schools_params = scoped_schools_sql(scope, (
            "pk", "name", "departement_id", "circonscription_id", "pole_id", "kind", "departement__name",
            "circonscription__name", "pole__name"))
    else:  # a territory's few schools: each name by its primary key
        schools_sql, schools_params = scoped_schools_sql(scope, (
            "pk", "name", "departement_id", "circonscription_id", "pole_id", "kind"))
        schools_sql = NAMED_BY_KEY.format(schools=schools_sql)
    notification = STUDENT_NOTIFICATION["postgresql" if postgres else "sqlite"]
    sql = TERRITORY_SQL.format(
        schools=schools_sql, notification=notification.replace(SCHOOL_JOIN, "").format(
            in_schools="s.school_id IN (SELECT id FROM sc0)", groups="s.school_id AS g0"),
        y_groups="n.g0", greatest="GREATEST" if postgres else "MAX", least="LEAST" if postgres else "MIN",
        placed=PLACED["each" if postgres and not whole_country else "all"],
        year_where=YEAR_AROUND if period is None else "1 = 0")  # a year given: no look-up
    rows: dict[int, tuple] = {}
    found: dict[int, SchoolFigures] = {}
    width = len(SCHOOL_COLUMNS)
    fallback = period or Period.default(day)
    year = None
    for row in _run(sql, schools_params, {"day": day, "rentree": fallback.start}):
        school = row[0]
        rows.setdefault(school, row[:width])
        if row[width] is not None:
            year = (row[width], row[width + 1])
        if row[width + 2] is None:  # no student with a notification in force
            continue
        since, figures = row[width + 3], row[width + 4:]
        entry = found.setdefault(school, SchoolFigures(dict.fromkeys(ADDITIVE_KEYS, 0), {}))
        for key, value in zip(ADDITIVE_KEYS, figures, strict=True):
            entry.values[key] += int(value or 0)
        if since is not None:
            day_since = _as_date(since)
            entry.waiting_since[day_since] = entry.waiting_since.get(day_since, 0) + int(figures[6])
    if period is None:
        if year is not None:
            period = Period(day=day, start=_as_date(year[0]), end=_as_date(year[1]))
        elif not rows:  # no school: the statement read no year either
            period = Period.around(day)
        else:
            period = fallback
    return list(rows.values()), found, period


def _as_date(value) -> datetime.date:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def student_rows(scope: Scope, period: Period, group: str) -> dict[int | None, dict]:
    return student_figures(scope, period, [group])[0][0]


def student_total(scope: Scope, period: Period) -> dict:
    return student_figures(scope, period, [])[1]


def _days_since(value, day: datetime.date) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        value = value.date()
    return max((day - value).days, 0)


def _with_days(row: dict, day: datetime.date) -> dict:
    row["waiting_median_days"] = _days_since(row.pop("waiting_since_median"), day)
    row["waiting_longest_days"] = _days_since(row.pop("waiting_since_first"), day)
    return row


# --- AESH ----------------------------------------------------------------------------------------
#
# One SQL statement for the whole AESH table, its rows and its total: each AESH's contract in
# force and its terms as amended on the day (aesh.selectors.with_current_terms says the same; a
# test holds them equal), its placed minutes, its adaptation training and its declared connexe
# time, each family aggregated once per AESH, then grouped (GROUPING SETS on PostgreSQL: the
# rows and the total in one pass; on SQLite the two sets as branches of one UNION ALL), with the
# rows' names. On PostgreSQL the whole country's families are set-based (hash joins, the latest
# amendment of each field by ARRAY_AGG), a territory's read per AESH from the indexes.

AESH_GROUPS = {"home_pole": "a.home_pole_id", "home_pole__circonscription": "p.circonscription_id",
               "home_pole__departement": "p.departement_id", None: "0"}
GROUP_NAMES = {"home_pole": "pial_pole", "home_pole__circonscription": "pial_circonscription",
               "home_pole__departement": "pial_departement"}
AESH_FIELDS = ("weekly_hours", "contractual_quotite", "referent_quotite")
AESH_PG = """
WITH a AS (SELECT a.id, {group} AS grp, a.training_due_date FROM aesh_aesh a JOIN pial_pole p ON p.id = a.home_pole_id
           WHERE {in_poles}),
ct AS (SELECT DISTINCT ON (x.aesh_id) x.id, x.aesh_id, x.end_date, x.weekly_hours, x.contractual_quotite,
              x.referent_quotite
       FROM aesh_contract x JOIN a ON a.id = x.aesh_id
       WHERE x.start_date <= %(day)s AND (x.end_date IS NULL OR x.end_date >= %(day)s)
       ORDER BY x.aesh_id, x.start_date DESC, x.id DESC),
am AS (SELECT am.contract_id, {latest} FROM aesh_amendment am JOIN ct ON ct.id = am.contract_id
       WHERE am.state = 'ACCEPTED' AND am.effective_date <= %(day)s GROUP BY am.contract_id),
u AS (SELECT ts.aesh_id, SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS used
      FROM missions_timeslot ts JOIN a ON a.id = ts.aesh_id
      WHERE ts.valid_from <= %(day)s AND (ts.valid_until IS NULL OR ts.valid_until >= %(day)s) GROUP BY ts.aesh_id),
tr AS (SELECT tr.aesh_id, SUM(tr.hours) AS trained FROM aesh_training tr JOIN a ON a.id = tr.aesh_id
       WHERE tr.kind = 'ADAPTATION' GROUP BY tr.aesh_id),
cx AS (SELECT t.aesh_id, SUM(t.connexe_minutes + t.training_minutes) AS connexe FROM missions_timesheet t
       JOIN a ON a.id = t.aesh_id WHERE t.state IN ('SUBMITTED', 'VALIDATED') AND t.week_start >= %(start)s
         AND t.week_start <= %(until)s GROUP BY t.aesh_id),
c AS (SELECT a.grp, a.training_due_date, ct.id AS contract, ct.end_date,
             COALESCE(am.weekly_hours, ct.weekly_hours) AS weekly_hours,
             COALESCE(am.contractual_quotite, ct.contractual_quotite) AS quotite,
             COALESCE(am.referent_quotite, ct.referent_quotite) AS referent, u.used, tr.trained, cx.connexe
      FROM a LEFT JOIN ct ON ct.aesh_id = a.id LEFT JOIN am ON am.contract_id = ct.id
      LEFT JOIN u ON u.aesh_id = a.id LEFT JOIN tr ON tr.aesh_id = a.id LEFT JOIN cx ON cx.aesh_id = a.id)
"""
# A territory's AESH, each reached by the indexes on aesh_id (and contract_id): a nested loop of
# short probes, whatever the size of the tables (the hash joins above read them whole).
AESH_PG_EACH = """
WITH a AS (SELECT a.id, {group} AS grp, a.training_due_date FROM aesh_aesh a JOIN pial_pole p ON p.id = a.home_pole_id
           WHERE {in_poles}),
c AS (SELECT a.grp, a.training_due_date, ct.id AS contract, ct.end_date,
             COALESCE(am.weekly_hours, ct.weekly_hours) AS weekly_hours,
             COALESCE(am.contractual_quotite, ct.contractual_quotite) AS quotite,
             COALESCE(am.referent_quotite, ct.referent_quotite) AS referent, u.used, tr.trained, cx.connexe
      FROM a
      LEFT JOIN LATERAL (SELECT x.id, x.end_date, x.weekly_hours, x.contractual_quotite, x.referent_quotite
                         FROM aesh_contract x WHERE x.aesh_id = a.id AND x.start_date <= %(day)s
                           AND (x.end_date IS NULL OR x.end_date >= %(day)s)
                         ORDER BY x.start_date DESC, x.id DESC LIMIT 1) ct ON TRUE
      LEFT JOIN LATERAL (SELECT {latest} FROM aesh_amendment am WHERE am.contract_id = ct.id
                           AND am.state = 'ACCEPTED' AND am.effective_date <= %(day)s) am ON TRUE
      LEFT JOIN LATERAL (SELECT SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS used
                         FROM missions_timeslot ts WHERE ts.aesh_id = a.id AND ts.valid_from <= %(day)s
                           AND (ts.valid_until IS NULL OR ts.valid_until >= %(day)s)) u ON TRUE
      LEFT JOIN LATERAL (SELECT SUM(tr.hours) AS trained FROM aesh_training tr
                         WHERE tr.aesh_id = a.id AND tr.kind = 'ADAPTATION') tr ON TRUE
      LEFT JOIN LATERAL (SELECT SUM(t.connexe_minutes + t.training_minutes) AS connexe FROM missions_timesheet t
                         WHERE t.aesh_id = a.id AND t.state IN ('SUBMITTED', 'VALIDATED')
                           AND t.week_start >= %(start)s AND t.week_start <= %(until)s) cx ON TRUE)
"""
AMENDED = """COALESCE((SELECT am.{field} FROM aesh_amendment am WHERE am.contract_id = ct.id
              AND am.state = 'ACCEPTED' AND am.effective_date <= %(day)s AND am.{field} IS NOT NULL
              ORDER BY am.effective_date DESC, am.id DESC LIMIT 1), ct.{field})"""
AESH_SQLITE = """
WITH c AS (
    SELECT {group} AS grp, a.training_due_date, ct.id AS contract, ct.end_date,
           {weekly_hours} AS weekly_hours, {quotite} AS quotite, {referent} AS referent,
           (SELECT SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) FROM missions_timeslot ts
            WHERE ts.aesh_id = a.id AND ts.valid_from <= %(day)s
              AND (ts.valid_until IS NULL OR ts.valid_until >= %(day)s)) AS used,
           (SELECT SUM(tr.hours) FROM aesh_training tr WHERE tr.aesh_id = a.id AND tr.kind = 'ADAPTATION') AS trained,
           (SELECT SUM(t.connexe_minutes + t.training_minutes) FROM missions_timesheet t
            WHERE t.aesh_id = a.id AND t.state IN ('SUBMITTED', 'VALIDATED') AND t.week_start >= %(start)s
              AND t.week_start <= %(until)s) AS connexe
    FROM aesh_aesh a JOIN pial_pole p ON p.id = a.home_pole_id
    LEFT JOIN aesh_contract ct ON ct.id = (
        SELECT x.id FROM aesh_contract x WHERE x.aesh_id = a.id AND x.start_date <= %(day)s
          AND (x.end_date IS NULL OR x.end_date >= %(day)s) ORDER BY x.start_date DESC, x.id DESC LIMIT 1)
    WHERE {in_poles})
"""
ON_CONTRACT = "contract IS NOT NULL"
AESH_AGGREGATES = f"""COUNT(contract), COALESCE(SUM(quotite) FILTER (WHERE {ON_CONTRACT}), 0),
    COUNT(*) FILTER (WHERE {ON_CONTRACT} AND referent > 0),
    COALESCE(SUM(referent) FILTER (WHERE {ON_CONTRACT} AND referent > 0), 0),
    COUNT(*) FILTER (WHERE {ON_CONTRACT} AND end_date >= %(day)s AND end_date <= %(ending)s),
    COUNT(*) FILTER (WHERE {ON_CONTRACT} AND training_due_date < %(day)s AND COALESCE(trained, 0) < %(required)s),
    COUNT(*) FILTER (WHERE {ON_CONTRACT} AND training_due_date >= %(day)s),
    COALESCE(SUM(weekly_hours * 60) FILTER (WHERE {ON_CONTRACT}), 0),
    COALESCE(SUM(used) FILTER (WHERE {ON_CONTRACT}), 0), COALESCE(SUM(connexe), 0)"""
# The pôles of a circonscription, as Pole.visible_to gives them to its readers (a test holds the
# two equal): its own, and those holding one of its schools.
CIRCONSCRIPTION_POLES = """a.home_pole_id IN (SELECT id FROM pial_pole WHERE circonscription_id = %s
                       UNION SELECT pole_id FROM pial_school WHERE circonscription_id = %s)"""
AESH_TOTAL = "SELECT NULL, 1, {aggregates}, NULL FROM c"
# The rows (groups with an AESH under contract) and the total, with the rows' names.
AESH_GROUPED = {
    "postgresql": """SELECT r.*, g.name FROM (
        SELECT grp, GROUPING(grp) AS total, {aggregates} FROM c GROUP BY GROUPING SETS ((grp), ())
        HAVING COUNT(contract) > 0 OR GROUPING(grp) = 1) r LEFT JOIN {names} g ON g.id = r.grp AND r.total = 0""",
    "sqlite": """SELECT r.*, g.name FROM (
        SELECT grp, 0 AS total, {aggregates} FROM c GROUP BY grp HAVING COUNT(contract) > 0
        UNION ALL SELECT NULL, 1, {aggregates} FROM c) r LEFT JOIN {names} g ON g.id = r.grp AND r.total = 0""",
}
AESH_KEYS = ("headcount", "quotite_sum", "referents", "referent_etp", "ending", "training_late",
             "training_on_track", "available_minutes", "placed_minutes", "connexe_minutes")
AESH_DECIMALS = ("quotite_sum", "referent_etp", "available_minutes")


def _run(sql: str, scoped_params: tuple, named: dict) -> list[tuple]:
    """Runs a statement whose scoped part (a selector's own SQL) brings positional parameters
    and whose other parameters are named: all are bound by position, in the order of the text."""
    scoped = itertools.cycle(scoped_params)  # the scoped part may appear more than once
    markers = re.findall(r"%s|%\((\w+)\)s", sql)
    params = [named[name] if name else next(scoped) for name in markers]
    with db.cursor() as cursor:
        cursor.execute(re.sub(r"%\(\w+\)s", "%s", sql), params)
        return cursor.fetchall()


def pole_ids(scope: Scope, poles: list[int] | None = None) -> list[int]:
    """The pôles whose AESH the scope counts (or `poles`, when given), read once: the statements
    then filter on a list of ids, which the planner estimates from the values and serves from
    the home pôle index. A pôle's own reader counts their pôle (Pole.visible_to), no query."""
    if poles is not None:
        return poles
    if scope.role in POLE_ROLES and scope.pole_id:
        return [scope.pole_id]
    return list(Pole.objects.visible_to(scope).order_by().values_list("pk", flat=True))


def pole_places(scope: Scope, poles: list[int]) -> dict[int, tuple[int | None, int | None]]:
    """Each of these pôles' circonscription and département (one statement; none for no pôle)."""
    if not poles:
        return {}
    rows = Pole.objects.visible_to(scope).filter(pk__in=poles).order_by().values_list(
        "pk", "circonscription_id", "departement_id")
    return {pk: (circonscription, departement) for pk, circonscription, departement in rows}


def aesh_total_zero() -> dict:
    """An empty AESH total: counts are integers, sums of quotités and hours decimals."""
    return dict.fromkeys(set(AESH_KEYS) - set(AESH_DECIMALS), 0) | dict.fromkeys(AESH_DECIMALS, Decimal(0))


@dataclass
class AeshFigures:
    rows: dict      # group id → figures, for the groups with an AESH under contract
    names: dict     # group id → its name
    total: dict     # every AESH of the pôles (connexe time included for those without a contract)


def aesh_figures(scope: Scope, period: Period, group: str | None, poles: list[int] | None = None) -> AeshFigures:
    """The AESH of the scope's pôles (or of `poles`), by `group` and in all, in one statement."""
    postgres = db.vendor() == "postgresql"
    if poles is None and scope.is_national:  # every pôle (Pole.visible_to): no filter
        in_poles, poles_params = "1 = 1", ()
    elif poles is None and scope.role in CIRCONSCRIPTION_ROLES:  # Pole.visible_to, from two indexes
        in_poles, poles_params = CIRCONSCRIPTION_POLES, (scope.circonscription_id, scope.circonscription_id)
    elif postgres:  # one array parameter, estimated from its values at any size
        in_poles, poles_params = "a.home_pole_id = ANY(%s::integer[])", (list(pole_ids(scope, poles)),)
    else:
        poles = pole_ids(scope, poles)
        poles_params = tuple(poles) or (0,)
        in_poles = f"a.home_pole_id IN ({', '.join(['%s'] * len(poles_params))})"
    expression = AESH_GROUPS[group]
    if postgres:
        latest = ", ".join(f"(ARRAY_AGG(am.{f} ORDER BY am.effective_date DESC, am.id DESC) FILTER "
                           f"(WHERE am.{f} IS NOT NULL))[1] AS {f}" for f in AESH_FIELDS)
        template = AESH_PG if poles is None and scope.is_national else AESH_PG_EACH
        sql = template.format(group=expression, in_poles=in_poles, latest=latest)
    else:
        sql = AESH_SQLITE.format(group=expression, in_poles=in_poles, **{
            name: AMENDED.format(field=field) for name, field in zip(("weekly_hours", "quotite", "referent"),
                                                                    AESH_FIELDS, strict=True)})
    if group is None:
        sql += AESH_TOTAL.format(aggregates=AESH_AGGREGATES)
    else:
        sql += AESH_GROUPED["postgresql" if postgres else "sqlite"].format(aggregates=AESH_AGGREGATES,
                                                                         names=GROUP_NAMES[group])
    rows = _run(sql, poles_params, {
        "day": period.day, "ending": period.day + relativedelta(months=3),
        "required": setting("ADAPTATION_TRAINING_HOURS"), "start": period.start - datetime.timedelta(days=6),
        "until": min(period.day, period.end)})
    found = AeshFigures(rows={}, names={}, total=aesh_total_zero())
    for key, is_total, *figures, name in rows:
        values = dict(zip(AESH_KEYS, figures, strict=True))
        for k in AESH_KEYS:
            values[k] = Decimal(str(values[k] or 0)) if k in AESH_DECIMALS else int(values[k] or 0)
        if is_total:
            found.total = values
        else:
            found.rows[key] = values
            if name is not None:
                found.names[key] = name
    return found


# --- Over the year --------------------------------------------------------------------------------

def weekly_school_figures(scope: Scope, period: Period,
                          weeks: list[datetime.date] | None = None) -> list[tuple[datetime.date, dict[int, dict]]]:
    """The weekly table of the school year so far (or of `weeks`), school by school and week by
    week (one query): the reports add schools up into the reader's territory as they do for
    the day."""
    rows = (
        WeeklyFigure.objects.counted_in(scope)
        .filter(week_start__gte=period.start - datetime.timedelta(days=6), week_start__lte=period.day)
    )
    if weeks is not None:
        rows = rows.filter(week_start__in=weeks)
    rows = rows.order_by("week_start", "school_id").values_list("week_start", "school_id", *ADDITIVE_KEYS)
    found: dict[datetime.date, dict[int, dict]] = {}
    for week_start, school, *figures in rows:
        found.setdefault(week_start, {})[school] = dict(zip(ADDITIVE_KEYS, figures, strict=True))
    return list(found.items())


# Each week of the weekly table as one digest of its schools (id, place, kind, figures): what a
# week's cache key needs, without sending every school's row (PostgreSQL; SQLite reads the rows).
WEEK_DIGESTS = """SELECT w.week_start, md5(string_agg(concat_ws(',', w.school_id, sc.departement_id,
    sc.circonscription_id, sc.pole_id, sc.kind, {figures}), '|' ORDER BY w.school_id))
FROM reports_weeklyfigure w JOIN pial_school sc ON sc.id = w.school_id
WHERE w.school_id IN ({schools}) AND w.week_start >= %(start)s AND w.week_start <= %(day)s
GROUP BY w.week_start ORDER BY w.week_start"""


def weekly_digests(scope: Scope, period: Period) -> list[tuple[datetime.date, str]] | None:
    """Each week of the school year so far with a digest of its schools' rows; None on SQLite."""
    if db.vendor() != "postgresql":
        return None
    schools_sql, schools_params = scoped_schools_sql(scope, ("pk",))
    sql = WEEK_DIGESTS.format(schools=schools_sql, figures=", ".join(f"w.{key}" for key in ADDITIVE_KEYS))
    return [(_as_date(week), digest) for week, digest in _run(sql, schools_params, {
        "start": period.start - datetime.timedelta(days=6), "day": period.day})]
