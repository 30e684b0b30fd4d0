"""« Ma semaine » kept between an AESH's GETs (missions.views._my_week_cached): the next GET reads
it from the cache, and every write that changes what it shows makes the next GET read again —
through the services (the pôle versions they renew) or any other path (the global version)."""

import datetime

import pytest
from django.urls import reverse

from eleves.models import Ulis
from eleves.services import student_save
from eleves.tests.factories import StudentFactory
from missions import services
from missions.models import Assignment, AssignmentKind, TimeSlot
from missions.tests.conftest import YEAR_END, YEAR_START
from pial import figures
from pial.tests.helpers import count_queries

URL = reverse("missions:my_week")


@pytest.fixture
def slot(team, world):
    s = TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                                end_time=datetime.time(11, 30), school=world.schools_a[0], valid_from=YEAR_START,
                                valid_until=YEAR_END)
    s.assignments.set([team["assignment"]])
    return s


def _page(client) -> str:
    return client.get(URL).content.decode()


def test_the_next_get_reads_the_week_from_the_cache(client_as, slot):
    client = client_as("aesh_a")
    client.get(URL)
    figures.renew([figures.GLOBAL])  # what any write does
    read = count_queries(lambda: client.get(URL))
    kept = count_queries(lambda: client.get(URL))
    assert kept == read - 2  # the slots and their assignments, not read again
    assert "08:30–11:30" in _page(client)


def test_a_slot_saved_by_the_service_shows_on_the_next_get(client_as, world, team, slot):
    client = client_as("aesh_a")
    assert "08:30–11:30" in _page(client)
    slot.end_time = datetime.time(12)
    services.slot_save(slot=slot, assignments=[team["assignment"]], user=world.users["coordinator_a"], notify=False)
    html = _page(client)
    assert "08:30–12:00" in html and "08:30–11:30" not in html


def test_a_slot_written_any_other_way_shows_on_the_next_get(client_as, world, team, slot):
    client = client_as("aesh_a")
    assert "14:00–15:00" not in _page(client)
    TimeSlot.objects.create(aesh=team["aesh"], weekday=2, start_time=datetime.time(14), end_time=datetime.time(15),
                            school=world.schools_a[1], valid_from=YEAR_START)
    assert "14:00–15:00" in _page(client)
    TimeSlot.objects.filter(weekday=2, aesh=team["aesh"]).update(end_time=datetime.time(16))
    assert "14:00–16:00" in _page(client)


def test_an_assignment_added_shows_on_the_next_get(client_as, world, team, slot):
    client = client_as("aesh_a")
    assert "CARRÉ Bruno" not in _page(client)
    bruno = services.assignment_save(assignment=Assignment(
        aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE, start_date=YEAR_START,
        end_date=YEAR_END))
    slot.assignments.add(bruno)
    assert "CARRÉ Bruno" in _page(client)


def test_a_student_of_another_pole_renamed_shows_on_the_next_get(client_as, world, team, slot):
    """The student's school is in pôle B: their service renews pôle B's version (not A's, not the
    global one), which the AESH's entry names."""
    client = client_as("aesh_a")
    far = StudentFactory(school=world.schools_b[0], first_name="Jules", last_name="Loin")
    assignment = Assignment.objects.create(aesh=team["aesh"], student=far, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=YEAR_START, end_date=YEAR_END)
    slot.assignments.add(assignment)
    assert "LOIN Jules" in _page(client)
    _page(client)  # kept
    far.first_name = "Julie"
    student_save(student=far)
    html = _page(client)
    assert "LOIN Julie" in html and "LOIN Jules" not in html


def test_a_ulis_or_a_school_renamed_shows_on_the_next_get(client_as, world, team, slot):
    client = client_as("aesh_a")
    ulis = Ulis.objects.create(school=world.schools_a[1], name="ULIS Lune")
    slot.assignments.add(Assignment.objects.create(aesh=team["aesh"], ulis=ulis, kind=AssignmentKind.COLLECTIVE,
                                                   start_date=YEAR_START, end_date=YEAR_END))
    assert "ULIS Lune" in _page(client)
    ulis.name = "ULIS Soleil"
    ulis.save()
    assert "ULIS Soleil" in _page(client)
    school = world.schools_a[0]
    school.name = "École Renommée"
    school.save()
    assert "École Renommée" in _page(client)


def test_each_aesh_reads_their_own_week(client_as, world, team, slot):
    """The entry is the AESH's: another AESH's GET never reads it."""
    assert "BONNET Alice" in _page(client_as("aesh_a"))
    html = _page(client_as("aesh_b"))
    assert "BONNET Alice" not in html and "08:30–11:30" not in html


def test_another_day_is_read_not_kept(client_as, slot):
    client = client_as("aesh_a")
    url = URL + "?date=" + (YEAR_START + datetime.timedelta(days=7)).isoformat()
    client.get(url)
    client.get(URL)
    assert count_queries(lambda: client.get(url)) == count_queries(lambda: client.get(url))
    assert count_queries(lambda: client.get(url)) == count_queries(lambda: client.get(URL)) + 2
