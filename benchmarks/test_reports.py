"""Reports at scale: each report next to the bare SQL that computes the same figures.

`make bench` runs the département scale on SQLite; `make bench-pg` runs it on
PostgreSQL and adds the national scale there. For each report level the best of a
few runs of pial's report (ORM queries, confidentiality, assembly) is printed beside
the best of the bare SQL, with their ratio, and the first reading of the day, when the
secret statistique protects every unit of the territory (cold cache). Targets: ratio ≤
1.5 at national scale, the inspector's page under 300 ms at département scale.
"""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.core.cache import cache
from django.db import connection

from benchmarks import report_seed
from benchmarks.timing import best_ms, page_ms
from pial.enums import Role
from pial.models import Membership
from pial.scope import Scope
from pial.tests.factories import MembershipFactory
from reports.report import build, read_tree

DAY = datetime.date.today()


# --- The bare SQL: what a DBA would write for the same figures ----------------------------------------

def _vendor():
    pg = connection.vendor == "postgresql"
    return {"greatest": "GREATEST" if pg else "MAX", "least": "LEAST" if pg else "MIN",
            "median": "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY since)" if pg else "pial_median_disc(since)"}


def bare_students(where: str, group: str | None, day: datetime.date, rentree: datetime.date) -> list[tuple]:
    v = _vendor()
    grp = f"sc.{group}" if group else "0"
    sql = f"""
    WITH n AS (
        SELECT s.id AS student_id, s.ulis_id, {grp} AS grp, nt.aid_kind, nt.weekly_hours * 60 AS notified,
               nt.start_date
        FROM eleves_student s JOIN pial_school sc ON sc.id = s.school_id
        JOIN eleves_notification nt ON nt.student_id = s.id
        WHERE s.left_on IS NULL AND s.school_id IN (SELECT sc.id FROM pial_school sc WHERE {where})
          AND nt.state = 'NOTIFIED' AND nt.start_date <= %(d)s AND nt.end_date >= %(d)s),
    a AS (SELECT DISTINCT n.student_id FROM n JOIN missions_assignment asg ON asg.student_id = n.student_id
          WHERE asg.start_date <= %(d)s AND (asg.end_date IS NULL OR asg.end_date >= %(d)s)),
    p AS (SELECT n.student_id, SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS minutes
          FROM n JOIN missions_assignment asg ON asg.student_id = n.student_id
          JOIN missions_timeslot_assignments m ON m.assignment_id = asg.id
          JOIN missions_timeslot ts ON ts.id = m.timeslot_id
          WHERE ts.valid_from <= %(d)s AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s)
            AND asg.start_date <= %(d)s AND (asg.end_date IS NULL OR asg.end_date >= %(d)s)
          GROUP BY n.student_id),
    y AS (SELECT n.*, a.student_id IS NOT NULL AS assigned, COALESCE(p.minutes, 0) AS placed,
                 {v['greatest']}(n.start_date, %(r)s) AS since,
                 (a.student_id IS NULL OR (n.aid_kind = 'INDIVIDUELLE' AND COALESCE(p.minutes, 0) < n.notified))
                 AS waiting
          FROM n LEFT JOIN a ON a.student_id = n.student_id LEFT JOIN p ON p.student_id = n.student_id)
    SELECT grp, COUNT(*), COUNT(*) FILTER (WHERE aid_kind = 'INDIVIDUELLE'),
           COUNT(*) FILTER (WHERE aid_kind = 'MUTUALISEE'), COUNT(*) FILTER (WHERE ulis_id IS NOT NULL),
           SUM(CAST(notified AS INTEGER)) FILTER (WHERE aid_kind = 'INDIVIDUELLE'),
           SUM({v['least']}(placed, CAST(notified AS INTEGER))) FILTER (WHERE aid_kind = 'INDIVIDUELLE'),
           COUNT(*) FILTER (WHERE waiting), COUNT(*) FILTER (WHERE NOT assigned),
           COUNT(*) FILTER (WHERE assigned AND aid_kind = 'INDIVIDUELLE' AND placed < notified),
           {v['median']} FILTER (WHERE waiting), MIN(since) FILTER (WHERE waiting)
    FROM y GROUP BY grp"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": day, "r": rentree})
        return cursor.fetchall()


def bare_aesh(pole_where: str, group: str | None, day: datetime.date, rentree: datetime.date) -> list[tuple]:
    grp = f"p.{group}" if group else "0"
    in_three_months = day + datetime.timedelta(days=92)
    sql = f"""
    WITH c AS (
        SELECT a.id AS aesh_id, {grp} AS grp, a.training_due_date, ct.end_date, ct.weekly_hours,
               ct.contractual_quotite, ct.referent_quotite
        FROM aesh_aesh a JOIN pial_pole p ON p.id = a.home_pole_id
        JOIN aesh_contract ct ON ct.aesh_id = a.id AND ct.start_date <= %(d)s
             AND (ct.end_date IS NULL OR ct.end_date >= %(d)s)
        WHERE a.home_pole_id IN (SELECT p.id FROM pial_pole p WHERE {pole_where})),
    u AS (SELECT c.aesh_id, SUM(CASE WHEN ts.week = '' THEN ts.minutes ELSE ts.minutes / 2 END) AS used
          FROM c JOIN missions_timeslot ts ON ts.aesh_id = c.aesh_id
          WHERE ts.valid_from <= %(d)s AND (ts.valid_until IS NULL OR ts.valid_until >= %(d)s) GROUP BY c.aesh_id),
    t AS (SELECT c.aesh_id, SUM(tr.hours) AS hours FROM c JOIN aesh_training tr ON tr.aesh_id = c.aesh_id
          WHERE tr.kind = 'ADAPTATION' GROUP BY c.aesh_id)
    SELECT grp, COUNT(*), SUM(contractual_quotite), COUNT(*) FILTER (WHERE referent_quotite > 0),
           SUM(referent_quotite) FILTER (WHERE referent_quotite > 0),
           COUNT(*) FILTER (WHERE end_date >= %(d)s AND end_date <= %(e)s),
           COUNT(*) FILTER (WHERE training_due_date < %(d)s AND COALESCE(t.hours, 0) < 60),
           COUNT(*) FILTER (WHERE training_due_date >= %(d)s), SUM(weekly_hours * 60), SUM(COALESCE(u.used, 0))
    FROM c LEFT JOIN u ON u.aesh_id = c.aesh_id LEFT JOIN t ON t.aesh_id = c.aesh_id GROUP BY grp"""
    connexe = f"""
    SELECT {grp}, SUM(ts.connexe_minutes + ts.training_minutes) FROM missions_timesheet ts
    JOIN aesh_aesh a ON a.id = ts.aesh_id JOIN pial_pole p ON p.id = a.home_pole_id
    WHERE {pole_where} AND ts.state IN ('SUBMITTED', 'VALIDATED') AND ts.week_start >= %(s)s
      AND ts.week_start <= %(d)s GROUP BY 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": day, "e": in_three_months})
        rows = cursor.fetchall()
        cursor.execute(connexe, {"d": day, "s": rentree - datetime.timedelta(days=6)})
        return rows + cursor.fetchall()


