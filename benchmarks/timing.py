"""Timing helpers of the benchmarks: the best of a few runs, in milliseconds."""

import os
import time

from django.test import Client

# CI's smoke run (make bench-smoke): tiny scales, every equality check, no timing goal.
SMOKE = os.environ.get("PIAL_BENCH_SMOKE") == "1"


def analyze() -> None:
    """Fresh planner statistics after a bulk seed (autovacuum may be off, or not yet run)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def within(value: float, goal: float) -> bool:
    """A timing goal, held except in the smoke run (a loaded CI machine times nothing)."""
    return SMOKE or value <= goal


def best_ms(function, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(1 if SMOKE else runs):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def page_ms(user, url: str, runs: int = 3) -> float:
    """A page as `user` sees it, once to warm up (it must answer 200), then timed."""
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200, url
    return best_ms(lambda: client.get(url), runs)
