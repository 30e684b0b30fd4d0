"""`default` on a primary of our own and `replica` on its streaming standby, for a test or a bench.

The machine's cluster refuses replication connections, so deploy/pgpair.py starts a pair of
throw-away clusters; the test database (migrated) is copied into the primary under its own
name and `default` points there until the block ends. `replica` is a connection of its own,
not an entry of DATABASES: a test case allows it (it was not configured when the test began)
and never flushes it (it is marked a mirror).
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend

from deploy import pgpair
from reports import db


def programs_or_skip() -> None:
    """PostgreSQL's server programs must be there; in CI (PIAL_REQUIRE_SERVICES=1) they must."""
    try:
        pgpair.bindir()
    except FileNotFoundError as missing:
        if os.environ.get("PIAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{missing} (PIAL_REQUIRE_SERVICES=1)")
        pytest.skip(str(missing))


def _pg_dump_into(primary: pgpair.Cluster, settings_dict: dict) -> None:
    """The test database copied into the pair's primary, under the same name."""
    name = settings_dict["NAME"]
    primary.psql(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    dump = subprocess.run(
        [str(pgpair.bindir() / "pg_dump"), "-h", settings_dict["HOST"] or "127.0.0.1",
         "-p", str(settings_dict["PORT"] or 5432), "-U", settings_dict["USER"] or "postgres", "--no-owner", name],
        check=True, capture_output=True, env=env, timeout=120)
    subprocess.run([str(pgpair.bindir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                    "-p", str(primary.port), "-U", "postgres", "-d", name], input=dump.stdout, check=True,
                   capture_output=True, timeout=120)


@contextlib.contextmanager
def default_on_pair():
    """Yields the started pgpair.Pair; both clusters stopped and removed afterwards."""
    programs_or_skip()
    base = Path(tempfile.mkdtemp(prefix="pial-replica-"))
    base.chmod(0o755)
    default = connections["default"]
    saved = copy.deepcopy(default.settings_dict)
    started = None
    try:
        started = pgpair.start_pair(base / "pair")
        _pg_dump_into(started.primary, saved)
        default.close()
        default.settings_dict.update(HOST="127.0.0.1", PORT=started.primary.port)
        replica = copy.deepcopy(saved)
        replica.update(HOST="127.0.0.1", PORT=started.replica.port, ATOMIC_REQUESTS=False,
                       TEST={**replica["TEST"], "MIRROR": "default"})
        replica["OPTIONS"] = {**replica.get("OPTIONS", {}), "connect_timeout": 1}
        connections["replica"] = load_backend(replica["ENGINE"]).DatabaseWrapper(replica, "replica")
        db.forget_health()
        yield started
    finally:
        db.forget_health()
        if db.replica_configured():
            connections["replica"].close()
            del connections["replica"]
        default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        if started is not None:
            started.replica.stop("immediate")
            started.primary.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)
