"""One waiting time: the dashboard and the report count it the same way, from the same start,
and both say how (« depuis le début de la notification en cours, ou depuis la rentrée »)."""

import datetime
import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from eleves.tests.factories import NotificationFactory, StudentFactory
from missions import selectors
from missions.tests.conftest import TODAY, YEAR_END, YEAR_START
from pial.models import SchoolYear

pytestmark = pytest.mark.django_db


def test_a_notification_older_than_the_rentree_waits_since_the_rentree_on_both_pages(client_as, world):
    SchoolYear.objects.create(name="2099-2100", start_date=YEAR_START, end_date=YEAR_END, is_current=True)
    student = StudentFactory(school=world.schools_a[0], first_name="Anaïs", last_name="Ancienne")
    NotificationFactory(student=student, start_date=YEAR_START - datetime.timedelta(days=400), end_date=YEAR_END,
                        weekly_hours=Decimal("6"))
    days = (TODAY - YEAR_START).days
    client = client_as("coordinator_a")
    dashboard = htmllib.unescape(client.get(reverse("missions:dashboard")).content.decode())
    row = dashboard.split("ANCIENNE Anaïs")[1].split("</tr>")[0]
    assert f"{YEAR_START:%d/%m/%Y}" in row and f"({days} j)" in row
    definition = f"ou depuis la rentrée (le {YEAR_START:%d/%m/%Y}) si la notification a commencé avant"
    assert definition in dashboard
    report = htmllib.unescape(client.get(reverse("reports:report")).content.decode())
    assert definition in report
    median = re.search(r"<dt>Attente médiane</dt><dd[^>]*>([^<]*)</dd>", report).group(1)
    assert median == f"{days} j"


def test_waiting_start_is_the_later_of_notification_and_rentree():
    rentree = datetime.date(2026, 9, 1)
    assert selectors.waiting_start(datetime.date(2025, 9, 1), rentree) == rentree
    assert selectors.waiting_start(datetime.date(2026, 10, 5), rentree) == datetime.date(2026, 10, 5)
