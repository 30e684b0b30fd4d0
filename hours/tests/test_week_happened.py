"""A week is said to have happened only once it has: no « Assuré » for a day still to come, no
transmission nor validation before its last school day is past. And the weeks' list names the
holidays and writes « Relevé d'octobre »."""

import datetime
import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hours import services
from hours.enums import EntryKind, TimesheetState
from hours.tests import test_hours
from hours.tests.factories import TimesheetFactory
from hours.tests.test_hours import _pinned_now, slug  # noqa: F401  (the pinned clock: a fixture)
from pial import french

pytestmark = pytest.mark.django_db
D = datetime.date
crew = test_hours.crew  # the same fixture: Léa, her timetable, pôle A
THIS_WEEK = D(2026, 11, 23)   # today is Wednesday 25 November 2026
LAST_WEEK = D(2026, 11, 16)


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_days_after_today_are_not_prefilled_assure(crew):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=THIS_WEEK)
    slots = list(sheet.entries.filter(kind=EntryKind.SLOT).order_by("day"))
    past = [e for e in slots if e.day <= D(2026, 11, 25)]
    to_come = [e for e in slots if e.day > D(2026, 11, 25)]
    assert past and to_come
    assert all(e.attendance == "DONE" and e.minutes == e.planned_minutes for e in past)
    assert all(e.attendance == "" and e.minutes == 0 for e in to_come)
    # Not an anomaly « absence sans motif »: the day has simply not happened.
    assert sheet.totals.unexplained == 0


def test_the_current_week_cannot_be_transmitted_before_its_end(crew, client_as):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=THIS_WEEK)
    with pytest.raises(ValidationError) as raised:
        services.timesheet_submit(timesheet=sheet, user=None)
    message = " ".join(raised.value.messages)
    assert "pas encore finie" in message and "samedi 28/11/2026" in message and "vendredi 27/11/2026" in message
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.DRAFT
    page = text(client_as("aesh_a").get(reverse("hours:week", args=[slug(THIS_WEEK)])))
    assert "Enregistrer et transmettre" not in page
    assert "elle se transmet à partir du samedi 28/11/2026" in page
    assert "À venir" in page
    # Posting « transmettre » anyway saves the draft and says why it is not sent.
    form = client_as("aesh_a").get(reverse("hours:week", args=[slug(THIS_WEEK)])).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: ("" if v is None else v) for k, v in data.items()} | {"action": "submit"}
    response = client_as("aesh_a").post(reverse("hours:week", args=[slug(THIS_WEEK)]), data)
    assert response.status_code == 200 and "pas encore finie" in text(response)
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.DRAFT


def test_last_week_can_be_transmitted(crew):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=LAST_WEEK)
    services.timesheet_submit(timesheet=sheet, user=None)
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED


def test_a_week_transmitted_early_is_not_validated_before_its_end(crew, world, client_as):
    early = TimesheetFactory(aesh=crew["lea"], week_start=THIS_WEEK, submitted=True,
                             main_school=world.schools_a[0])
    with pytest.raises(ValidationError, match="pas encore finie"):
        services.timesheet_validate(timesheet=early, user=None)
    assert services.timesheets_validate_clean(timesheets=[early], user=None) == (0, 1)
    early.refresh_from_db()
    assert early.state == TimesheetState.SUBMITTED
    queue = text(client_as("coordinator_a").get(reverse("hours:queue")))
    assert "Semaine pas encore finie" in queue and f'name="timesheet" value="{early.pk}"' not in queue
    detail = text(client_as("coordinator_a").get(reverse("hours:timesheet", args=[early.pk])))
    assert "Valider la semaine" not in detail and "elle se valide à partir du samedi 28/11/2026" in detail


def test_holiday_weeks_are_named_and_months_elided(crew, client_as):
    page = text(client_as("aesh_a").get(reverse("hours:my_hours")))
    items = {item.split("</li>")[0] for item in page.split("<li")}
    toussaint = [item for item in items if "du 19 au 23 octobre 2026" in item]
    assert toussaint and "Vacances de la Toussaint" in toussaint[0]
    assert "Pas encore ouverte" not in toussaint[0]
    assert not [item for item in items if "du 26 au 30 octobre 2026" in item and "Toussaint" not in item]
    assert "Relevé d\u2019octobre" in page and "Relevé de octobre" not in page


@pytest.mark.parametrize(("word", "text_"), [
    ("octobre 2026", "d\u2019octobre 2026"), ("avril", "d\u2019avril"), ("août", "d\u2019août"),
    ("mars", "de mars"), ("novembre 2026", "de novembre 2026"),
])
def test_de_elides_before_a_vowel(word, text_):
    assert french.de(word) == text_
