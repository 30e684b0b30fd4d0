"""Reports by year (?annee=) and the rentrée of N beside N−1, on hand-computed figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from pial.models import SchoolYear
from pial.scope import Scope
from reports.years import compare

TODAY = timezone.localdate()
D = datetime.timedelta


@pytest.fixture
def two_years(world):
    previous = SchoolYear.objects.create(name="2025-2026", start_date=TODAY - D(days=455), end_date=TODAY - D(days=300))
    current = SchoolYear.objects.create(name="2026-2027", start_date=TODAY - D(days=90), end_date=TODAY + D(days=200),
                                        is_current=True)
    school = world.schools_a[0]
    aesh = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=aesh, start_date=TODAY - D(days=600), end_date=TODAY + D(days=600),
                    weekly_hours=Decimal("24"))
    a = StudentFactory(school=school)
    NotificationFactory(student=a, start_date=TODAY - D(days=500), end_date=TODAY + D(days=500),
                        weekly_hours=Decimal("6"))
    b = StudentFactory(school=school)
    NotificationFactory(student=b, start_date=current.start_date, end_date=TODAY + D(days=500),
                        weekly_hours=Decimal("6"))
    last = Assignment.objects.create(aesh=aesh, student=a, kind=AssignmentKind.INDIVIDUELLE,
                                     start_date=previous.start_date, end_date=previous.end_date)
    this = Assignment.objects.create(aesh=aesh, student=a, kind=AssignmentKind.INDIVIDUELLE,
                                     start_date=current.start_date)
    # N−1: 2 × 3 h placed for A's 6 h; N: 3 h placed for A, nothing for B.
    for day, assignment, start, until in ((0, last, previous.start_date, previous.end_date),
                                          (1, last, previous.start_date, previous.end_date),
                                          (0, this, current.start_date, None)):
        slot = TimeSlot.objects.create(aesh=aesh, weekday=day, start_time=datetime.time(8, 30),
                                       end_time=datetime.time(11, 30), school=school, valid_from=start,
                                       valid_until=until)
        slot.assignments.set([assignment])
    return previous, current


def test_comparison_on_hand_computed_figures(world, two_years):
    _previous, current = two_years
    scope = Scope.of(world.users["coordinator_a"].memberships.get())  # the pôle reads its own figures whole
    result = compare(scope, current, TODAY)
    rows = {label: (now.value, before.value) for label, now, before in result.rows}
    assert rows["Taux de couverture"] == (25, 100)   # 3 h / 12 h notified; 6 h / 6 h
    assert rows["Élèves en attente"] == (2, 0)        # A under-covered, B without AESH; nobody in N−1
    assert rows["AESH sous contrat"] == (1, 1)
    assert 'role="img"' in result.chart and "2025-2026 : 100" in result.chart


def test_no_comparison_without_previous_year_or_before_a_month(world, two_years):
    previous, current = two_years
    assert compare(Scope.national(), previous, TODAY) is None
    assert compare(Scope.national(), current, current.start_date + D(days=10)) is None


def test_report_page_by_year(client_as, world, two_years):
    previous, _current = two_years
    client = client_as("coordinator_a")
    html = client.get(reverse("reports:report")).content.decode()
    assert "comparée à la rentrée 2025-2026" in html
    old = client.get(reverse("reports:report") + f"?annee={previous.name}").content.decode()
    assert "comparée à la rentrée" not in old and f"{previous.end_date.day}" in old
    assert client.get(reverse("reports:report") + "?annee=n'importe").status_code == 200


@pytest.mark.parametrize("value,message", [
    ("2027-2028", "L'année scolaire 2027-2028 n'a pas encore commencé : un rapport ne porte que sur des jours passés. "
                  "Voici l'année en cours."),
    ("junk", "Année scolaire « junk » inconnue : choisissez une année de la liste (au format 2026-2027). "
             "Voici l'année en cours."),
])
def test_report_of_a_year_unknown_or_not_begun_says_so(client_as, world, two_years, value, message):
    from django.utils.html import escape

    _previous, current = two_years
    SchoolYear.objects.create(name="2027-2028", start_date=current.end_date + D(days=60),
                              end_date=current.end_date + D(days=365))
    client = client_as("coordinator_a")
    html = client.get(reverse("reports:report"), {"annee": value}).content.decode()
    assert escape(message) in html and 'role="alert"' in html
    assert f'<option value="{current.name}" selected>' in html                 # the current year is shown
    assert escape(message) not in client.get(reverse("reports:report")).content.decode()
    response = client.get(reverse("reports:export", args=["csv"]), {"annee": value})
    assert response.status_code == 200                                          # the export ignores it…
    assert escape(message) in client.get(reverse("reports:report")).content.decode()  # …and the next page says why
