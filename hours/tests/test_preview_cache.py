"""A week never opened, kept between the AESH's looks (hours.views._preview_page): the next GET reads
its page content from the cache, and what changes it — a slot, a student's or a school's name, an
absence period, the week opened, another day — shows on the next GET; what is the request's in it
(the CSRF token, the added activity's token) is new on each look."""

import datetime
import re

import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from aesh.enums import AbsenceReason
from aesh.models import Absence
from eleves.services import student_save
from hours import services, views
from hours.enums import EntryKind
from hours.models import TimeEntry
from hours.tests.test_hours import NOW, WEEK_B, _pinned_now, crew, week_url  # noqa: F401  (fixtures)
from missions.calendar import week_letter
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


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="(\w+)"')
TOKEN = re.compile(r'name="token" value="(\w+)"')


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="token" value=""', CSRF.sub('name="csrfmiddlewaretoken" value=""', html))


def _kept_entry(crew) -> dict:  # noqa: F811  (the fixture, passed)
    return cache.get(views.PREVIEW_KEY.format(aesh=crew["lea"].pk, monday=WEEK_B.isoformat(),
                                              today=NOW.date().isoformat(), letter=week_letter(WEEK_B)))


def test_the_kept_page_is_the_page_read_with_the_tokens_of_each_look(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    read = _html(client)
    kept = _kept_entry(crew)
    assert kept and kept["value"]["body"]
    again = _html(client)
    assert _without_tokens(again) == _without_tokens(read)
    assert TOKEN.findall(again) and TOKEN.findall(again) != TOKEN.findall(read)  # two looks, two activities
    assert len(CSRF.findall(again)) == len(CSRF.findall(read)) >= 2
    for mark in (kept["value"]["csrf"], kept["value"]["token"]):
        assert mark in kept["value"]["body"] and mark not in again and mark not in read
    figures.renew([figures.GLOBAL])  # read again: the same page
    assert _without_tokens(_html(client)) == _without_tokens(read)


def test_the_kept_page_posts_with_its_own_csrf_token(crew, world):  # noqa: F811
    """Its CSRF token is the session's (a POST checked by the middleware goes through)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["aesh_a"])
    _html(client)
    html = _html(client)  # from the cache
    url = reverse("hours:add", args=[views.rules.week_slug(WEEK_B)])
    data = {"token": TOKEN.findall(html)[0], "kind": EntryKind.OUTING, "day": WEEK_B.isoformat(),
            "duration": "1 h", "label": "Musée", "training_kind": ""}
    assert client.post(url, data | {"csrfmiddlewaretoken": _kept_entry(crew)["value"]["csrf"]}).status_code == 403
    assert client.post(url, data | {"csrfmiddlewaretoken": CSRF.findall(html)[-1]}).status_code == 302
    assert TimeEntry.objects.filter(timesheet__aesh=crew["lea"], kind=EntryKind.OUTING, minutes=60).count() == 1