def bare_evolution(where: str, day: datetime.date, rentree: datetime.date) -> list[tuple]:
    sql = f"""SELECT w.week_start, SUM(w.students), SUM(w.notified_minutes), SUM(w.placed_minutes), SUM(w.waiting)
              FROM reports_weeklyfigure w JOIN pial_school sc ON sc.id = w.school_id
              WHERE {where} AND w.week_start >= %(s)s AND w.week_start <= %(d)s GROUP BY w.week_start
              ORDER BY w.week_start"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": day, "s": rentree - datetime.timedelta(days=6)})
        return cursor.fetchall()


def bare_report(level: str, territory: int | None, day, rentree) -> dict:
    """Every figure of the report of that level: grouped rows, totals and the weeks."""
    school_where = {"pole": f"sc.pole_id = {territory}", "circonscription": f"sc.circonscription_id = {territory}",
                    "departement": f"sc.departement_id = {territory}", "national": "1 = 1"}[level]
    pole_where = {"pole": f"p.id = {territory}", "circonscription": f"p.circonscription_id = {territory}",
                  "departement": f"p.departement_id = {territory}", "national": "1 = 1"}[level]
    groups = {"pole": (["id"], None), "circonscription": (["pole_id", "id"], "id"),
              "departement": (["circonscription_id"], "circonscription_id"),
              "national": (["departement_id"], "departement_id")}[level]
    result = {"students": [bare_students(school_where, f"{g}" if g != "id" else "id", day, rentree) for g in groups[0]]}
    result["student_total"] = bare_students(school_where, None, day, rentree)
    result["aesh"] = bare_aesh(pole_where, groups[1], day, rentree)
    result["aesh_total"] = bare_aesh(pole_where, None, day, rentree)
    result["weeks"] = bare_evolution(school_where, day, rentree)
    return result


def scope_of(level: str, seeded: report_seed.Seeded) -> tuple[Scope, int | None]:
    if level == "national":
        return Scope.national(), None
    role, field, territory = {
        "pole": (Role.COORDINATOR, "pole_id", seeded.pole_id),
        "circonscription": (Role.INSPECTOR, "circonscription_id", seeded.circonscription_id),
        "departement": (Role.GESTIONNAIRE, "departement_id", seeded.departement_id),
    }[level]
    return Scope.of(Membership(role=role, **{field: territory})), territory


def compare(level: str, seeded: report_seed.Seeded, scale: str) -> float:
    scope, territory = scope_of(level, seeded)
    cache.clear()  # the first reader of the day protects every unit of their territory
    started = time.perf_counter()
    _, cold_tree = read_tree(scope, seeded.day)
    cold = (time.perf_counter() - started) * 1000
    cache.clear()
    started = time.perf_counter()
    report = build(scope, seeded.day)  # the day and every week of the year so far, protected
    cold_report = (time.perf_counter() - started) * 1000
    bare = bare_report(level, territory, seeded.day, seeded.rentree)
    total = bare["student_total"][0]
    assert (report.main.total.values["students"], report.main.total.values["waiting"]) == (total[1], total[7])
    assert report.main.total.values["placed_minutes"] == (total[6] or 0)
    assert report.aesh_table.total.values["headcount"] == bare["aesh_total"][0][1]
    ours = best_ms(lambda: build(scope, seeded.day))
    theirs = best_ms(lambda: bare_report(level, territory, seeded.day, seeded.rentree))
    ratio = ours / theirs
    print(f"\n[{scale}, {connection.vendor}] rapport {level:16} {ours:8.1f} ms · SQL nu {theirs:8.1f} ms · "
          f"ratio {ratio:4.2f} · à froid : arbre du jour {cold:7.0f} ms ({len(cold_tree.units)} unités, "
          f"{cold_tree.stats.get('solves', 0)} résolutions), rapport avec ses semaines {cold_report:7.0f} ms")
    return ratio


# --- The benchmarks --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def departement_scale(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seeded = report_seed.seed(report_seed.DEPARTEMENT, DAY)
        print(f"\n[département, {connection.vendor}] {seeded.rows} lignes en {seeded.seconds:.1f} s "
              f"({seeded.rows_per_second:,.0f} lignes/s)")
        inspector = MembershipFactory(user__email="bench-ien@ac-test.fr", role=Role.INSPECTOR, pole=None,
                                      circonscription_id=seeded.circonscription_id).user
    return seeded, inspector


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["pole", "circonscription", "departement", "national"])
def test_departement_scale(departement_scale, level):
    seeded, _ = departement_scale
    compare(level, seeded, "département")


@pytest.mark.django_db
def test_inspector_page_at_departement_scale(departement_scale, settings):
    _seeded, inspector = departement_scale
    settings.MFA_REQUIRED = False
    best = page_ms(inspector, "/rapports/", runs=5)
    print(f"\n[département, {connection.vendor}] page de l'inspecteur : {best:.0f} ms (objectif 300 ms)")
    assert best <= 300


@pytest.fixture(scope="module")
def national_scale(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("L'échelle nationale se mesure sur PostgreSQL : make bench-pg")
    if os.environ.get("PIAL_BENCH_NATIONAL", "1") == "0":
        pytest.skip("PIAL_BENCH_NATIONAL=0 : échelle nationale non demandée")
    with django_db_blocker.unblock():
        seeded = report_seed.seed(report_seed.NATIONAL, DAY, seed_value=7, base=20_000_000)
        print(f"\n[national, postgresql] {seeded.rows} lignes en {seeded.seconds:.1f} s "
              f"({seeded.rows_per_second:,.0f} lignes/s)")
    return seeded


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["pole", "circonscription", "departement", "national"])
def test_national_scale(national_scale, level):
    assert compare(level, national_scale, "national") <= 1.5
