"""The embedded default (SQLite file, `make run`) serves a small team at once: no « database is locked ».

A real server in its own process on a scratch SQLite file, ten people logging in at the same time
and loading pages (each request writes its session: SESSION_SAVE_EVERY_REQUEST), from real threads.
"""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
USERS = 10
PASSWORD = "Concurrence-2026-sqlite"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory, django_db_setup, django_db_blocker):
    if connection.vendor != "sqlite":  # the server below runs on its own SQLite file either way
        pytest.skip("L'accès concurrent à la base embarquée se teste dans la passe SQLite (make test-fast).")
    db = tmp_path_factory.mktemp("sqlite") / "pial.sqlite3"
    # The server's file is a copy of the migrated test database (SQLite's online backup), not a
    # migration run of its own: the same schema in a fraction of the time.
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(db)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DATABASE_URL": f"sqlite:///{db}", "DEBUG": "1", "DEMO": "1", "PYTHONUNBUFFERED": "1"})
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "check": False}
    create = (
        "from pial.models import User\n"
        f"for i in range({USERS}):\n"
        f"    User.objects.create_user(email=f'equipe{{i}}@ac-test.fr', password={PASSWORD!r})\n"
    )
    created = subprocess.run([sys.executable, "manage.py", "shell", "-c", create], timeout=120, **run)
    assert created.returncode == 0, created.stderr
    port = _free_port()
    log = open(db.with_suffix(".log"), "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/comptes/login/", timeout=5).read()  # noqa: S310 - http to 127.0.0.1
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            pytest.fail("le serveur de développement n'a pas démarré")
        yield base, db
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _person(base: str, index: int, results: list, barrier: threading.Barrier):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    statuses = []

    def fetch(path, data=None):
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(  # noqa: S310 - http to 127.0.0.1
            f"{base}{path}", data=body, headers={"Referer": f"{base}/comptes/login/"}
        )
        try:
            with opener.open(request, timeout=60) as response:
                statuses.append(response.status)
                return response.read().decode()
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
            return error.read().decode(errors="replace")

    page = fetch("/comptes/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    barrier.wait(timeout=60)  # everyone presses « Se connecter » at the same moment
    fetch("/comptes/login/", {"csrfmiddlewaretoken": token, "login": f"equipe{index}@ac-test.fr", "password": PASSWORD})
    for _ in range(3):
        fetch("/")  # each page writes the session
    logged_in = any(cookie.name == "sessionid" for cookie in jar)
    results.append((index, statuses, logged_in))


def test_ten_people_log_in_and_write_at_once_without_a_server_error(sqlite_server):
    base, db = sqlite_server
    results: list = []
    barrier = threading.Barrier(USERS)
    threads = [threading.Thread(target=_person, args=(base, i, results, barrier)) for i in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    log = db.with_suffix(".log").read_text()
    assert len(results) == USERS, log[-3000:]
    for index, statuses, logged_in in results:
        assert all(status < 500 for status in statuses), (index, statuses, log[-3000:])
        assert logged_in, (index, statuses)
    assert "database is locked" not in log


def test_the_embedded_default_file_is_in_wal_mode(sqlite_server):
    _, db = sqlite_server
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
