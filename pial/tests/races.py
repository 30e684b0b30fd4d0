"""Race tests (PostgreSQL, transactional): several requests or services at the same moment.

`at_once` runs the same attempt in several threads and holds each at one function until all
have reached it, so that none goes on before the others have read what it is about to change:
without a lock or a constraint, every attempt would succeed."""

import contextlib
import threading
from unittest import mock

from django.db import connection


def _wait(barrier: threading.Barrier) -> None:
    with contextlib.suppress(threading.BrokenBarrierError):  # a thread held by a lock comes later
        barrier.wait()


def at_once(count: int, attempt, *, holding, name: str, after: bool = False, timeout: float = 60) -> list:
    """What `attempt()` returned or raised in each of `count` threads, each held at
    `holding.name` (before calling it, or after it with `after=True`) until all are there."""
    real = getattr(holding, name)
    barrier = threading.Barrier(count, timeout=5)

    def held(*args, **kwargs):
        if not after:
            _wait(barrier)
        found = real(*args, **kwargs)
        if after:
            _wait(barrier)
        return found

    outcomes = []

    def run():
        try:
            outcomes.append(attempt())
        except Exception as error:
            outcomes.append(error)
        finally:
            connection.close()

    with mock.patch.object(holding, name, held):
        threads = [threading.Thread(target=run) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
    return outcomes
