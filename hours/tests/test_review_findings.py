"""Findings of the adversarial review (helper « review »), kept as strict xfails until fixed."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from aesh.models import Contract
from aesh.tests.factories import ContractFactory
from hours import selectors, services
from hours.tests.test_hours import NOW, WEEK_B, crew  # noqa: F401 (fixture)
from pial.models import SchoolYear
from pial.scope import Scope

D = datetime.date


@pytest.fixture(autouse=True)
def _pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_last_years_balances_do_not_count_this_years_week_to_validate(crew, world):  # noqa: F811
    last = SchoolYear.objects.create(name="2025-2026", start_date=D(2025, 9, 1), end_date=D(2026, 7, 4))
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)   # November 2026: this year
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    rows = {a.pk: a for a in selectors.pole_balances(Scope.national(), last, D(2026, 11, 25))}
    assert rows[crew["lea"].pk].weeks_declared == 0
    assert rows[crew["lea"].pk].weeks_waiting == 0   # « À valider » of 2025-2026 shows 1


def test_last_years_balances_show_the_weekly_hours_of_that_years_end(crew, world):  # noqa: F811
    last = SchoolYear.objects.create(name="2025-2026", start_date=D(2025, 9, 1), end_date=D(2026, 7, 4))
    Contract.objects.filter(aesh=crew["noe"]).update(end_date=D(2026, 8, 31), weekly_hours=Decimal(20))
    ContractFactory(aesh=crew["noe"], start_date=D(2026, 9, 1), weekly_hours=Decimal(24))
    rows = {a.pk: a for a in selectors.pole_balances(Scope.national(), last, D(2026, 11, 25))}
    assert rows[crew["noe"].pk].weekly_hours_now == 20          # the terms of 4 July 2026, not today's 24 h
    rows = {a.pk: a for a in selectors.pole_balances(Scope.national(), SchoolYear.objects.current(), D(2026, 11, 25))}
    assert rows[crew["noe"].pk].weekly_hours_now == 24
