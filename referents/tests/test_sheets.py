"""Welcome sheets: who reads (an AESH from their assignment's start, at that school only), who
writes, what each version changed, what a sheet refuses."""

import datetime

import pytest
from django.urls import reverse

from missions.models import Assignment
from referents import services
from referents.models import WelcomeSheet, WelcomeSheetRead, WelcomeSheetVersion
from referents.tests.conftest import TODAY, login


@pytest.fixture
def sheets(world, toolbox):
    a0, a1 = world.schools_a[0], world.schools_a[1]
    b0 = world.schools_b[0]
    for school in (a0, a1, b0):
        services.sheet_save(school=school, data={"access": f"Entrée rue de {school.name}", "hours": "8 h 30"},
                            user=world.users["coordinator_a"], author_label="coordination")
    return {"a0": a0, "a1": a1, "b0": b0}


@pytest.mark.parametrize(("user", "a0", "a1", "b0"), [
    ("aesh_a", 200, 404, 404),          # Léa: assigned at A0 since the start of the year
    ("colleague_a", 404, 200, 404),     # assigned at A1
    ("referente_a", 200, 200, 404),     # the pôle's référente reads every sheet of the pôle
    ("coordinator_a", 200, 200, 404),
    ("pilot_a", 200, 200, 404),
    ("coordinator_b", 404, 404, 200),
    ("aesh_b_rec", 404, 404, 200),
    ("inspector_a", 403, 403, 403),
    ("referent_a", 403, 403, 403),      # the enseignant référent
    ("gestionnaire", 403, 403, 403),
])
def test_who_reads_which_sheet(client, world, sheets, user, a0, a1, b0):
    login(client, world, user)
    got = tuple(client.get(reverse("referents:sheet", args=[sheets[k].pk])).status_code for k in ("a0", "a1", "b0"))
    assert got == (a0, a1, b0)


def test_an_aesh_reads_the_sheet_from_the_assignment_start_not_before(client, world, toolbox, sheets):
    assignment = Assignment.objects.get(aesh=toolbox["colleague"])
    assignment.start_date = TODAY + datetime.timedelta(days=3)
    assignment.save()
    login(client, world, "colleague_a")
    url = reverse("referents:sheet", args=[sheets["a1"].pk])
    assert client.get(url).status_code == 404
    assert "Entrée rue" not in client.get(reverse("referents:sheets")).content.decode()
    assignment.start_date = TODAY
    assignment.save()
    assert client.get(url).status_code == 200
    assignment.end_date = TODAY - datetime.timedelta(days=1)
    assignment.start_date = TODAY - datetime.timedelta(days=10)
    assignment.save()
    assert client.get(url).status_code == 404  # the assignment ended: the sheet goes with it


@pytest.mark.parametrize(("user", "status"), [("coordinator_a", 200), ("referente_a", 200), ("pilot_a", 403),
                                              ("aesh_a", 403), ("coordinator_b", 404)])
def test_who_writes_a_sheet(client, world, sheets, user, status):
    login(client, world, user)
    assert client.get(reverse("referents:sheet_edit", args=[sheets["a0"].pk])).status_code == status


def test_versions_say_who_changed_what_and_when(client, world, sheets):
    sheet = WelcomeSheet.objects.get(school=sheets["a0"])
    login(client, world, "referente_a")
    data = {**sheet.content, "version": sheet.version, "lunch": "Cantine de 11 h 45 à 13 h 20",
            "hours": "8 h 20 – 16 h 30"}
    response = client.post(reverse("referents:sheet_edit", args=[sheets["a0"].pk]), data)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.version == 2 and sheet.lunch == "Cantine de 11 h 45 à 13 h 20"
    latest = WelcomeSheetVersion.objects.get(sheet=sheet, number=2)
    assert latest.changed == ["hours", "lunch"] and latest.author == world.users["referente_a"]
    history = client.get(reverse("referents:sheet_history", args=[sheets["a0"].pk])).content.decode()
    assert "Horaires et sonneries, Restauration, pause méridienne" in history and "AESH référent·e" in history
    # The same page posted again (double click, or a second tab with the old version): refused, nothing lost.
    again = client.post(reverse("referents:sheet_edit", args=[sheets["a0"].pk]), {**data, "lunch": "autre"})
    assert again.status_code == 200 and "Quelqu&#x27;un a modifié ce livret" in again.content.decode()
    sheet.refresh_from_db()
    assert sheet.version == 2 and sheet.lunch == "Cantine de 11 h 45 à 13 h 20"


def test_a_sheet_refuses_a_mobile_number_and_says_where(client, world, sheets):
    sheet = WelcomeSheet.objects.get(school=sheets["a0"])
    login(client, world, "coordinator_a")
    response = client.post(reverse("referents:sheet_edit", args=[sheets["a0"].pk]),
                           {**sheet.content, "version": sheet.version, "contacts": "Mme Roux : 06 12 34 56 78"})
    assert response.status_code == 200
    assert "numéro de portable" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.version == 1 and "06 12" not in sheet.contacts


def test_the_aesh_says_they_read_the_sheet_and_a_get_writes_nothing(client, world, toolbox, sheets):
    login(client, world, "aesh_a")
    url = reverse("referents:sheet", args=[sheets["a0"].pk])
    page = client.get(url).content.decode()
    assert "J'ai lu ce livret" in page and "Entrée rue" in page and "data-pial-print" in page
    assert not WelcomeSheetRead.objects.exists()
    client.post(reverse("referents:sheet_read", args=[sheets["a0"].pk]))
    client.post(reverse("referents:sheet_read", args=[sheets["a0"].pk]))
    assert WelcomeSheetRead.objects.filter(aesh=toolbox["lea"]).count() == 1
    assert client.post(reverse("referents:sheet_read", args=[sheets["a1"].pk])).status_code == 404


def test_the_sheet_list_has_constant_queries(client, world, toolbox, django_assert_max_num_queries):
    from pial.tests.factories import SchoolFactory

    login(client, world, "coordinator_a")
    client.get(reverse("referents:sheets"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("referents:sheets"))
    for index in range(6):
        school = SchoolFactory(pole=world.pole_a)
        services.sheet_save(school=school, data={"access": f"Accès {index}"}, user=None, author_label="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("referents:sheets"))
    assert response.content.decode().count("version 1 du") >= 6
