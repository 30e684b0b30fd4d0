"""The AESH on a phone: their week, their student's PPS extract, another student refused, hours declared
with the keyboard alone; then the coordination validates and the inspector reads the report."""

import datetime
import io
import logging
import re

import openpyxl
import pytest

from eleves.models import Pps
from eleves.tests.factories import StudentFactory
from hours import rules as hour_rules
from hours import services as hour_services
from hours.enums import TimesheetState
from hours.models import Timesheet
from missions.models import TimeSlot
from pial.calendar import is_day_off

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 780}


def last_school_week(zone: str) -> datetime.date:
    """The Monday of the latest past week that is a school week (its Monday is no day off)."""
    monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday() + 7)
    while is_day_off(monday, zone):
        monday -= datetime.timedelta(weeks=1)
    return monday


@pytest.fixture
def week(team, world):
    school = world.schools_a[0]
    monday = last_school_week(school.zone or "B")
    slot = TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                                   end_time=datetime.time(11, 30), school=school,
                                   valid_from=monday - datetime.timedelta(days=60))
    slot.assignments.set([team["assignment"]])
    Pps.objects.create(student=team["alice"], missions="Aider Alice à prendre ses notes en mathématiques.",
                       accommodations="Textes agrandis", vigilance="Fatigue en fin de matinée")
    return {"monday": monday, "slug": hour_rules.week_slug(monday), "slot": slot}


def test_aesh_on_a_phone_sees_week_and_pps_and_declares_hours_with_the_keyboard(journey, world, team, week,
                                                                                  caplog):
    caplog.set_level(logging.DEBUG)
    page = journey.page
    page.set_viewport_size(PHONE)
    alice, bruno = team["alice"], team["bruno"]
    elsewhere = StudentFactory(school=world.schools_b[0], first_name="Zoé", last_name="Ailleurs")

    with journey.step("connexion sur téléphone"):
        journey.login("aesh_a@ac-test.fr")

    with journey.step("ma semaine type"):
        journey.go("/missions/moi/")
        assert page.get_by_text("08:30–11:30").count() > 0
        assert "BONNET Alice" in page.locator("main").inner_text()

    with journey.step("extrait du PPS d'Alice"):
        journey.go(f"/eleves/{alice.pk}/")
        text = page.locator("main").inner_text()
        assert "Aider Alice à prendre ses notes en mathématiques." in text
        assert "Fatigue en fin de matinée" in text

    with journey.step("un autre élève : introuvable"):
        for other in (bruno, elsewhere):
            assert journey.go_refused(f"/eleves/{other.pk}/") == 404
            assert other.last_name.upper() not in page.content().upper()
        journey.check_page()  # the 404 page is accessible too

    with journey.step("semaine déclarée au clavier, avec le temps de préparation"):
        journey.go(f"/missions/heures/semaine/{week['slug']}/")
        journey.tab_to("input[name$='PREPARATION']")
        page.keyboard.type("1 h 30")
        journey.tab_to("button[value=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        sheet = Timesheet.objects.get(aesh=team["aesh"], week_start=week["monday"])
        assert sheet.state == TimesheetState.SUBMITTED
        assert sheet.connexe_minutes == 90
        assert sheet.accompaniment_minutes == 180
        assert re.search(r"transmise", page.locator("main").inner_text(), re.I)
        journey.check_page()

    # The server's logs of this journey (its refusals included) name records by id, never a student.
    assert any("/eleves/" in record.getMessage() for record in caplog.records)
    logged = caplog.text.lower()
    for student in (alice, bruno, elsewhere):
        assert student.last_name.lower() not in logged and student.first_name.lower() not in logged


def test_coordination_validates_then_inspector_downloads_the_report(journey, world, team, week):
    page = journey.page
    sheet = hour_services.timesheet_open(aesh=team["aesh"], monday=week["monday"])
    hour_services.timesheet_save(timesheet=sheet, slots={}, connexe={"PREPARATION": 60}, comment="",
                                 version=sheet.version)
    hour_services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED

    with journey.step("la coordination ouvre la file de validation"):
        journey.login("coordinator_a@ac-test.fr")
        journey.go("/missions/heures/validation/")
        page.get_by_role("link", name=re.compile("MARTIN Léa|Léa MARTIN", re.I)).first.click()
        page.wait_for_url(re.compile(rf".*/heures/semaines/{sheet.pk}/$"))
        journey.check_page()

    with journey.step("la semaine est validée"):
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Valider")).first.click()
        sheet.refresh_from_db()
        assert sheet.state == TimesheetState.VALIDATED
        assert sheet.validated_by == world.users["coordinator_a"]

    page.context.clear_cookies()
    with journey.step("l'inspecteur arrive sur son rapport"):
        journey.login("inspector_a@ac-test.fr")
        assert page.url.endswith("/rapports/")
        assert page.locator("svg[role=img]").count() > 0
        text = page.locator("main").inner_text()
        assert "BONNET" not in text.upper() and "Alice" not in text

    with journey.step("l'inspecteur télécharge le XLSX"):
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("XLSX|Excel|tableur", re.I)).first.click()
        data = download.value.path().read_bytes()
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        assert any("PIAL Alpha" in c for c in cells)
        assert not any("BONNET" in c.upper() for c in cells)
