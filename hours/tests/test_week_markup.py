"""The week page's content (hours.week_markup) is the very bytes the template hours/_week_body.html
wrote (kept here as week_body_before.html): every body the page writes in these tests — a week
never opened, a draft, its refusals, added activities, connexe time, transmitted, returned,
validated, the current week with its days to come, hostile names — is compared with the
template's rendering of the same context."""

import datetime
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from aesh.enums import AbsenceReason
from hours import services, week_markup
from hours.enums import EntryKind
from hours.rules import week_slug
from hours.tests.test_hours import WEEK_B, _pinned_now, crew, form_data, open_week, text, week_url  # noqa: F401
from pial.models import School

BEFORE = engines["django"].from_string((Path(__file__).parent / "week_body_before.html").read_text())
CURRENT = WEEK_B + datetime.timedelta(weeks=1)  # Wednesday 25 November: Thursday and Friday to come


@pytest.fixture
def compared(monkeypatch):
    """Each body the page writes, checked against the template's; the contexts seen."""
    seen, written = [], week_markup.body

    def both(context):
        now = written(context)
        assert now == BEFORE.render(context)
        seen.append(context)
        return now

    monkeypatch.setattr(week_markup, "body", both)
    return seen


def test_a_week_never_opened_then_saved_then_refused(client_as, crew, compared):  # noqa: F811
    client = client_as("aesh_a")
    sheet = open_week(client, crew)  # the GET of a week never opened
    assert client.get(week_url(WEEK_B)).status_code == 200  # a draft, saved
    monday = sheet.entries.get(kind=EntryKind.SLOT, day=WEEK_B)
    refused = client.post(week_url(WEEK_B), form_data(sheet, {
        f"slot-{monday.pk}-minutes": " ", f"slot-{monday.pk + 1}-attendance": "AESH_ABSENT",
        "connexe-PREPARATION": "beaucoup"}))
    assert "indiquez la durée réalisée" in text(refused) and "n'est pas une durée" in text(refused)
    assert client.post(week_url(WEEK_B), form_data(sheet, {
        f"slot-{monday.pk}-attendance": "AESH_ABSENT", f"slot-{monday.pk}-reason": AbsenceReason.SICK_LEAVE,
        f"slot-{monday.pk}-minutes": "", "connexe-FAMILY": "45 min", "comment": "Réunion <ESS> & « décalée »"}
    )).status_code == 302
    stale = client.post(week_url(WEEK_B), form_data(sheet, {"connexe-OTHER": "30 min"}))  # another tab's version
    assert "modifiée entre-temps" in text(stale)
    added = reverse("hours:add", args=[week_slug(WEEK_B)])
    assert "Indiquez l'intitulé" in text(client.post(added, {"kind": EntryKind.TRAINING, "day": "2026-11-19",
                                                              "duration": "3", "token": "x"}))
    client.post(added, {"kind": EntryKind.TRAINING, "day": "2026-11-19", "duration": "3", "label": "DYS <b>",
                        "training_kind": "ADAPTATION", "token": "y"})
    client.post(added, {"kind": EntryKind.OUTING, "day": "2026-11-17", "duration": "1 h 30", "token": "z"})
    html = text(client.get(week_url(WEEK_B)))
    assert "DYS <b>" in html and "Retirer" in html and "Réunion <ESS>" in html
    assert len(compared) == 6 and any(c["add_form"].errors for c in compared) and any(c["errors"] for c in compared)


def test_a_week_transmitted_returned_validated(client_as, crew, world, compared):  # noqa: F811
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    client.post(reverse("hours:add", args=[week_slug(WEEK_B)]), {"kind": EntryKind.LUNCH, "day": "2026-11-16",
                                                            "duration": "45 min", "token": "t"})
    sheet.refresh_from_db()
    client.post(week_url(WEEK_B), form_data(sheet, {"connexe-CONCERTATION": "1 h", "comment": "Vu l'équipe."},
                                            action="submit"))
    assert "Transmise le" in text(client.get(week_url(WEEK_B)))
    sheet.refresh_from_db()
    services.timesheet_return(timesheet=sheet, user=world.users["coordinator_a"], comment="Vendredi : 2 h <?> & co")
    assert "« Vendredi : 2 h <?> & co »" in text(client.get(week_url(WEEK_B)))
    sheet.refresh_from_db()
    client.post(week_url(WEEK_B), form_data(sheet, action="submit"))
    sheet.refresh_from_db()
    coordinator = world.users["coordinator_a"]
    coordinator.first_name, coordinator.last_name = "Inès", "O'Brien & <Fils>"
    coordinator.save()
    services.timesheet_validate(timesheet=sheet, user=coordinator)
    html = text(client.get(week_url(WEEK_B)))
    assert "Validée le" in html and "par Inès O'BRIEN & <FILS>." in html and "11:00 — Validée" in html
    assert {c["timesheet"].state for c in compared} >= {"DRAFT", "SUBMITTED", "RETURNED", "VALIDATED"}


def test_the_current_week_with_its_days_to_come_and_hostile_names(client_as, crew, world, compared):  # noqa: F811
    School.objects.filter(pk=world.schools_a[0].pk).update(name="École « Jean » d'Arc & <Cie>")
    alice = crew["alice"]
    alice.first_name = "Zoé <script>"
    alice.save()
    client = client_as("aesh_a")
    html = text(client.get(week_url(CURRENT)))
    assert "À venir" in html and "École « Jean » d'Arc & <Cie>" in html and "Zoé <script>" in html
    services.timesheet_open(aesh=crew["lea"], monday=CURRENT)
    html = text(client.get(week_url(CURRENT)))
    assert "À venir" in html and 'id="transmission-plus-tard"' in html
    assert len(compared) == 2 and not compared[-1]["finished"]


def test_a_new_add_form_kept_per_monday_is_written_as_made(client_as, crew, compared):  # noqa: F811
    """The added activity's fields of a new form are kept per Monday (week_markup._NEW_ADD_FORMS):
    the page made with them is the template's, its token new on each page."""
    client = client_as("aesh_a")
    open_week(client, crew)
    week_markup._NEW_ADD_FORMS.clear()
    pages = [text(client.get(week_url(WEEK_B))) for _ in range(2)]
    assert WEEK_B in week_markup._NEW_ADD_FORMS and len(compared) == 3
    tokens = [page.split('name="token" value="')[1].split('"')[0] for page in pages]
    assert tokens[0] != tokens[1] and all(len(token) == 32 for token in tokens)
    assert all('<option value="2026-11-17">Mardi 17/11</option>' in page for page in pages)
