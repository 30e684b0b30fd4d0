"""Durations on the coordinator's pages are written like everywhere else (« 30 min / sem. », « 39 h 12 »)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.tests.conftest import YEAR_END, YEAR_START

pytestmark = pytest.mark.django_db


def test_a_thirty_minute_shortfall_reads_30_min_not_0_h(client_as, world):
    student = StudentFactory(school=world.schools_a[0], first_name="Zoé", last_name="Demi")
    NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("0.5"))
    html = client_as("coordinator_a").get(reverse("missions:dashboard")).content.decode()
    row = html.split("DEMI Zoé")[1].split("</tr>")[0]
    assert "30 min / sem." in row and "0 h / sem." not in row
    assert "Individuelle · 30 min" in row


def test_a_contract_of_39_20_hours_reads_39_h_12(client_as, world):
    aesh = AeshFactory(home_pole=world.pole_a, first_name="Inès", last_name="Horaire")
    ContractFactory(aesh=aesh, start_date=YEAR_START - datetime.timedelta(days=30),
                    end_date=YEAR_END, weekly_hours=Decimal("39.20"))
    html = client_as("coordinator_a").get(reverse("aesh:detail", args=[aesh.pk])).content.decode()
    assert "39 h 12" in html and "39,2 h" not in html and "39,20" not in html
