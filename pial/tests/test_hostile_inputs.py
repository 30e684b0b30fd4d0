"""Hand-written input that a form or a list must refuse in French, never answer with a 500 (found
by the adversarial pass): a search of a thousand words, a full-time base of 0 hours, an id past
64 bits posted as a choice."""

import pytest
from django.test import Client

from aesh.models import Aesh
from aesh.tests.factories import AeshFactory, ContractFactory
from pial.validators import SEARCH_MAX_WORDS


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/eleves/", "/aesh/"])
def test_a_search_of_a_thousand_words_is_refused_in_french(world, url):
    response = _client(world.users["coordinator_a"]).get(url, {"q": " ".join(["a"] * 1100)})
    assert response.status_code == 200
    assert f"Recherchez avec {SEARCH_MAX_WORDS} mots au plus." in response.content.decode()


@pytest.mark.parametrize("url", ["/eleves/", "/aesh/"])
def test_a_search_of_a_few_words_still_filters(world, url):
    words = " ".join(["zzz"] * SEARCH_MAX_WORDS)
    response = _client(world.users["coordinator_a"]).get(url, {"q": words})
    assert response.status_code == 200
    assert "mots au plus" not in response.content.decode()


def _contract_data(contract, **changes) -> dict:
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(contract).items() if k not in ("id", "aesh")}
    data["lunch_duty"] = "on" if contract.lunch_duty else ""
    return {**data, **changes}


def test_a_contract_with_an_annual_base_of_zero_is_refused_naming_the_field(world):
    aesh = AeshFactory(home_pole=world.pole_a)
    contract = ContractFactory(aesh=aesh)
    before = contract.annual_base
    response = _client(world.users["coordinator_a"]).post(f"/aesh/contrats/{contract.pk}/modifier/",
                                                          _contract_data(contract, annual_base="0"))
    assert response.status_code == 200
    assert "La base annuelle d&#x27;un temps plein doit être un nombre d&#x27;heures positif" in response.content.decode()
    contract.refresh_from_db()
    assert contract.annual_base == before


def test_a_slot_form_with_an_id_past_64_bits_is_refused_and_saves_nothing(world):
    aesh = AeshFactory(home_pole=world.pole_a)
    response = _client(world.users["coordinator_a"]).post(f"/missions/aesh/{aesh.pk}/creneaux/nouveau/", {
        "weekday": "0", "start_time": "08:30", "end_time": "11:30", "week": "", "school": world.schools_a[0].pk,
        "kind": "CLASS", "assignments": "99999999999999999999", "valid_from": "2026-09-01"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not aesh.time_slots.exists()


def test_an_id_past_64_bits_in_a_list_matches_nothing(world):
    """`pk__in` bounded as `pk=` is: the ids no column can hold are left out, the others read."""
    aesh = AeshFactory(home_pole=world.pole_a)
    assert list(Aesh.objects.filter(pk__in=[2**70, aesh.pk])) == [aesh]
    assert list(Aesh.objects.filter(pk__in=[2**70, -(2**70)])) == []
