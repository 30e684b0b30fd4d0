"""The ProNote import in the app: upload → check → save, all or nothing, who may use it; the
saved courses become the student's own timetable for the planner."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eleves.models import AccessLog
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.tests.conftest import YEAR_END, YEAR_START
from pial.models import SpreadsheetImport
from pial.scope import Scope
from planner import inputs
from planner.models import ClassCourse
from planner.tests.pronote_files import WEEK_1, WEEK_2, calendar, week_of_courses, zipped

pytestmark = pytest.mark.django_db


def _two_weeks(name):
    return calendar(name, week_of_courses(WEEK_1, techno=True) + week_of_courses(WEEK_2, techno=False))


@pytest.fixture
def notified(world, team):
    alice = team["alice"]  # Alice Bonnet
    alice.birth_date = datetime.date(2013, 4, 2)
    alice.class_name = "5e A"
    alice.save()
    other = StudentFactory(school=world.schools_a[0], first_name="Zoé", last_name="Marchand",
                           birth_date=datetime.date(2012, 1, 5))
    NotificationFactory(student=other, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
    return {**team, "zoe": other}


def _upload(client, world, files):
    uploads = [SimpleUploadedFile(name, data) for name, data in files.items()]
    return client.post(reverse("planner:pronote_import"), {"files": uploads, "pole": world.pole_a.pk})


def _token(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"].rstrip("/").split("/")[-1]


def test_upload_check_and_save_make_each_students_own_timetable(client_as, world, notified):
    client = client_as("coordinator_a")
    archive = zipped({"EDT/BONET_Alice_02-04-2013.ics": _two_weeks("BONET Alice"),
                      "EDT/MARCHAND_Zoe_05-02-2012.ics": _two_weeks("MARCHAND Zoé"),
                      "EDT/INCONNU_Paul_01-01-2012.ics": _two_weeks("INCONNU Paul")})
    token = _token(_upload(client, world, {"edt.zip": archive}))
    page = client.get(reverse("planner:pronote_check", args=[token])).content.decode()
    full, page = page, page[page.index("<tbody>"):]
    # The doubtful ones first: the unknown student, then Zoé (wrong birth date, name only), then Alice.
    assert page.index("INCONNU_Paul") < page.index("MARCHAND_Zoe") < page.index("BONET_Alice")
    assert "aucun élève notifié" in page and "nom seul" in page and "date de naissance et nom" in page
    # The proposed reference weeks: the pair where every file has courses.
    assert '<option value="2026-09-14" selected>' in full and '<option value="2026-09-21" selected>' in full
    assert not ClassCourse.objects.filter(student__isnull=False).exists()
    form = {"week_a": WEEK_1.isoformat(), "week_b": WEEK_2.isoformat(), "action": "save",
            "student_0": "0", "student_1": str(notified["zoe"].pk), "student_2": str(notified["alice"].pk)}
    response = client.post(reverse("planner:pronote_check", args=[token]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    alice = {(c.weekday, c.start_time.hour, c.week, c.subject)
             for c in ClassCourse.objects.filter(student=notified["alice"])}
    assert alice == {(0, 8, "", "FRANCAIS"), (0, 9, "", "MATHEMATIQUES"), (1, 10, "A", "TECHNOLOGIE"),
                     (1, 10, "B", "SVT")}
    assert ClassCourse.objects.filter(student=notified["zoe"]).count() == 4
    assert AccessLog.objects.filter(student=notified["alice"], action="IMPORT").exists()
    # The planner reads them as Alice's own timetable.
    scope = Scope.of(world.users["coordinator_a"].memberships.get())
    loaded = inputs.load(scope, datetime.date.today())
    unit = next(u for u in loaded.problem.units if u.id == notified["alice"].pk)
    assert sorted(c.week for c in unit.courses) == ["", "", "A", "B"]
    # Submitted twice: nothing more.
    again = client.post(reverse("planner:pronote_check", args=[token]), form)
    assert again.status_code == 302
    assert ClassCourse.objects.filter(student=notified["alice"]).count() == 4


def test_a_broken_file_stages_nothing_and_names_file_and_event(client_as, world, notified):
    client = client_as("coordinator_a")
    broken = calendar("X", ["BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:SVT\r\nEND:VEVENT"])
    response = _upload(client, world, {"BONET_Alice.ics": _two_weeks("BONET Alice"), "casse.ics": broken})
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert response.status_code == 200
    assert "casse.ics" in page and "« SVT »" in page and "Rien n'a été importé" in page
    assert not SpreadsheetImport.objects.exists()


def test_one_student_for_two_files_is_refused_and_nothing_saved(client_as, world, notified):
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, {"a.ics": _two_weeks("BONNET Alice"), "b.ics": _two_weeks("BONNET Alice")}))
    alice = str(notified["alice"].pk)
    response = client.post(reverse("planner:pronote_check", args=[token]), {
        "week_a": WEEK_1.isoformat(), "week_b": WEEK_2.isoformat(), "action": "save",
        "student_0": alice, "student_1": alice})
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and "un seul calendrier par élève" in page and "rien n'est enregistré" in page
    assert not ClassCourse.objects.filter(student__isnull=False).exists()


def test_a_student_of_another_pole_cannot_be_associated(client_as, world, notified):
    outsider = StudentFactory(school=world.schools_b[0])
    NotificationFactory(student=outsider, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, {"a.ics": _two_weeks("BONNET Alice")}))
    response = client.post(reverse("planner:pronote_check", args=[token]), {
        "week_a": WEEK_1.isoformat(), "week_b": WEEK_2.isoformat(), "action": "save", "student_0": str(outsider.pk)})
    assert response.status_code == 200
    assert "n'est pas un·e élève notifié·e du pôle" in response.content.decode().replace("&#x27;", "'")
    assert not ClassCourse.objects.filter(student=outsider).exists()


@pytest.mark.parametrize("who", ["aesh_a", "pilot_a", "norole"])
def test_only_the_coordination_may_import(client_as, world, notified, who):
    response = _upload(client_as(who), world, {"a.ics": _two_weeks("BONNET Alice")})
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "login" in response["Location"] or "connexion" in response["Location"]
    assert not SpreadsheetImport.objects.exists()


def test_another_coordinator_cannot_open_the_check(client_as, world, notified):
    token = _token(_upload(client_as("coordinator_a"), world, {"a.ics": _two_weeks("BONNET Alice")}))
    assert client_as("coordinator_b").get(reverse("planner:pronote_check", args=[token])).status_code == 404
