"""Training needs: the coordination opens the year's window, each AESH answers while it is open,
nobody reads another's answer."""

import datetime

import pytest
from django.urls import reverse

from aesh.models import TrainingNeed, TrainingNeedsWindow, TrainingTheme
from aesh.tests.factories import AeshFactory
from pial.models import SchoolYear

TODAY = datetime.date.today()


@pytest.fixture
def year(world):
    year = SchoolYear.objects.create(name="année", start_date=TODAY - datetime.timedelta(days=60),
                                     end_date=TODAY + datetime.timedelta(days=200), is_current=True)
    TrainingTheme.objects.create(departement=world.pole_a.departement, name="Autisme")
    TrainingTheme.objects.create(departement=world.pole_a.departement, name="Ancien thème", is_active=False)
    return year


@pytest.mark.parametrize(("user", "status"), [("coordinator_a", 200), ("pilot_a", 200), ("aesh_a", 403),
                                              ("inspector_a", 403), ("gestionnaire", 403), ("admin", 403)])
def test_who_opens_the_window_page(client_as, year, user, status):
    assert client_as(user).get(reverse("aesh:training_window")).status_code == status


def test_the_coordination_opens_the_window_once_a_year_and_pilots_only_read(client_as, world, year):
    client = client_as("pilot_a")
    client.post(reverse("aesh:training_window"), {"opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat()})
    assert not TrainingNeedsWindow.objects.exists()
    client = client_as("coordinator_a")
    bad = client.post(reverse("aesh:training_window"), {"opens_on": TODAY.isoformat(),
                                                        "closes_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert "La clôture doit suivre l&#x27;ouverture." in bad.content.decode() and not TrainingNeedsWindow.objects.exists()
    outside = client.post(reverse("aesh:training_window"), {"opens_on": (TODAY + datetime.timedelta(days=300))
                                                            .isoformat(), "closes_on": (TODAY + datetime.timedelta(
                                                                days=310)).isoformat()})
    assert "Choisissez des dates de l&#x27;année scolaire" in outside.content.decode()
    for closes in (14, 21):  # a second save moves the dates of the same window
        client.post(reverse("aesh:training_window"), {"opens_on": TODAY.isoformat(),
                                                      "closes_on": (TODAY + datetime.timedelta(days=closes)).isoformat()})
    window = TrainingNeedsWindow.objects.get()
    assert window.pole == world.pole_a and window.school_year == year
    assert window.closes_on == TODAY + datetime.timedelta(days=21)


def test_an_aesh_answers_while_the_window_is_open(client, world, year):
    aesh = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"])
    autism = TrainingTheme.objects.get(name="Autisme")
    retired = TrainingTheme.objects.get(name="Ancien thème")
    client.force_login(world.users["aesh_a"])
    url = reverse("aesh:my_training_needs")
    assert "pas encore ouvert" in client.get(url).content.decode()
    assert client.post(url, {"themes": [autism.pk]}).status_code == 200 and not TrainingNeed.objects.exists()
    window = TrainingNeedsWindow.objects.create(pole=world.pole_a, school_year=year, opens_on=TODAY, closes_on=TODAY)
    page = client.get(url).content.decode()
    assert "Autisme" in page and "Ancien thème" not in page
    empty = client.post(url, {})
    assert "Choisissez au moins un thème" in empty.content.decode()
    assert client.post(url, {"themes": [retired.pk]}).status_code == 200 and not TrainingNeed.objects.exists()
    assert client.post(url, {"themes": [autism.pk], "other": "La langue des signes"}).status_code == 302
    assert client.post(url, {"themes": [autism.pk], "other": "LSF"}).status_code == 302  # edited, not doubled
    need = TrainingNeed.objects.get()
    assert need.aesh == aesh and need.window == window and need.other == "LSF"
    window.closes_on = TODAY - datetime.timedelta(days=1)
    window.opens_on = TODAY - datetime.timedelta(days=5)
    window.save()
    closed = client.post(url, {"themes": [], "other": "changé"}, follow=True)
    assert "rien n&#x27;a été enregistré" in closed.content.decode()
    need.refresh_from_db()
    assert need.other == "LSF"


def test_nobody_reads_another_aesh_answer(world, year):
    from pial.scope import Scope

    window = TrainingNeedsWindow.objects.create(pole=world.pole_a, school_year=year, opens_on=TODAY, closes_on=TODAY)
    TrainingNeed.objects.create(window=window, aesh=AeshFactory(home_pole=world.pole_a))
    for key in ("coordinator_a", "pilot_a", "gestionnaire", "inspector_a", "aesh_a"):
        scope = Scope.of(world.users[key].memberships.get())
        assert not TrainingNeed.objects.visible_to(scope).exists(), key
