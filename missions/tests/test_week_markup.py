"""The weekly grid written in Python (missions/templatetags/week_grid.py) writes, on the three pages
that share templates/missions/week.html, the very bytes the template's loops wrote: each page's
context rendered through the template as it was (week_before.html) and as it is."""

import datetime
from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse

from eleves.models import Ulis
from eleves.tests.factories import StudentFactory
from missions.models import Assignment, AssignmentKind, SlotKind, TimeSlot, WeekParity
from missions.tests.conftest import YEAR_END, YEAR_START

BEFORE = (Path(__file__).parent / "week_before.html").read_text()


@pytest.fixture
def week(team, world):
    """Every case of the grid: a student whose name needs escaping, a ULIS, two students on one slot,
    week A and B, a journey, a lunch with nobody, a day without a slot, a slot before 07:30."""
    aesh, school = team["aesh"], world.schools_a[0]
    odd = StudentFactory(school=school, first_name="Zoé <b>&", last_name="O'Hara \"x\"")
    ulis = Ulis.objects.create(school=world.schools_a[1], name="ULIS <Lune>")

    def assign(**kw):
        return Assignment.objects.create(aesh=aesh, start_date=YEAR_START, end_date=YEAR_END, **kw)

    a_odd, a_ulis = assign(student=odd, kind=AssignmentKind.INDIVIDUELLE), assign(ulis=ulis, kind=AssignmentKind.COLLECTIVE)
    a_bruno = assign(student=team["bruno"], kind=AssignmentKind.MUTUALISEE)

    def slot(weekday, start, end, assignments=(), **kw):
        s = TimeSlot.objects.create(aesh=aesh, weekday=weekday, start_time=datetime.time(*start),
                                    end_time=datetime.time(*end), school=kw.pop("school", school),
                                    valid_from=YEAR_START, **kw)
        s.assignments.set(assignments)

    slot(0, (7, 0), (8, 30), [team["assignment"]])
    slot(0, (8, 30), (11, 30), [a_odd, a_bruno], week=WeekParity.A)
    slot(0, (11, 30), (11, 45), kind=SlotKind.TRAVEL)
    slot(0, (12, 0), (13, 0), kind=SlotKind.LUNCH)
    slot(1, (14, 0), (16, 0), [a_ulis], school=world.schools_a[1], week=WeekParity.B)
    slot(3, (9, 0), (10, 0), [a_odd])
    return team


def _same_as_before(response):
    assert response.status_code == 200
    context = response.context[0].flatten()
    request = response.wsgi_request
    now = get_template("missions/week.html").render(context, request)
    before = engines["django"].from_string(BEFORE).render(context, request)
    assert now == before
    assert "pial-week__slot" in now
    return now


def test_my_week_writes_what_the_template_wrote(client_as, week):
    html = _same_as_before(client_as("aesh_a").get(reverse("missions:my_week")))
    assert "Zoé &lt;b&gt;&amp;" in html and "<b>&" not in html and "ULIS &lt;Lune&gt;" in html
    assert 'href="/eleves/' in html


def test_aesh_week_writes_what_the_template_wrote(client_as, week):
    html = _same_as_before(client_as("coordinator_a").get(reverse("missions:aesh_week", args=[week["aesh"].pk])))
    assert "csrfmiddlewaretoken" in html and "/modifier/" in html  # the coordinator's actions


def test_student_week_writes_what_the_template_wrote(client_as, week):
    _same_as_before(client_as("coordinator_a").get(reverse("missions:student_week", args=[week["alice"].pk])))


def test_an_empty_week_writes_what_the_template_wrote(client_as, team):
    response = client_as("aesh_a").get(reverse("missions:my_week"))
    context = response.context[0].flatten()
    assert get_template("missions/week.html").render(context, response.wsgi_request) == \
        engines["django"].from_string(BEFORE).render(context, response.wsgi_request)
