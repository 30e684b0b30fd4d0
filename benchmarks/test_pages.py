"""Speed targets of the busiest pages on one big pôle (2 000 students, 400 AESH).

Run with `make bench`; not part of `make test`. Each page is requested a few
times and the best time is compared with its target, on this machine's SQLite.
"""

import datetime
import os

import pytest
from django.utils import timezone

from benchmarks.cpu import FLOOR, against_floor
from benchmarks.timing import SMOKE, page_ms, within
from hours.rules import week_slug

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
    assert within(best, target_ms)



def _last_week() -> str:
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    return week_slug(monday)


# Goals of issue 23 in CPU against the framework floor (benchmarks/cpu.py), per role: every main
# page ≤ 2.5 × the floor, the AESH's week and its hand-in ≤ 2 ×. Printed beside the measure,
# asserted when PIAL_BENCH_CPU_GOALS=1 (not yet met by every page: see README).
CPU_GOALS = {
    "coordinator": {"/missions/": 2.5, "/aesh/": 2.5, "/eleves/": 2.5, "/missions/heures/validation/": 2.5},
    "aesh": {"/missions/moi/": 2.0, "/missions/heures/": 2.5, "week": 2.0},
    "inspector": {"/rapports/": 2.5},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", CPU_GOALS)
def test_cpu_against_the_floor(big_pole, settings, role):
    settings.MFA_REQUIRED = False
    goals = {(f"/missions/heures/semaine/{_last_week()}/" if url == "week" else url): goal
             for url, goal in CPU_GOALS[role].items()}
    found = against_floor(big_pole[role], list(goals), rounds=2 if SMOKE else 15)
    floor_ms = found.pop(FLOOR)[0]
    print(f"\n{role} — plancher (gabarit de base, connecté·e) : {floor_ms:.1f} ms CPU")
    for url, (ms, ratio) in found.items():
        print(f"{url:40} {ms:7.1f} ms CPU · {ratio:4.1f} × le plancher (objectif {goals[url]} ×)")
    if os.environ.get("PIAL_BENCH_CPU_GOALS") == "1":
        assert all(ratio <= goals[url] for url, (_, ratio) in found.items())


# The coordinator's lists with their filters applied (issue 23: /aesh/ and /eleves/ at ≤ 2.5 ×,
# filtered as well as not). Printed only; the goal is asserted on the bare lists above.
LIST_PAGES = ["/aesh/", "/aesh/?sort=fin&training_late=on", "/eleves/", "/eleves/?without_notification=on"]


@pytest.mark.django_db
def test_cpu_of_the_filtered_lists(big_pole, settings):
    settings.MFA_REQUIRED = False
    found = against_floor(big_pole["coordinator"], LIST_PAGES, rounds=4 if SMOKE else 15)
    floor_ms = found.pop(FLOOR)[0]
    print(f"\ncoordinator, listes filtrées — plancher : {floor_ms:.1f} ms CPU")
    for url, (ms, ratio) in found.items():
        print(f"{url:40} {ms:7.1f} ms CPU · {ratio:4.1f} × le plancher (objectif 2.5 ×)")
