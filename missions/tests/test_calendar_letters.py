"""The iCal feed (holidays left out, tokens private and revocable) and mission letters (PDF)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from aesh.enums import AmendmentState
from aesh.tests.factories import AmendmentFactory
from missions import services
from missions.calendar import build_calendar, is_day_off, week_letter
from missions.models import CalendarFeed, LetterState, MissionLetter, TimeSlot
from pial.models import SchoolYear
from pial.tests.factories import MembershipFactory

d = datetime.date


def test_days_off():
    assert is_day_off(d(2026, 12, 25), "B")            # Christmas, a public holiday
    assert is_day_off(d(2026, 12, 22), "B")            # Christmas school holidays
    assert is_day_off(d(2027, 2, 22), "B") and not is_day_off(d(2027, 2, 22), "C")  # winter, zone B only
    assert not is_day_off(d(2026, 12, 14), "B")
    assert is_day_off(d(2026, 11, 11), "AUTRE") and not is_day_off(d(2026, 12, 22), "AUTRE")


def test_week_letters_alternate(settings):
    settings.PIAL = {**settings.PIAL, "WEEK_A_REFERENCE": "2026-08-31"}
    assert week_letter(d(2026, 9, 2)) == "A" and week_letter(d(2026, 9, 9)) == "B" and week_letter(d(2026, 9, 16)) == "A"


def test_calendar_leaves_holidays_out_and_names_no_student(team, world):
    school = world.schools_a[0]
    school.zone = "B"
    school.save()
    slot = TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                                   end_time=datetime.time(11, 30), school=school, valid_from=d(2026, 9, 1))
    slot.assignments.set([team["assignment"]])
    ics = Calendar.from_ical(build_calendar([slot], d(2026, 12, 1), d(2027, 1, 15), "test"))
    days = sorted(e.decoded("dtstart").date() for e in ics.walk("VEVENT"))
    assert d(2026, 12, 7) in days and d(2026, 12, 14) in days and d(2027, 1, 4) in days
    assert d(2026, 12, 21) not in days and d(2026, 12, 28) not in days  # school holidays, zone B
    summaries = " ".join(str(e.get("summary")) for e in ics.walk("VEVENT"))
    assert school.name in summaries and "Bonnet" not in summaries


def test_feed_by_token_and_revocation(client, client_as, team, world):
    aesh_client = client_as("aesh_a")
    assert aesh_client.post(reverse("missions:calendar_manage")).status_code == 302
    token = CalendarFeed.objects.get(aesh=team["aesh"]).token
    client.logout()
    response = client.get(reverse("missions:calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert client.get(reverse("missions:calendar_feed", args=["jeton-devine"])).status_code == 404
    aesh_client = client_as("aesh_a")
    aesh_client.post(reverse("missions:calendar_manage"))  # revoke and replace
    client.logout()
    assert client.get(reverse("missions:calendar_feed", args=[token])).status_code == 404


def test_token_of_another_aesh_gives_another_calendar_only(client, team, world):
    from aesh.tests.factories import AeshFactory

    other = AeshFactory(home_pole=world.pole_b)
    feed = CalendarFeed.objects.create(aesh=other)
    TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                            end_time=datetime.time(11, 30), school=world.schools_a[0], valid_from=d(2025, 9, 1))
    body = client.get(reverse("missions:calendar_feed", args=[feed.token])).content.decode()
    assert "VEVENT" not in body  # the other AESH's feed holds none of Léa's slots


@pytest.fixture
def referent(team, world):
    contract = team["aesh"].contracts.get()
    AmendmentFactory(contract=contract, proposed_on=contract.start_date, effective_date=contract.start_date,
                     referent_quotite=Decimal("0.25"), weekly_hours=Decimal("20"), contractual_quotite=52,
                     state=AmendmentState.ACCEPTED, answered_on=contract.start_date)
    today = datetime.date.today()
    year = SchoolYear.objects.create(name="année", start_date=today - datetime.timedelta(days=60),
                                     end_date=today + datetime.timedelta(days=200), is_current=True)
    second_pilot = MembershipFactory(user__email="pilot_a2@ac-test.fr", role="PILOT", pole=world.pole_a).user
    world.users["pilot_a2"] = second_pilot
    return {"aesh": team["aesh"], "year": year}


def test_letter_flow_and_pdf(client_as, referent, world):
    client = client_as("coordinator_a")
    response = client.post(reverse("missions:letter_create"),
                           {"referent": referent["aesh"].pk, "school_year": referent["year"].pk})
    letter = MissionLetter.objects.get()
    assert response.status_code == 302 and letter.referent_quotite == Decimal("0.25")
    assert "Accueillir les AESH nouvellement affectés" in letter.missions
    assert client.get(reverse("missions:letter_pdf", args=[letter.pk])).status_code == 404  # not signed yet
    client_as("pilot_a").post(reverse("missions:letter_sign", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.state == LetterState.SIGNING
    assert client_as("coordinator_a").get(reverse("missions:letter_pdf", args=[letter.pk])).status_code == 404
    client_as("pilot_a2").post(reverse("missions:letter_sign", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.state == LetterState.IN_FORCE
    assert [s.pilot.email for s in letter.signatures.all()] == ["pilot_a@ac-test.fr", "pilot_a2@ac-test.fr"]
    response = client_as("coordinator_a").get(reverse("missions:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "MARTIN" in text and "0,25 ETP" in text and "Lettre de mission" in text


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_letter_needs_referent_time(team, world):
    year = SchoolYear.objects.create(name="année", start_date=d(2026, 9, 1), end_date=d(2027, 7, 3))
    with pytest.raises(services.ValidationError, match="pas de temps de référent"):
        services.letter_create(referent=team["aesh"], school_year=year)


def test_only_pilots_of_the_pole_sign(referent, world):
    letter = services.letter_create(referent=referent["aesh"], school_year=referent["year"])
    with pytest.raises(services.ValidationError, match="Seuls les pilotes du pôle"):
        services.letter_sign(letter=letter, pilot=world.users["coordinator_a"])
