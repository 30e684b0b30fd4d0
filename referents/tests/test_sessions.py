"""Practice-sharing sessions: sign-up, attendance feeding the référent's log once, counted as
training for the attendees when the pilots say so."""

import datetime

import pytest
from django.urls import reverse

from aesh.models import Training
from hours.enums import ReferentActivityKind
from hours.models import ReferentActivity
from referents import services
from referents.models import PracticeSession, SessionAttendance
from referents.tests.conftest import TODAY, login
from referents.tests.test_newcomers import last_school_day


def make(world, toolbox, day):
    return services.session_save(session=PracticeSession(pole=world.pole_a, referent=toolbox["referente"], date=day,
                                                         minutes=120, theme="La prise de notes"),
                                 resources=[], user=None)


@pytest.fixture
def upcoming(world, toolbox):
    return make(world, toolbox, TODAY + datetime.timedelta(days=10))


@pytest.fixture
def past(world, toolbox):
    return make(world, toolbox, last_school_day(TODAY - datetime.timedelta(days=3)))


@pytest.mark.parametrize(("user", "status"), [("aesh_a", 200), ("colleague_a", 200), ("referente_a", 200),
                                              ("coordinator_a", 200), ("pilot_a", 200), ("aesh_b_rec", 404),
                                              ("coordinator_b", 404), ("inspector_a", 403), ("gestionnaire", 403)])
def test_who_sees_a_session(client, world, upcoming, user, status):
    login(client, world, user)
    assert client.get(reverse("referents:session", args=[upcoming.pk])).status_code == status


def test_an_aesh_signs_up_and_only_the_organisers_see_names(client, world, toolbox, upcoming):
    login(client, world, "aesh_a")
    url = reverse("referents:session_sign_up", args=[upcoming.pk])
    client.post(url, {"inscription": "oui"})
    client.post(url, {"inscription": "oui"})
    assert SessionAttendance.objects.filter(session=upcoming, aesh=toolbox["lea"]).count() == 1
    login(client, world, "colleague_a")
    page = client.get(reverse("referents:session", args=[upcoming.pk])).content.decode()
    assert "MARTIN Léa" not in page and "<dd>1</dd>" in page  # a number, not a name
    for user in ("referente_a", "coordinator_a", "pilot_a"):
        login(client, world, user)
        assert "MARTIN Léa" in client.get(reverse("referents:session", args=[upcoming.pk])).content.decode()
    login(client, world, "aesh_a")
    client.post(url, {"inscription": "non"})
    assert not SessionAttendance.objects.filter(session=upcoming).exists()
    login(client, world, "aesh_b_rec")
    assert client.post(url, {"inscription": "oui"}).status_code == 404


def test_attendance_feeds_the_log_once_and_the_pilots_make_it_training(client, world, toolbox, past):
    lea, colleague, referente = toolbox["lea"], toolbox["colleague"], toolbox["referente"]
    login(client, world, "referente_a")
    url = reverse("referents:session_attendance", args=[past.pk])
    for _ in range(2):  # sent twice
        assert client.post(url, {"attendees": [lea.pk, colleague.pk]}).status_code == 302
    activity = ReferentActivity.objects.get(referent=referente)
    assert activity.kind == ReferentActivityKind.PRACTICE_GROUP and activity.minutes == 120
    assert set(activity.supported.all()) == {lea, colleague}
    assert not Training.objects.filter(aesh__in=[lea, colleague]).exists()
    # Only the pilots decide.
    for user in ("referente_a", "coordinator_a", "aesh_a"):
        login(client, world, user)
        assert client.post(reverse("referents:session_training", args=[past.pk]), {"formation": "oui"}).status_code \
            == 403
    login(client, world, "pilot_a")
    client.post(reverse("referents:session_training", args=[past.pk]), {"formation": "oui"})
    client.post(reverse("referents:session_training", args=[past.pk]), {"formation": "oui"})
    trainings = Training.objects.filter(title="Groupe d'échange de pratiques : La prise de notes")
    assert sorted(t.aesh_id for t in trainings.all()) == sorted([lea.pk, colleague.pk])
    assert all(t.hours == 2 and t.date == past.date and t.kind == "CONTINUING" for t in trainings.all())
    # One fewer attendee: their training line goes, the log line follows.
    login(client, world, "referente_a")
    client.post(url, {"attendees": [lea.pk]})
    assert list(trainings.values_list("aesh_id", flat=True)) == [lea.pk]
    assert list(ReferentActivity.objects.get(referent=referente).supported.all()) == [lea]
    login(client, world, "pilot_a")
    client.post(reverse("referents:session_training", args=[past.pk]), {"formation": "non"})
    assert not trainings.all().exists()
    assert ReferentActivity.objects.count() == 1


def test_attendance_waits_for_the_session(client, world, toolbox, upcoming):
    login(client, world, "referente_a")
    response = client.post(reverse("referents:session_attendance", args=[upcoming.pk]),
                           {"attendees": [toolbox["lea"].pk]})
    assert any("pas encore eu lieu" in str(m) for m in response.wsgi_request._messages)
    assert not ReferentActivity.objects.exists()
    login(client, world, "aesh_a")
    assert client.post(reverse("referents:session_attendance", args=[upcoming.pk])).status_code == 403


def test_a_session_outside_the_pole_refuses_attendees_of_another_pole(world, toolbox, past):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="AESH du pôle"):
        services.session_attendance(session=past, attendees=[toolbox["aesh_b"]], today=TODAY)


def test_the_session_list_has_constant_queries(client, world, toolbox, django_assert_max_num_queries):
    make(world, toolbox, TODAY + datetime.timedelta(days=3))
    login(client, world, "aesh_a")
    client.get(reverse("referents:sessions"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("referents:sessions"))
    for days in range(5):
        make(world, toolbox, TODAY + datetime.timedelta(days=4 + days))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("referents:sessions")).content.decode()
    assert page.count("La prise de notes") == 6
