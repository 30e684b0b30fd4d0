"""make bench: the load and fault scenario (benchmarks/load/run.py) against gunicorn + PostgreSQL + Redis.

Skipped, with the reason printed, where PostgreSQL, Redis or locust are missing.
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.timing import SMOKE

RUN = Path(__file__).parent / "load" / "run.py"


def _missing() -> str | None:
    if importlib.util.find_spec("locust") is None:
        return "locust absent (requirements-bench.txt)"
    for tool in ("psql", "pg_isready", "redis-cli"):
        if shutil.which(tool) is None:
            return f"{tool} absent : la charge se mesure sur PostgreSQL et Redis"
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        return "PostgreSQL ne répond pas sur 127.0.0.1:5432"
    if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode != 0:
        return "Redis ne répond pas sur 127.0.0.1:6379"
    return None


def test_load_and_redis_outage():
    if SMOKE:
        pytest.skip("Mode smoke : la charge (gunicorn, locust) se mesure avec make bench-pg")
    reason = _missing()
    if reason:
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("load_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = module.main()
    for result in results:
        check = result["check"]
        # Every hand-in the server confirmed is in the database, once.
        assert check["handed_in"] == check["hand_ins_answered_by_server"] > 0, result["label"]
        assert check["duplicate_weeks"] == 0 and check["weeks_with_several_events"] == 0
        assert check["server_errors_5xx"] == 0, result["label"]
    outage = results[-1]
    assert any("Redis arrêté" in note and "répond 503" in note for note in outage["notes"])
    assert any("Redis relancé" in note and "répond 200" in note for note in outage["notes"])
