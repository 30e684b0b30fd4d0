"""The report of pôle B while the AESH of pôle A hand in weeks (a Monday morning): how many of
pôle B's reports are served from the cache (reports.page_cache), and their CPU against the
framework floor (benchmarks.cpu), beside the report of pôle A, which every hand-in changes.

Each round: one AESH of pôle A hands in a week (hours.services.timesheet_submit), then each
reader asks for their report. Printed: hits / rounds and the median CPU ratio to the floor."""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aesh.tests.factories import AeshFactory, ContractFactory
from benchmarks.cpu import FLOOR, cpu_ms
from benchmarks.timing import SMOKE
from eleves.tests.factories import NotificationFactory, StudentFactory
from hours import services as hours_services
from hours.rules import monday_of
from hours.tests.factories import TimesheetFactory

pytestmark = pytest.mark.django_db
ROUNDS = 4 if SMOKE else 20
URL = "/rapports/"


def _seed(world):
    for pole, schools in ((world.pole_a, world.schools_a), (world.pole_b, world.schools_b)):
        for index in range(6):
            student = StudentFactory(school=schools[index % len(schools)], first_name=f"Élève{index}")
            NotificationFactory(student=student, start_date=datetime.date(2026, 9, 1),
                                end_date=datetime.date(2027, 8, 31), weekly_hours=Decimal(6))
        for _ in range(3):
            ContractFactory(aesh=AeshFactory(home_pole=pole))
    writer = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=writer)
    last = monday_of(timezone.localdate()) - datetime.timedelta(days=7)
    return [TimesheetFactory(aesh=writer, week_start=last - datetime.timedelta(days=7 * k)) for k in range(ROUNDS)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_of_a_pole_while_another_poles_aesh_hand_in(world):
    weeks = _seed(world)
    readers = {"pôle B (autre pôle)": _client(world.users["coordinator_b"]),
               "pôle A (celui des remises)": _client(world.users["coordinator_a"])}
    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        floor_client = _client(world.users["coordinator_b"])
        cached_queries = {}
        for name, client in readers.items():
            cpu_ms(client, URL)
            with CaptureQueriesContext(connection) as queries:
                cpu_ms(client, URL)  # from the cache
            cached_queries[name] = len(queries)
        cpu_ms(floor_client, FLOOR)
        floor, spent, hits = [], {name: [] for name in readers}, dict.fromkeys(readers, 0)
        for timesheet in weeks:
            started = time.process_time()
            hours_services.timesheet_submit(timesheet=timesheet, user=None)
            spent.setdefault("remise", []).append((time.process_time() - started) * 1000)
            for name, client in readers.items():
                floor.append(cpu_ms(floor_client, FLOOR))
                with CaptureQueriesContext(connection) as queries:
                    spent[name].append(cpu_ms(client, URL))
                hits[name] += len(queries) <= cached_queries[name]
    base = statistics.median(floor)
    print(f"\nfloor {base:.2f} ms; hand-in {statistics.median(spent['remise']):.2f} ms")
    for name in readers:
        median = statistics.median(spent[name])
        print(f"report {name}: {hits[name]}/{len(weeks)} from the cache, median {median:.2f} ms = "
              f"{median / base:.2f}x the floor")
    assert hits["pôle A (celui des remises)"] == 0  # every hand-in changes pôle A's report
