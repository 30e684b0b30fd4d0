"""Speed targets of the busiest pages on one big pôle (2 000 pupils, 400 AESH).

Run with `make bench`; not part of `make test`. Each page is requested a few
times and the best time is compared with its target, on this machine's SQLite.
"""

import time

import pytest
from django.test import Client

TARGETS_MS = {
    "/missions/": 500,             # dashboard: coverage and waiting list, aggregated in SQL
    "/aesh/": 300,                 # AESH list with current terms, 25 a page
    "/aesh/?sort=fin&training_late=on": 300,
    "/eleves/": 300,               # pupil list with notification in force, 25 a page
    "/eleves/?without_notification=on": 300,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "target_ms"), TARGETS_MS.items())
def test_page_speed(big_pole, settings, url, target_ms):
    settings.MFA_REQUIRED = False
    client = Client()
    client.force_login(big_pole["coordinator"])
    assert client.get(url).status_code == 200
    best = min(_timed(client, url) for _ in range(3))
    print(f"\n{url:40} {best:7.0f} ms (objectif {target_ms} ms)")
    assert best <= target_ms


def _timed(client, url) -> float:
    start = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - start) * 1000
