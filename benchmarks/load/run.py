"""Load and faults against the production shape: gunicorn + PostgreSQL + Redis, on 127.0.0.1 only.

    python benchmarks/load/run.py            (make bench runs it through benchmarks/test_load.py)

1. A database of its own (pial_load), migrated, with one pôle: 200 AESH (a contract, a
   timetabled student, TOTP enrolled) and 20 coordinators, each with a ready session.
2. gunicorn with 1 worker, then 2 workers; locust (headless) plays 200 AESH opening their
   week and handing it in once, and 20 coordinators browsing, for LOAD_SECONDS each.
3. A third run with 2 workers in which Redis is stopped for the middle third.
4. After each run: every hand-in is in the database exactly once.
It prints p50/p95/p99 per page and the errors, and writes var/load/results.md.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "load"
BIN = Path(sys.executable).parent
PG_ROOT = os.environ.get("PIAL_LOAD_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "pial_load"
REDIS_URL = os.environ.get("PIAL_LOAD_REDIS", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("PIAL_LOAD_PORT", "8765"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
AESH_USERS, COORDINATORS = 200, 20
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]

ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG_ROOT}/{DB_NAME}", "REDIS_URL": REDIS_URL, "DEBUG": "0",
    "SECRET_KEY": "load-bench-only-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "SECURE_COOKIES": "0",
    "STATIC_ROOT": str(OUT / "static"), "PIAL_VAR_DIR": str(OUT / "var"), "LOG_LEVEL": "WARNING",
    "DATABASE_CONN_MAX_AGE": "60", "BIND": f"127.0.0.1:{PORT}", "SESSION_IDLE_MINUTES": "240",
}


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, env=ENV, cwd=ROOT, **kwargs)


def prepare() -> Path:
    """Fresh database, migrations, static files, and the people of the scenario."""
    OUT.mkdir(parents=True, exist_ok=True)
    psql = ["psql", f"{PG_ROOT}/postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True, capture_output=True)
    subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True, capture_output=True)
    sh(BIN / "python", "manage.py", "migrate", "--noinput", stdout=subprocess.DEVNULL)
    sh(BIN / "python", "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    plan = OUT / "plan.json"
    sh(BIN / "python", __file__, "--seed", plan)
    return plan


def seed(plan_path: str) -> None:
    """Runs in a child process with the load environment: the ORM on pial_load."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pial.settings")
    import django

    django.setup()
    from decimal import Decimal

    from allauth.mfa.adapter import get_adapter as get_mfa_adapter
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from aesh.models import Aesh, Contract
    from eleves.models import Notification, Student
    from hours.rules import week_slug
    from missions.models import Assignment, TimeSlot
    from pial.calendar import is_day_off
    from pial.enums import Role
    from pial.models import Circonscription, Departement, Membership, Pole, School, User

    today = datetime.date.today()
    start, end = today - datetime.timedelta(days=80), today + datetime.timedelta(days=200)
    dep = Departement.objects.create(code="35", name="Ille-et-Vilaine")
    circ = Circonscription.objects.create(departement=dep, name="Rennes Nord")
    pole = Pole.objects.create(name="PIAL de charge", departement=dep, circonscription=circ)
    schools = School.objects.bulk_create(School(uai=f"0350{i:03d}A", name=f"École {i}", pole=pole, zone="B",
                                                departement=dep,
                                                circonscription=circ) for i in range(10))
    users = User.objects.bulk_create(
        [User(email=f"aesh{i}@charge.fr") for i in range(AESH_USERS)]
        + [User(email=f"coordo{i}@charge.fr") for i in range(COORDINATORS)])
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_update(users, ["password"])
    aesh_users, coordinator_users = users[:AESH_USERS], users[AESH_USERS:]
    Membership.objects.bulk_create([Membership(user=u, role=Role.AESH, pole=pole) for u in aesh_users]
                                   + [Membership(user=u, role=Role.COORDINATOR, pole=pole)
                                      for u in coordinator_users])
    secret = get_mfa_adapter().encrypt("JBSWY3DPEHPK3PXP")
    Authenticator.objects.bulk_create(Authenticator(user=u, type=Authenticator.Type.TOTP, data={"secret": secret})
                                      for u in users)
    aesh = Aesh.objects.bulk_create(Aesh(first_name="Camille", last_name=f"Agent{i:03d}", email=u.email, user=u,
                                         home_pole=pole) for i, u in enumerate(aesh_users))
    Contract.objects.bulk_create(Contract(aesh=a, kind="CDD", start_date=start, end_date=end, weekly_hours=Decimal(24),
                                          weeks=41, annual_base=1607, contractual_quotite=62) for a in aesh)
    students = Student.objects.bulk_create(Student(first_name="Lou", last_name=f"Eleve{i:03d}", school=schools[i % 10],
                                                 birth_date=datetime.date(2015, 1, 1) + datetime.timedelta(days=i),
                                                 level="CE1") for i in range(AESH_USERS))
    Notification.objects.bulk_create(Notification(student=p, start_date=start, end_date=end, aid_kind="INDIVIDUELLE",
                                                  weekly_hours=Decimal(6), state="NOTIFIED") for p in students)
    assignments = Assignment.objects.bulk_create(
        Assignment(aesh=a, student=p, kind="INDIVIDUELLE", start_date=start, end_date=end)
        for a, p in zip(aesh, students, strict=True))
    slots = TimeSlot.objects.bulk_create(
        TimeSlot(aesh=a.aesh, weekday=day, start_time=datetime.time(8, 30), end_time=datetime.time(11, 30),
                 school=a.student.school, valid_from=start, valid_until=end, minutes=180)
        for a in assignments for day in (0, 3))
    TimeSlot.assignments.through.objects.bulk_create(
        TimeSlot.assignments.through(timeslot=s, assignment=assignments[i // 2]) for i, s in enumerate(slots))

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    monday = today - datetime.timedelta(days=today.weekday() + 7)
    while is_day_off(monday, "B"):
        monday -= datetime.timedelta(weeks=1)
    plan = {"week_slug": week_slug(monday), "week_start": monday.isoformat(),
            "aesh": [{"session": session_for(u), "aesh_id": a.pk} for u, a in zip(aesh_users, aesh, strict=True)],
            "coordinators": [session_for(u) for u in coordinator_users]}
    Path(plan_path).write_text(json.dumps(plan))


def wait_for(url: str, timeout: float = 30) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} ne répond pas")


def health(timeout: float = 20) -> int:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=timeout).status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def redis_up() -> bool:
    return subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True).stdout.strip() == "PONG"


