"""A week never opened, kept between the AESH's looks (hours.views._preview): the next GET reads its
lines from the cache, and what changes them — a slot, a student's or a school's name, an absence
period, the week opened, another day — shows on the next GET."""

import datetime

import time_machine

from aesh.enums import AbsenceReason
from aesh.models import Absence
from eleves.services import student_save
from hours import services
from hours.tests.test_hours import NOW, WEEK_B, _pinned_now, crew, week_url  # noqa: F401  (fixtures)
from missions.models import TimeSlot
from pial import figures
from pial.tests.helpers import count_queries

D = datetime.date


def _html(client) -> str:
    return client.get(week_url(WEEK_B)).content.decode()


def test_the_next_look_reads_the_lines_from_the_cache(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    figures.renew([figures.GLOBAL])
    read = count_queries(lambda: client.get(week_url(WEEK_B)))
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == read - 2  # the slots and their assignments


def test_a_slot_changed_shows_on_the_next_look(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    assert "08:30–11:30" in _html(client)
    TimeSlot.objects.filter(aesh=crew["lea"], weekday=0).update(end_time=datetime.time(12))
    assert "08:30–12:00" in _html(client)


def test_a_student_or_a_school_renamed_shows_on_the_next_look(client_as, crew, world):  # noqa: F811
    client = client_as("aesh_a")
    assert "BONNET Alice" in _html(client)
    alice = crew["alice"]
    alice.first_name = "Alicia"
    student_save(student=alice)  # renews the pôle of Alice's school, not the global version
    html = _html(client)
    assert "BONNET Alicia" in html and "BONNET Alice " not in html
    school = world.schools_a[0]
    school.name = "École Renommée"
    school.save()
    assert "École Renommée" in _html(client)


def test_an_absence_period_shows_and_is_read_each_time(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    _html(client)
    kept = count_queries(lambda: client.get(week_url(WEEK_B)))
    assert '<option value="TRAINING" selected>' not in _html(client)
    Absence.objects.create(aesh=crew["lea"], start_date=D(2026, 11, 17), end_date=D(2026, 11, 17),
                           reason=AbsenceReason.TRAINING)  # not a versioned table: known from the AESH's read
    assert '<option value="TRAINING" selected>' in _html(client)
    assert count_queries(lambda: client.get(week_url(WEEK_B))) >= kept + 2  # read each time
    Absence.objects.all().delete()
    assert '<option value="TRAINING" selected>' not in _html(client)


def test_the_week_opened_is_read_from_its_lines(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    _html(client)
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    assert f"slot-{sheet.entries.first().pk}-" in _html(client)


def test_another_day_reads_again(client_as, crew):  # noqa: F811
    """Today is in the key: the lines « à venir » are the days after today."""
    client = client_as("aesh_a")
    week = WEEK_B + datetime.timedelta(weeks=1)  # the current week (NOW is its Wednesday)
    url = week_url(week)
    before = client.get(url).content.decode().count("À venir")
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        after = client.get(url).content.decode().count("À venir")
    assert after == before - 1


def test_each_aesh_reads_their_own_week(client_as, crew):  # noqa: F811
    assert "BONNET Alice" in _html(client_as("aesh_a"))
    assert "BONNET Alice" not in _html(client_as("aesh_b"))
