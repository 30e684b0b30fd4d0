"""The bare SQL of each report level, as a DBA would write it: one statement per family
(students, AESH, weeks, recourses), every grouping of the level at once (GROUPING SETS on
PostgreSQL; on SQLite, which has none, the same sets as branches of one UNION ALL over a
CTE it computes once), with the report's whole meaning: each student's notification in force
(the latest to start), each AESH's contract in force (the latest to start) and its terms as
amended by the accepted avenants in effect, the schools under the report's minimum grouped
into « autres établissements » in each part, medians as PERCENTILE_DISC.

Each function returns rows keyed as the report's tree is (`node_key`): a tuple of
(grouping, id) from the reader's territory down, () for the territory itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

# The groupings between the reader's territory and its schools, as the tree nests them.
NESTING = {"pole": (), "circonscription": ("pole",), "departement": ("circ", "pole"),
           "national": ("dep", "circ", "pole")}
COLUMNS = {"dep": "departement_id", "circ": "circonscription_id", "pole": "pole_id"}
NODE_NAMES = {"departement": "dep", "circonscription": "circ", "pole": "pole", "school": "leaf", "others": "leaf"}
OTHERS = -1  # the « autres établissements » of a part
TOTAL = "total"  # the AESH table's total row
STUDENT_KEYS = ("students", "individuelle", "mutualisee", "ulis", "notified_minutes", "placed_minutes", "waiting",
              "waiting_none", "waiting_partial", "waiting_since_median", "waiting_since_first")
AESH_KEYS = ("headcount", "quotite_sum", "referents", "referent_etp", "ending", "training_late",
             "training_on_track", "available_minutes", "placed_minutes", "connexe_minutes")


def node_key(node) -> tuple:
    """A node of the report's tree as the yardstick keys it."""
    path = []
    while node is not None and node.kind != "root":
        path.append((NODE_NAMES[node.kind], OTHERS if node.kind == "others" else node.ref))
        node = node.parent
    return tuple(reversed(path))


def school_where(level: str, territory: int | None) -> str:
    return {"pole": f"sc.pole_id = {territory}", "circonscription": f"sc.circonscription_id = {territory}",
            "departement": f"sc.departement_id = {territory}", "national": "TRUE"}[level]


def pole_where(level: str, territory: int | None) -> str:
    return {"pole": f"p.id = {territory}",
            # its own pôles and those holding one of its schools, each from its index
            "circonscription": f"p.id IN (SELECT id FROM pial_pole WHERE circonscription_id = {territory} "
                               f"UNION SELECT pole_id FROM pial_school WHERE circonscription_id = {territory})",
            "departement": f"p.departement_id = {territory}", "national": "TRUE"}[level]


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _grouped(sets: list[tuple[str, ...]], names: tuple[str, ...], aggregates: str, source: str,
             having: str = "") -> str:
    """SELECT the grouping columns, a set number and the aggregates, for every grouping set."""
    if _pg():
        flags = f"GROUPING({', '.join(names)})"
        gs = ", ".join("(" + ", ".join(s) + ")" for s in sets)
        return (f"SELECT {', '.join(names)}, {flags}, {aggregates} FROM {source} GROUP BY GROUPING SETS ({gs})"
                + (f" HAVING {having.format(total=f'{flags} = {2 ** len(names) - 1}')}" if having else ""))
    branches = []
    for grouping in sets:
        flag = sum(2 ** (len(names) - 1 - i) for i, n in enumerate(names) if n not in grouping)
        columns = ", ".join(n if n in grouping else f"NULL AS {n}" for n in names)
        group_by = f" GROUP BY {', '.join(grouping)}" if grouping else ""
        cond = f" HAVING {having.format(total='1 = 1' if not grouping else '1 = 0')}" if having else ""
        branches.append(f"SELECT {columns}, {flag}, {aggregates} FROM {source}{group_by}{cond}")
    return " UNION ALL ".join(branches)