def run(label: str, workers: int, plan: Path, redis_outage: bool = False) -> dict:
    sh(BIN / "python", "-c", "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()")
    sh(BIN / "python", "-c", """
import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pial.settings'); django.setup()
from hours.models import Timesheet; Timesheet.objects.all().delete()""")
    log = open(OUT / f"gunicorn-{label}.log", "w")  # noqa: SIM115
    server = subprocess.Popen([BIN / "gunicorn", "pial.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT,
                              env={**ENV, "WEB_CONCURRENCY": str(workers)}, stdout=log, stderr=log)
    notes = []
    try:
        wait_for(f"http://127.0.0.1:{PORT}/healthz")
        locust = subprocess.Popen(
            [BIN / "locust", "-f", ROOT / "benchmarks/load/locustfile.py", "--headless", "-u",
             str(AESH_USERS + COORDINATORS), "-r", "40", "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{PORT}",
             "--csv", OUT / label, "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env={**ENV, "PIAL_LOAD_PLAN": str(plan)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if redis_outage:
            time.sleep(SECONDS / 3)
            subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
            time.sleep(2)
            notes.append(f"Redis arrêté à {SECONDS // 3} s : /healthz répond {health()}")
            time.sleep(SECONDS / 3 - 2)
            Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
            Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
            subprocess.run(REDIS_START, capture_output=True)
            for _ in range(20):
                if redis_up():
                    break
                time.sleep(0.5)
            time.sleep(1)
            notes.append(f"Redis relancé à {2 * SECONDS // 3} s : /healthz répond {health()}")
        locust.wait(timeout=SECONDS + 60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    check = check_hand_ins(plan)
    served = [json.loads(line) for line in (OUT / f"gunicorn-{label}.log").read_text().splitlines()
              if line.startswith('{"time"') and '"pid": "' in line]
    check["hand_ins_answered_by_server"] = sum(1 for r in served if r["method"] == "POST" and r["status"] == 302)
    check["server_requests"] = len(served)
    check["server_mean_ms"] = round(sum(r["duration_ms"] for r in served) / max(len(served), 1))
    # /healthz answers 503 on purpose while Redis is down: that is the balancer's signal, not a failure.
    check["server_errors_5xx"] = sum(1 for r in served if r["status"] >= 500 and r["path"] != "/healthz")
    return {"label": label, "workers": workers, "stats": read_stats(OUT / f"{label}_stats.csv"),
            "check": check, "notes": notes}


def read_stats(path: Path) -> list[dict]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def check_hand_ins(plan: Path) -> dict:
    """Each week handed in exactly once: one week per AESH, one « transmise » event per week."""
    out = subprocess.run([BIN / "python", "-c", """
import os, json, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pial.settings'); django.setup()
from django.db.models import Count
from hours.models import Timesheet, TimesheetEvent
weeks = Timesheet.objects.filter(state__in=['SUBMITTED', 'VALIDATED'])
per_aesh = Timesheet.objects.values('aesh_id', 'week_start').annotate(n=Count('id')).filter(n__gt=1).count()
events = TimesheetEvent.objects.filter(action='SUBMITTED').values('timesheet_id').annotate(n=Count('id'))
print(json.dumps({'handed_in': weeks.count(), 'duplicate_weeks': per_aesh,
                  'weeks_with_one_event': sum(1 for e in events if e['n'] == 1),
                  'weeks_with_several_events': sum(1 for e in events if e['n'] > 1)}))"""],
                         env=ENV, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: list[dict]) -> str:
    names = [row["Name"] for row in results[0]["stats"] if row["Name"] != "Aggregated"] + ["Aggregated"]
    header = "| page | " + " | ".join(f"{r['label']} : p50 / p95 / p99 (ms), échecs/requêtes" for r in results) + " |"
    lines = [header, "|---|" + "---|" * len(results)]
    for name in names:
        cells = []
        for result in results:
            row = next((r for r in result["stats"] if r["Name"] == name), None)
            cells.append("—" if row is None else
                         f"{row['50%']} / {row['95%']} / {row['99%']}, {row['Failure Count']}/{row['Request Count']}")
        lines.append(f"| {'ensemble' if name == 'Aggregated' else name} | " + " | ".join(cells) + " |")
    rates = [next(r for r in result["stats"] if r["Name"] == "Aggregated")["Requests/s"] for result in results]
    lines.append("| requêtes par seconde | " + " | ".join(f"{float(rate):.1f}" for rate in rates) + " |")
    return "\n".join(lines)


def main() -> list[dict]:
    for tool in ("psql", "redis-cli"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} absent : le banc de charge a besoin de PostgreSQL et de Redis")
    plan = prepare()
    runs = [("1 worker", 1, False), ("2 workers", 2, False), ("2 workers, Redis coupé", 2, True)]
    only = os.environ.get("LOAD_RUNS")  # e.g. "1" for the first run alone, while developing
    results = [run(label, workers, plan, outage) for label, workers, outage in runs[: int(only) if only else 3]]
    report = [f"Charge : {AESH_USERS} AESH + {COORDINATORS} coordinations, {SECONDS} s par essai, "
              f"gunicorn + PostgreSQL + Redis sur 127.0.0.1, {os.cpu_count()} cœurs.", "", table(results), ""]
    for result in results:
        report.append(f"- {result['label']} : {json.dumps(result['check'], ensure_ascii=False)}"
                      + "".join(f" ; {note}" for note in result["notes"]))
    text = "\n".join(report)
    (OUT / "results.md").write_text(text + "\n")
    print(text)
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--seed":
        seed(sys.argv[2])
    else:
        main()
