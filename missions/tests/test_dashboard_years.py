"""The pôle dashboard by school year (?annee=2026-2027): a past year reads its last day."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from pial import figures
from pial.models import SchoolYear
from pial.tests.helpers import count_queries

TODAY = datetime.date.today()


@pytest.fixture
def two_years(world):
    """Year N−1 (ended 100 days ago) and year N (today). In N−1: Alice notified 6 h, her AESH
    (20 h contract) placed 3 h with her; Bruno notified 4 h, nobody. In N: only Bruno, 4 h, with
    2 h placed by the same AESH (now 24 h)."""
    past = SchoolYear.objects.create(name="2025-2026", start_date=TODAY - datetime.timedelta(days=400),
                                     end_date=TODAY - datetime.timedelta(days=100))
    current = SchoolYear.objects.create(name="2026-2027", start_date=TODAY - datetime.timedelta(days=60),
                                        end_date=TODAY + datetime.timedelta(days=200), is_current=True)
    aesh = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=aesh, start_date=past.start_date, end_date=past.end_date, weekly_hours=Decimal("20"))
    ContractFactory(aesh=aesh, start_date=current.start_date, end_date=current.end_date, weekly_hours=Decimal("24"))
    alice = StudentFactory(school=world.schools_a[0], last_name="Bonnet")
    bruno = StudentFactory(school=world.schools_a[1], last_name="Carré")
    NotificationFactory(student=alice, start_date=past.start_date, end_date=past.end_date, weekly_hours=Decimal("6"))
    NotificationFactory(student=bruno, start_date=past.start_date, end_date=current.end_date,
                        weekly_hours=Decimal("4"))
    old = Assignment.objects.create(aesh=aesh, student=alice, kind=AssignmentKind.INDIVIDUELLE,
                                    start_date=past.start_date, end_date=past.end_date)
    slot = TimeSlot.objects.create(aesh=aesh, weekday=0, start_time=datetime.time(8, 30),
                                   end_time=datetime.time(11, 30), school=world.schools_a[0],
                                   valid_from=past.start_date, valid_until=past.end_date)
    slot.assignments.set([old])
    new = Assignment.objects.create(aesh=aesh, student=bruno, kind=AssignmentKind.INDIVIDUELLE,
                                    start_date=current.start_date, end_date=current.end_date)
    slot = TimeSlot.objects.create(aesh=aesh, weekday=1, start_time=datetime.time(9),
                                   end_time=datetime.time(11), school=world.schools_a[1],
                                   valid_from=current.start_date, valid_until=current.end_date)
    slot.assignments.set([new])
    return past, current


def totals(client, query=""):
    response = client.get(reverse("missions:dashboard") + query)
    assert response.status_code == 200
    return response.context["totals"], response


def test_past_year_shows_its_figures_on_its_last_day(client_as, two_years):
    past, current = two_years
    client = client_as("coordinator_a")
    now, _ = totals(client)
    # Year N: Bruno only, 4 h notified, 2 h placed (50 %), waiting (partial); 24 h of AESH, 2 h placed.
    assert (now.students, now.notified_minutes, now.assured_individual_minutes, now.waiting) == (1, 240, 120, 1)
    assert (now.coverage_percent, now.available_minutes, now.used_minutes) == (50, 24 * 60, 120)
    before, response = totals(client, f"?annee={past.name}")
    assert response.context["today"] == past.end_date
    # Year N−1 on its last day: Alice 6 h with 3 h placed, Bruno 4 h with none: 3 h of 10 h (30 %),
    # both waiting; 20 h of AESH, 3 h placed (15 %).
    assert (before.students, before.notified_minutes, before.assured_individual_minutes, before.waiting) == (
        2, 600, 180, 2)
    assert (before.coverage_percent, before.available_minutes, before.used_minutes, before.use_percent) == (
        30, 20 * 60, 180, 15)
    html = response.content.decode()
    assert "(année 2025-2026)" in html and '<option value="2025-2026" selected>' in html
    assert "Année scolaire" in html and ">Afficher</button>" in html
    same, _ = totals(client, f"?annee={current.name}")
    assert same == now


@pytest.mark.parametrize("value", ["1999-2000", "2026", "2026-2027x", "٢٠٢٦-٢٠٢٧", "x" * 300])
def test_unknown_or_malformed_year_says_so_in_french(client_as, two_years, value):
    now, response = totals(client_as("coordinator_a"))
    shown, response = totals(client_as("coordinator_a"), f"?annee={value}")
    assert shown == now
    assert "inconnue : choisissez une année de la liste" in response.content.decode()


def test_query_count_does_not_depend_on_the_year_or_the_data(client_as, two_years, world):
    """Computed (the figures renewed) or read from the cache, the same count whatever the year and the data."""
    past, current = two_years
    client = client_as("coordinator_a")
    url = reverse("missions:dashboard")
    client.get(url)

    def counts():
        found = {}
        for q in ("", f"?annee={past.name}", f"?annee={current.name}", "?annee=1999-2000"):
            figures.renew([figures.GLOBAL])
            found[q] = (count_queries(lambda q=q: client.get(url + q)), count_queries(lambda q=q: client.get(url + q)))
        return found

    small = counts()
    for _ in range(20):
        NotificationFactory(student=StudentFactory(school=world.schools_a[0]), start_date=past.start_date,
                            end_date=current.end_date)
    assert counts() == small
    assert len(set(small.values())) == 1
    computed, cached = small[""]
    assert cached < computed


@pytest.mark.parametrize("who,status", [("coordinator_a", 200), ("pilot_a", 200), ("coordinator_b", 200),
                                        ("aesh_a", 403), ("referent_a", 403), ("inspector_a", 403),
                                        ("gestionnaire", 403), ("norole", 403)])
def test_who_may_read_a_past_year(client_as, two_years, who, status):
    assert client_as(who).get(reverse("missions:dashboard") + "?annee=2025-2026").status_code == status


def test_another_pole_reads_nothing_of_ours_in_a_past_year(client_as, two_years):
    before, _ = totals(client_as("coordinator_b"), "?annee=2025-2026")
    assert (before.students, before.notified_minutes, before.aesh_count) == (0, 0, 0)
