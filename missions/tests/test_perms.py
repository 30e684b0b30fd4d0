"""Who may open each missions page (coordinator here / elsewhere, pilot, AESH, inspector…)."""

import datetime
import re

import pytest
from django.urls import reverse

from missions.models import TimeSlot


@pytest.fixture
def slot(team, world):
    s = TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                                end_time=datetime.time(11, 30), school=world.schools_a[0],
                                valid_from=datetime.date.today() - datetime.timedelta(days=30))
    s.assignments.set([team["assignment"]])
    return s


def urls(team, world, slot):
    aesh, alice = team["aesh"], team["alice"]
    return {
        "dashboard": reverse("missions:dashboard"),
        "aesh_week": reverse("missions:aesh_week", args=[aesh.pk]),
        "student_week": reverse("missions:student_week", args=[alice.pk]),
        "school_day": reverse("missions:school_day", args=[world.schools_a[0].pk, 0]),
        "slot_create": reverse("missions:slot_create", args=[aesh.pk]),
        "slot_update": reverse("missions:slot_update", args=[slot.pk]),
        "assignment_create": reverse("missions:assignment_create"),
        "my_week": reverse("missions:my_week"),
        "letters": reverse("missions:letters"),
        "letter_create": reverse("missions:letter_create"),
    }


EXPECTED = {
    #                 dashboard aesh_week student_week school_day slot_create slot_update assign my_week letters letter_create
    "coordinator_a": (200, 200, 200, 200, 200, 200, 200, 403, 200, 200),
    "coordinator_b": (200, 404, 404, 404, 404, 404, 200, 403, 200, 200),
    "pilot_a":       (200, 200, 200, 200, 403, 403, 403, 403, 200, 403),
    "referent_a":    (403, 403, 200, 403, 403, 403, 403, 403, 403, 403),
    "aesh_a":        (403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
    "aesh_b":        (403, 403, 403, 403, 403, 403, 403, 200, 200, 403),
    "inspector_a":   (403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "gestionnaire":  (403, 403, 403, 403, 403, 403, 403, 403, 200, 200),
    "norole":        (403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_missions_pages(client_as, team, world, slot, who):
    client = client_as(who)
    for (name, url), status in zip(urls(team, world, slot).items(), EXPECTED[who], strict=True):
        assert client.get(url).status_code == status, f"{who} {name}"


def test_aesh_week_shows_only_their_own(client_as, team, world, slot):
    html = client_as("aesh_a").get(reverse("missions:my_week")).content.decode()
    assert "08:30–11:30" in html and "BONNET Alice" in html
    # Grid positions are CSS: a decimal point, never the French decimal comma.
    assert re.search(r"top:\d+\.\d+%;height:\d+\.\d+%", html) and not re.search(r"top: ?\d+,\d", html)
    html = client_as("aesh_b").get(reverse("missions:my_week")).content.decode()
    assert "08:30–11:30" not in html and "BONNET" not in html


def test_pilot_cannot_delete_a_slot(client_as, slot):
    assert client_as("pilot_a").post(reverse("missions:slot_delete", args=[slot.pk])).status_code == 403
    assert TimeSlot.objects.filter(pk=slot.pk).exists()


def test_coordinator_of_another_pole_cannot_delete(client_as, slot):
    assert client_as("coordinator_b").post(reverse("missions:slot_delete", args=[slot.pk])).status_code == 404
    assert TimeSlot.objects.filter(pk=slot.pk).exists()


def test_student_week_read_is_journaled(client_as, team, slot):
    from eleves.models import AccessLog

    client_as("pilot_a").get(reverse("missions:student_week", args=[team["alice"].pk]))
    assert AccessLog.objects.filter(user_email="pilot_a@ac-test.fr", student=team["alice"]).exists()


def test_admin_slots_are_read_only_and_scoped(client_as, slot):
    client = client_as("coordinator_a")
    assert client.get(reverse("admin:missions_timeslot_changelist")).status_code == 200
    response = client.post(reverse("admin:missions_timeslot_change", args=[slot.pk]), {"weekday": 3})
    assert response.status_code == 403
    assert client_as("coordinator_b").get(reverse("admin:missions_timeslot_change", args=[slot.pk])).status_code == 302
    assert client_as("pilot_a").get(reverse("admin:missions_timeslot_changelist")).status_code == 403
