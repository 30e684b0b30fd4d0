"""Speed targets of the busiest pages on one big pôle (2 000 students, 400 AESH).

Run with `make bench`; not part of `make test`. Each page is requested a few
times and the best time is compared with its target, on this machine's SQLite.
"""

import datetime
import os

import pytest
from django.utils import timezone

from aesh.enums import AbsenceReason
from aesh.models import Aesh
from benchmarks.cpu import FLOOR, against_floor
from benchmarks.timing import SMOKE, page_ms, within
from hours import services
from hours.enums import Attendance, ConnexeCategory, EntryKind
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



def _monday(weeks_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7 * weeks_ago)


def _last_week() -> str:
    return week_slug(_monday(1))


def _saved_week(user) -> str:
    """The AESH's week before last, opened and saved once as the page saves it (its first slot « AESH
    absent·e » with a motif, the others « assuré » their planned time, a connexe line and a comment):
    the normal path, come back to hand it in."""
    aesh = Aesh.objects.get(user=user)
    timesheet = services.timesheet_open(aesh=aesh, monday=_monday(2))
    slots = [e for e in timesheet.entries.all() if e.kind == EntryKind.SLOT]
    answers = {e.pk: services.SlotAnswer(Attendance.DONE, e.minutes) for e in slots[1:]}
    answers[slots[0].pk] = services.SlotAnswer(Attendance.AESH_ABSENT, 0, AbsenceReason.SICK_LEAVE)
    services.timesheet_save(timesheet=timesheet, slots=answers, connexe={ConnexeCategory.values[0]: 30},
                            comment="Semaine ordinaire.", version=timesheet.version)
    return timesheet.slug


# Goals of issue 23 in CPU against the framework floor (benchmarks/cpu.py), per role: every main
# page ≤ 2.5 × the floor, the AESH's week and its hand-in ≤ 2 × — a week never opened ("week", its
# pre-fill) and one saved once ("saved week", the normal path: open, fill, save, come back, hand in).
# Printed beside the measure, asserted when PIAL_BENCH_CPU_GOALS=1 (not yet met by every page: see README).
CPU_GOALS = {
    "coordinator": {"/missions/": 2.5, "/aesh/": 2.5, "/eleves/": 2.5, "/missions/heures/validation/": 2.5},
    "aesh": {"/missions/moi/": 2.0, "/missions/heures/": 2.5, "week": 2.0, "saved week": 2.0},
    "inspector": {"/rapports/": 2.5},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", CPU_GOALS)
def test_cpu_against_the_floor(big_pole, settings, role):
    settings.MFA_REQUIRED = False
    weeks = {"week": (_last_week, ""), "saved week": (lambda: _saved_week(big_pole[role]), " (enregistrée)")}
    goals, labels = {}, {}
    for page, goal in CPU_GOALS[role].items():
        slug, label = weeks.get(page, (None, ""))
        url = f"/missions/heures/semaine/{slug()}/" if slug else page
        goals[url], labels[url] = goal, url + label
    found = against_floor(big_pole[role], list(goals), rounds=2 if SMOKE else 15)
    floor_ms = found.pop(FLOOR)[0]
    print(f"\n{role} — plancher (gabarit de base, connecté·e) : {floor_ms:.1f} ms CPU")
    for url, (ms, ratio) in found.items():
        print(f"{labels[url]:50} {ms:7.1f} ms CPU · {ratio:4.1f} × le plancher (objectif {goals[url]} ×)")
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
