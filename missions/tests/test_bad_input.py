"""Bad input never breaks a page: every form answers garbage with its French errors (or a
refusal), never a server error, and saves nothing."""

import pytest
from django.urls import reverse

from aesh.models import Aesh, Amendment, Contract, Training
from aesh.tests.factories import AmendmentFactory
from eleves.models import Notification, Student
from missions.models import Assignment, TimeSlot

GARBAGE = {
    "start_date": "31/02/2026", "end_date": "x", "weekly_hours": "douze", "weeks": "-3", "kind": "ZZZ",
    "email": "pas-un-mail", "pole": "99999", "school": "abc", "weekday": "9", "start_time": "25:00", "end_time": "x",
    "assignments": ["999999"], "aesh": "0", "student": "-1", "referent": "x", "school_year": "x",
    "birth_date": "2050-01-01", "level": "??", "ine": "!!", "activities": ["NOPE"], "answer": "peut-être",
    "answered_on": "hier", "scope": "'; drop table", "role": "ROOT", "file": "pas un fichier", "q": "x",
    "last_name": "", "first_name": "",
}


@pytest.fixture
def targets(team, world):
    aesh, alice = team["aesh"], team["alice"]
    contract = aesh.contracts.get()
    amendment = AmendmentFactory(contract=contract, proposed_on=contract.start_date,
                                 effective_date=contract.start_date, lunch_duty=True)
    return [
        reverse("invite"), reverse("aesh:create"), reverse("aesh:update", args=[aesh.pk]),
        reverse("aesh:contract_create", args=[aesh.pk]), reverse("aesh:training_create", args=[aesh.pk]),
        reverse("aesh:contract_update", args=[contract.pk]), reverse("aesh:amendment_create", args=[contract.pk]),
        reverse("aesh:amendment_answer", args=[amendment.pk]), reverse("aesh:import"), reverse("eleves:create"),
        reverse("eleves:update", args=[alice.pk]), reverse("eleves:notification_create", args=[alice.pk]),
        reverse("eleves:notification_update", args=[alice.notifications.get().pk]),
        reverse("eleves:pps", args=[alice.pk]), reverse("eleves:document_upload", args=[alice.pk]),
        reverse("eleves:import"), reverse("missions:slot_create", args=[aesh.pk]),
        reverse("missions:assignment_create"), reverse("missions:letter_create"), reverse("scope_switch"),
    ]


def counts():
    return [m.objects.count() for m in (Aesh, Contract, Amendment, Training, Student, Notification, Assignment,
                                        TimeSlot)]


@pytest.mark.parametrize("data", [{}, GARBAGE], ids=["vide", "n-importe-quoi"])
def test_forms_answer_garbage_without_error_and_save_nothing(client_as, targets, data):
    client = client_as("coordinator_a")
    before = counts()
    for url in targets:
        response = client.post(url, data)
        assert response.status_code < 500, url
        if response.status_code == 200 and url != reverse("scope_switch"):
            html = response.content.decode()
            assert "fr-input-group--error" in html or "fr-error-text" in html or "errorlist" in html \
                or "fr-alert--error" in html or "fr-select-group--error" in html, url
    assert counts() == before


@pytest.mark.parametrize("url", [
    "/aesh/?ending=abc&school=zz&sort=hack&page=-1", "/eleves/?ending=x&level=zz&school=abc&page=999",
    "/eleves/journal/?student=abc&since=x", "/missions/?date=2026-13-45", "/aesh/export.xlsx?school=abc",
])
def test_lists_answer_garbage_filters(client_as, team, url):
    assert client_as("coordinator_a").get(url).status_code == 200