def _sets(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [names[:i] for i in range(len(names), -1, -1)]


def _keyed(rows, names: tuple[str, ...]) -> dict[tuple, tuple]:
    found = {}
    for row in rows:
        groups, flags, figures = row[:len(names)], row[len(names)], row[len(names) + 1:]
        present = [n for i, n in enumerate(names) if not flags & (2 ** (len(names) - 1 - i))]
        found[tuple((n, groups[names.index(n)]) for n in present)] = figures
    return found


def _days(value, day: datetime.date) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return max((day - value).days, 0)


def students(level: str, territory: int | None, day: datetime.date, rentree: datetime.date,
           min_students: int) -> dict[tuple, dict]:
    """Every node of the level's tree: its students' figures, one statement."""
    pg = _pg()
    names = (*NESTING[level], "leaf")
    groups = ", ".join(f"sc.{COLUMNS[n]} AS {n}" for n in NESTING[level])
    notification = (
        """SELECT DISTINCT ON (s.id) s.id, s.school_id, s.ulis_id, nt.aid_kind,
                  CAST(nt.weekly_hours * 60 AS INTEGER) AS notified, nt.start_date
           FROM eleves_student s JOIN eleves_notification nt ON nt.student_id = s.id
           WHERE s.left_on IS NULL AND s.school_id IN (SELECT sc.id FROM pial_school sc WHERE {where})
             AND nt.state = 'NOTIFIED' AND nt.start_date <= %(d)s AND nt.end_date >= %(d)s
           ORDER BY s.id, nt.start_date DESC, nt.id DESC""" if pg else
        """SELECT id, school_id, ulis_id, aid_kind, notified, start_date FROM (
             SELECT s.id, s.school_id, s.ulis_id, nt.aid_kind, CAST(nt.weekly_hours * 60 AS INTEGER) AS notified,
                    nt.start_date, ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY nt.start_date DESC, nt.id DESC) AS r
             FROM eleves_student s JOIN eleves_notification nt ON nt.student_id = s.id
             WHERE s.left_on IS NULL AND s.school_id IN (SELECT sc.id FROM pial_school sc WHERE {where})
               AND nt.state = 'NOTIFIED' AND nt.start_date <= %(d)s AND nt.end_date >= %(d)s) WHERE r = 1"""
    ).format(where=school_where(level, territory).replace("TRUE", "1 = 1"))
    in_force = "asg.start_date <= %(d)s AND (asg.end_date IS NULL OR asg.end_date >= %(d)s)"
    greatest = "GREATEST" if pg else "MAX"
    least = "LEAST" if pg else "MIN"
    # Each student's assignments in force and the minutes their slots place, aggregated once per
    # student: for a territory, from each student by the assignment index (LATERAL); for the
    # whole country, one hash join over the table.
    slots = """LEFT JOIN missions_timeslot_assignments m ON m.assignment_id = asg.id
          LEFT JOIN missions_timeslot ts ON ts.id = m.timeslot_id AND ts.valid_from <= %(d)s
               AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s)"""
    placed = "SUM(CASE WHEN ts.id IS NULL THEN 0 WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END)"
    if pg and level != "national":
        per_student = ""
        joined = f"""LEFT JOIN LATERAL (SELECT COUNT(*) > 0 AS any, {placed} AS placed
                     FROM missions_assignment asg {slots} WHERE asg.student_id = n.id AND {in_force}) a ON TRUE"""
        assigned = "a.any"
    else:
        per_student = f"""a AS (SELECT asg.student_id, {placed} AS placed
          FROM n JOIN missions_assignment asg ON asg.student_id = n.id {slots}
          WHERE {in_force} GROUP BY asg.student_id),"""
        joined = "LEFT JOIN a ON a.student_id = n.id"
        assigned = "a.student_id IS NOT NULL"
    sql = f"""
    WITH n AS ({notification}),
    {per_student}
    x AS (SELECT n.*, {groups}{', ' if groups else ''} {assigned} AS assigned,
                 COALESCE(a.placed, 0) AS placed, {greatest}(n.start_date, %(r)s) AS since,
                 COUNT(*) OVER (PARTITION BY n.school_id) AS school_students
          FROM n JOIN pial_school sc ON sc.id = n.school_id {joined}),
    y AS (SELECT x.*, CASE WHEN school_students < %(m)s THEN {OTHERS} ELSE school_id END AS leaf,
                 (NOT assigned OR (aid_kind = 'INDIVIDUELLE' AND placed < notified)) AS waiting FROM x)
    """
    median = "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY since)" if pg else "pial_median_disc(since)"
    aggregates = f"""COUNT(*), COUNT(*) FILTER (WHERE aid_kind = 'INDIVIDUELLE'),
        COUNT(*) FILTER (WHERE aid_kind = 'MUTUALISEE'), COUNT(*) FILTER (WHERE ulis_id IS NOT NULL),
        COALESCE(SUM(notified) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
        COALESCE(SUM({least}(placed, notified)) FILTER (WHERE aid_kind = 'INDIVIDUELLE'), 0),
        COUNT(*) FILTER (WHERE waiting), COUNT(*) FILTER (WHERE NOT assigned),
        COUNT(*) FILTER (WHERE assigned AND aid_kind = 'INDIVIDUELLE' AND placed < notified),
        {median} FILTER (WHERE waiting), MIN(since) FILTER (WHERE waiting)"""
    with connection.cursor() as cursor:
        cursor.execute(sql + _grouped(_sets(names), names, aggregates, "y"),
                       {"d": day, "r": rentree, "m": min_students})
        rows = cursor.fetchall()
    found = {}
    for key, figures in _keyed(rows, names).items():
        values = dict(zip(STUDENT_KEYS, figures, strict=True))
        values = {k: int(v or 0) for k, v in values.items() if not k.startswith("waiting_since")} | {
            "waiting_median_days": _days(values["waiting_since_median"], day),
            "waiting_longest_days": _days(values["waiting_since_first"], day)}
        found[key] = values
    return found


AESH_GROUP = {"pole": None, "circonscription": "p.id", "departement": "p.circonscription_id",
              "national": "p.departement_id"}


def aesh(level: str, territory: int | None, day: datetime.date, rentree: datetime.date,
         required_training_hours) -> dict:
    """The AESH table: its rows (group id → figures) and its total (key None), one statement."""
    pg = _pg()
    group = AESH_GROUP[level]

    def amended(field: str) -> str:
        return f"""COALESCE((SELECT am.{field} FROM aesh_amendment am WHERE am.contract_id = ct.id
                   AND am.state = 'ACCEPTED' AND am.effective_date <= %(d)s AND am.{field} IS NOT NULL
                   ORDER BY am.effective_date DESC, am.id DESC LIMIT 1), ct.{field})"""

    contract = """LEFT JOIN aesh_contract ct ON ct.id = (
                    SELECT x.id FROM aesh_contract x WHERE x.aesh_id = a.id AND x.start_date <= %(d)s
                    AND (x.end_date IS NULL OR x.end_date >= %(d)s) ORDER BY x.start_date DESC, x.id DESC LIMIT 1)"""
    where = pole_where(level, territory).replace("TRUE", "1 = 1")
    if pg and level != "national":  # a territory: each AESH's rows from the indexes on aesh_id (LATERAL)
        latest = ", ".join(
            f"(ARRAY_AGG(am.{f} ORDER BY am.effective_date DESC, am.id DESC) FILTER (WHERE am.{f} IS NOT NULL))[1] "
            f"AS {f}" for f in ("weekly_hours", "contractual_quotite", "referent_quotite"))
        sql = f"""
        WITH a AS (SELECT a.id, {group or '0'} AS grp, a.training_due_date FROM aesh_aesh a
                   JOIN pial_pole p ON p.id = a.home_pole_id WHERE {where}),
        c AS (SELECT a.id, a.grp, a.training_due_date, ct.id AS contract, ct.end_date,
                     COALESCE(am.weekly_hours, ct.weekly_hours) AS weekly_hours,
                     COALESCE(am.contractual_quotite, ct.contractual_quotite) AS quotite,
                     COALESCE(am.referent_quotite, ct.referent_quotite) AS referent, u.used, tr.trained, cx.connexe
              FROM a
              LEFT JOIN LATERAL (SELECT x.* FROM aesh_contract x WHERE x.aesh_id = a.id AND x.start_date <= %(d)s
                                 AND (x.end_date IS NULL OR x.end_date >= %(d)s)
                                 ORDER BY x.start_date DESC, x.id DESC LIMIT 1) ct ON TRUE
              LEFT JOIN LATERAL (SELECT {latest} FROM aesh_amendment am WHERE am.contract_id = ct.id
                                 AND am.state = 'ACCEPTED' AND am.effective_date <= %(d)s) am ON TRUE
              LEFT JOIN LATERAL (SELECT SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS used
                                 FROM missions_timeslot ts WHERE ts.aesh_id = a.id AND ts.valid_from <= %(d)s
                                 AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s)) u ON TRUE
              LEFT JOIN LATERAL (SELECT SUM(tr.hours) AS trained FROM aesh_training tr
                                 WHERE tr.aesh_id = a.id AND tr.kind = 'ADAPTATION') tr ON TRUE
              LEFT JOIN LATERAL (SELECT SUM(t.connexe_minutes + t.training_minutes) AS connexe
                                 FROM missions_timesheet t WHERE t.aesh_id = a.id
                                 AND t.state IN ('SUBMITTED', 'VALIDATED') AND t.week_start >= %(s)s
                                 AND t.week_start <= %(d)s) cx ON TRUE)
        """
    elif pg:  # the whole country, set-based: each family of rows aggregated once per AESH, joined by hash
        latest = ", ".join(
            f"(ARRAY_AGG(am.{f} ORDER BY am.effective_date DESC, am.id DESC) FILTER (WHERE am.{f} IS NOT NULL))[1] "
            f"AS {f}" for f in ("weekly_hours", "contractual_quotite", "referent_quotite"))
        sql = f"""
        WITH a AS (SELECT a.id, {group or '0'} AS grp, a.training_due_date FROM aesh_aesh a
                   JOIN pial_pole p ON p.id = a.home_pole_id WHERE {where}),
        ct AS (SELECT DISTINCT ON (x.aesh_id) x.* FROM aesh_contract x JOIN a ON a.id = x.aesh_id
               WHERE x.start_date <= %(d)s AND (x.end_date IS NULL OR x.end_date >= %(d)s)
               ORDER BY x.aesh_id, x.start_date DESC, x.id DESC),
        am AS (SELECT am.contract_id, {latest} FROM aesh_amendment am JOIN ct ON ct.id = am.contract_id
               WHERE am.state = 'ACCEPTED' AND am.effective_date <= %(d)s GROUP BY am.contract_id),
        u AS (SELECT ts.aesh_id, SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS used
              FROM missions_timeslot ts JOIN a ON a.id = ts.aesh_id
              WHERE ts.valid_from <= %(d)s AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s)
              GROUP BY ts.aesh_id),
        tr AS (SELECT tr.aesh_id, SUM(tr.hours) AS trained FROM aesh_training tr JOIN a ON a.id = tr.aesh_id
               WHERE tr.kind = 'ADAPTATION' GROUP BY tr.aesh_id),
        cx AS (SELECT t.aesh_id, SUM(t.connexe_minutes + t.training_minutes) AS connexe FROM missions_timesheet t
               JOIN a ON a.id = t.aesh_id WHERE t.state IN ('SUBMITTED', 'VALIDATED') AND t.week_start >= %(s)s
                 AND t.week_start <= %(d)s GROUP BY t.aesh_id),
        c AS (SELECT a.id, a.grp, a.training_due_date, ct.id AS contract, ct.end_date,
                     COALESCE(am.weekly_hours, ct.weekly_hours) AS weekly_hours,
                     COALESCE(am.contractual_quotite, ct.contractual_quotite) AS quotite,
                     COALESCE(am.referent_quotite, ct.referent_quotite) AS referent, u.used, tr.trained, cx.connexe
              FROM a LEFT JOIN ct ON ct.aesh_id = a.id LEFT JOIN am ON am.contract_id = ct.id
              LEFT JOIN u ON u.aesh_id = a.id LEFT JOIN tr ON tr.aesh_id = a.id LEFT JOIN cx ON cx.aesh_id = a.id)
        """
    else:
        sql = f"""
    WITH c AS (
        SELECT a.id, {group or '0'} AS grp, a.training_due_date, ct.id AS contract, ct.end_date,
               {amended('weekly_hours')} AS weekly_hours, {amended('contractual_quotite')} AS quotite,
               {amended('referent_quotite')} AS referent,
               (SELECT SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) FROM missions_timeslot ts
                WHERE ts.aesh_id = a.id AND ts.valid_from <= %(d)s
                  AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s)) AS used,
               (SELECT SUM(tr.hours) FROM aesh_training tr
                WHERE tr.aesh_id = a.id AND tr.kind = 'ADAPTATION') AS trained,
               (SELECT SUM(t.connexe_minutes + t.training_minutes) FROM missions_timesheet t
                WHERE t.aesh_id = a.id AND t.state IN ('SUBMITTED', 'VALIDATED') AND t.week_start >= %(s)s
                  AND t.week_start <= %(d)s) AS connexe
        FROM aesh_aesh a JOIN pial_pole p ON p.id = a.home_pole_id {contract}
        WHERE {where})
    """
    on = "contract IS NOT NULL"
    aggregates = f"""COUNT(contract), COALESCE(SUM(quotite) FILTER (WHERE {on}), 0),
        COUNT(*) FILTER (WHERE {on} AND referent > 0), COALESCE(SUM(referent) FILTER (WHERE {on} AND referent > 0), 0),
        COUNT(*) FILTER (WHERE {on} AND end_date >= %(d)s AND end_date <= %(e)s),
        COUNT(*) FILTER (WHERE {on} AND training_due_date < %(d)s AND COALESCE(trained, 0) < %(h)s),
        COUNT(*) FILTER (WHERE {on} AND training_due_date >= %(d)s),
        COALESCE(SUM(weekly_hours * 60) FILTER (WHERE {on}), 0), COALESCE(SUM(used) FILTER (WHERE {on}), 0),
        COALESCE(SUM(connexe), 0)"""
    names = ("grp",)
    select = (_grouped([("grp",), ()], names, aggregates, "c", having="COUNT(contract) > 0 OR {total}") if group
              else f"SELECT NULL, 1, {aggregates} FROM c")
    with connection.cursor() as cursor:
        cursor.execute(sql + select, {"d": day, "e": day + relativedelta(months=3), "h": required_training_hours,
                                      "s": rentree - datetime.timedelta(days=6)})
        rows = cursor.fetchall()
    found = {}
    for key, figures in _keyed(rows, names).items():
        values = dict(zip(AESH_KEYS, figures, strict=True))
        for k in ("quotite_sum", "referent_etp", "available_minutes"):
            values[k] = Decimal(str(values[k] or 0))
        for k in set(AESH_KEYS) - {"quotite_sum", "referent_etp", "available_minutes"}:
            values[k] = int(values[k] or 0)
        found[key[0][1] if key else TOTAL] = values
    return found


def weeks(level: str, territory: int | None, day: datetime.date, rentree: datetime.date) -> list[tuple]:
    """The territory week by week since the rentrée: students, waiting, notified and placed minutes."""
    sql = f"""SELECT w.week_start, SUM(w.students), SUM(w.waiting), SUM(w.notified_minutes), SUM(w.placed_minutes)
              FROM reports_weeklyfigure w JOIN pial_school sc ON sc.id = w.school_id
              WHERE {school_where(level, territory).replace('TRUE', '1 = 1')} AND w.week_start >= %(s)s
                AND w.week_start <= %(d)s GROUP BY w.week_start ORDER BY w.week_start"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": day, "s": rentree - datetime.timedelta(days=6)})
        return [(_as_date(w), *rest) for w, *rest in cursor.fetchall()]


def recourses(level: str, territory: int | None, day: datetime.date, rentree: datetime.date) -> dict:
    """Recourses since the rentrée per circonscription (per département nationally)."""
    if level == "pole":
        return {}
    if level == "national":
        sql = """SELECT d.id, COUNT(r.id) FROM pial_departement d LEFT JOIN pial_circonscription c
                 ON c.departement_id = d.id LEFT JOIN recourse_recourse r ON r.circonscription_id = c.id
                 AND r.created_at >= %(s)s AND r.created_at < %(e)s GROUP BY d.id"""
    else:
        where = f"c.id = {territory}" if level == "circonscription" else f"c.departement_id = {territory}"
        sql = f"""SELECT c.id, COUNT(r.id) FROM pial_circonscription c LEFT JOIN recourse_recourse r
                  ON r.circonscription_id = c.id AND r.created_at >= %(s)s AND r.created_at < %(e)s
                  WHERE {where} GROUP BY c.id"""
    zone = timezone.get_current_timezone()  # the report counts by local day
    start = datetime.datetime.combine(rentree, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"s": start, "e": end})
        return dict(cursor.fetchall())


def _as_date(value) -> datetime.date:
    return datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def report(level: str, territory: int | None, day: datetime.date, rentree: datetime.date, min_students: int,
           required_training_hours) -> dict:
    return {"students": students(level, territory, day, rentree, min_students),
            "aesh": aesh(level, territory, day, rentree, required_training_hours),
            "weeks": weeks(level, territory, day, rentree), "recourses": recourses(level, territory, day, rentree)}
