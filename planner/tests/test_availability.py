"""The availability workbook: one tab per AESH, round trip, all or nothing with the tab and
the cell named, scoped to the pôle."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aesh.tests.factories import AeshFactory, ContractFactory
from missions.tests.conftest import YEAR_END, YEAR_START
from planner.models import Unavailability

pytestmark = pytest.mark.django_db
T = datetime.time


@pytest.fixture
def two(world, team):
    marc = AeshFactory(home_pole=world.pole_a, first_name="Marc", last_name="Petit")
    ContractFactory(aesh=marc, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal(24))
    Unavailability.objects.create(aesh=marc, weekday=2, start_time=T(8), end_time=T(12), label="Autre emploi")
    return {"lea": team["aesh"], "marc": marc}


def _download(client):
    response = client.get(reverse("planner:availability") + "?format=xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _send(client, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(reverse("planner:availability"),
                       {"file": SimpleUploadedFile("dispo.xlsx", buffer.getvalue())})


def test_round_trip_one_tab_per_aesh(client_as, two):
    client = client_as("coordinator_a")
    workbook = _download(client)
    assert sorted(workbook.sheetnames) == ["MARTIN Léa", "PETIT Marc"]
    assert workbook["PETIT Marc"]["D5"].value == "non"  # Wednesday morning, entered by hand
    workbook["MARTIN Léa"]["B6"] = "non"    # Monday afternoon
    workbook["MARTIN Léa"]["F5"] = "NON"    # Friday morning
    workbook["MARTIN Léa"]["B8"] = "Formation le lundi"
    response = _send(client, workbook)
    assert response.status_code == 302
    lea = {(u.weekday, u.start_time, u.end_time) for u in Unavailability.objects.filter(aesh=two["lea"])}
    assert lea == {(0, T(13, 30), T(17, 30)), (4, T(8), T(12))}
    assert Unavailability.objects.filter(aesh=two["lea"], label__contains="Formation le lundi").count() == 2
    assert Unavailability.objects.filter(aesh=two["marc"]).count() == 1  # the hand-entered one kept, not doubled
    again = _download(client)
    assert again["MARTIN Léa"]["B6"].value == "non" and again["MARTIN Léa"]["C6"].value == "oui"
    again["MARTIN Léa"]["B6"] = "oui"  # read back again: the workbook's own rows are replaced
    assert _send(client, again).status_code == 302
    assert {u.weekday for u in Unavailability.objects.filter(aesh=two["lea"])} == {4}


def test_a_wrong_cell_or_unknown_tab_changes_nothing(client_as, two, world):
    client = client_as("coordinator_a")
    workbook = _download(client)
    workbook["MARTIN Léa"]["B6"] = "non"
    workbook["PETIT Marc"]["C5"] = "peut-être"
    stranger = workbook.create_sheet("Inconnu")
    stranger["A2"] = "Identifiant pial : 999999"
    page = _send(client, workbook).content.decode().replace("&#x27;", "'")
    assert "Onglet « PETIT Marc », cellule C5 : « peut-être »" in page
    assert "Onglet « Inconnu », cellule A2" in page and "rien n'a été enregistré" in page
    assert not Unavailability.objects.filter(aesh=two["lea"]).exists()


def test_an_aesh_of_another_pole_cannot_be_written(client_as, two, world):
    other = AeshFactory(home_pole=world.pole_b)
    workbook = _download(client_as("coordinator_a"))
    workbook["PETIT Marc"]["A2"] = f"Identifiant pial : {other.pk}"
    workbook["PETIT Marc"]["B5"] = "non"
    page = _send(client_as("coordinator_a"), workbook).content.decode()
    assert "aucun·e AESH du pôle" in page
    assert not Unavailability.objects.filter(aesh=other).exists()


@pytest.mark.parametrize("who", ["aesh_a", "pilot_a"])
def test_only_the_coordination(client_as, two, who):
    assert client_as(who).get(reverse("planner:availability") + "?format=xlsx").status_code == 403
