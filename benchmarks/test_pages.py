"""Speed targets of the busiest pages on one big pôle (2 000 students, 400 AESH).

Run with `make bench`; not part of `make test`. Each page is requested a few
times and the best time is compared with its target, on this machine's SQLite.
"""

import pytest

from benchmarks.timing import page_ms

TARGETS_MS = {
    "/missions/": 500,             # dashboard: coverage and waiting list, aggregated in SQL
    "/aesh/": 300,                 # AESH list with current terms, 25 a page
    "/aesh/?sort=fin&training_late=on": 300,
    "/eleves/": 300,               # student list with notification in force, 25 a page
    "/eleves/?without_notification=on": 300,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "target_ms"), TARGETS_MS.items())
def test_page_speed(big_pole, settings, url, target_ms):
    settings.MFA_REQUIRED = False
    best = page_ms(big_pole["coordinator"], url)
    print(f"\n{url:40} {best:7.0f} ms (objectif {target_ms} ms)")
    assert best <= target_ms

