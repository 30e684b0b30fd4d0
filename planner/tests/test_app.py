"""The planner in the app: who may use it, a run from the form to accepted slots, bad
input named in French, absences and replacements, the class timetable import."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aesh.models import Absence
from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import TimeSlot, TimetableChange
from missions.tests.conftest import YEAR_END, YEAR_START
from pial.tests.helpers import count_queries
from pial.tests.races import at_once
from planner import runs, services
from planner.models import ClassCourse, PairingWish, PlannerRun

pytestmark = pytest.mark.django_db
T = datetime.time


def _timetable(student, class_name="5e A"):
    student.class_name = class_name
    student.save()
    for weekday in (0, 1, 3, 4):
        for start, end in ((T(8), T(9)), (T(9), T(10)), (T(10), T(11)), (T(14), T(15))):
            ClassCourse.objects.get_or_create(school=student.school, class_name=class_name, weekday=weekday,
                                              start_time=start, end_time=end)


@pytest.fixture
def planned(world, team):
    """Alice and Bruno with class timetables; a second AESH; Chloé without a timetable; an AESH without contract."""
    _timetable(team["alice"], "5e A")
    _timetable(team["bruno"], "6e B")
    colleague = AeshFactory(home_pole=world.pole_a, first_name="Marc", last_name="Petit")
    ContractFactory(aesh=colleague, start_date=YEAR_START - datetime.timedelta(days=30), end_date=YEAR_END,
                    weekly_hours=Decimal("24"))
    chloe = StudentFactory(school=world.schools_a[0], first_name="Chloé", last_name="Durand", class_name="4e C")
    NotificationFactory(student=chloe, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("4"))
    AeshFactory(home_pole=world.pole_a, first_name="Sans", last_name="Contrat")
    return {**team, "colleague": colleague, "chloe": chloe}


@pytest.fixture
def start_run(django_capture_on_commit_callbacks):
    def start(client):
        with django_capture_on_commit_callbacks(execute=True):
            return _poststart_run(client)
    return start


def _poststart_run(client):
    start = datetime.date.today() + datetime.timedelta(days=7)
    return client.post(reverse("planner:home"), {
        "start_date": start.isoformat(), "coverage": 1, "fairness": 1, "continuity": 1, "compactness": 1,
        "stability": 1})


@pytest.mark.parametrize("user,status", [("coordinator_a", 200), ("pilot_a", 403), ("aesh_a", 403),
                                         ("inspector_a", 403), ("gestionnaire", 403), ("referent_a", 403)])
def test_only_the_coordination_opens_the_planner(client_as, planned, user, status):
    assert client_as(user).get(reverse("planner:home")).status_code == status
    assert client_as(user).get(reverse("planner:absences")).status_code == status


def test_a_run_from_the_form_to_accepted_slots(client_as, planned, start_run):
    client = client_as("coordinator_a")
    response = start_run(client)
    run = PlannerRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("planner:run", args=[run.pk])
    assert run.state == "DONE" and run.progress == 100  # tasks run inline in the embedded default
    page = client.get(reverse("planner:run", args=[run.pk])).content.decode()
    assert "BONNET Alice" in page and "Heures individuelles notifiées assurées" in page
    status = client.get(reverse("planner:status", args=[run.pk])).json()
    assert status["state"] == "DONE" and status["progress"] == 100
    adds = [str(i) for i in range(len(run.result["placements"]))]
    assert adds, run.result
    before = TimeSlot.objects.count()
    response = client.post(reverse("planner:accept", args=[run.pk]), {"add": adds})
    assert response.status_code == 302
    created = TimeSlot.objects.count() - before
    assert created == len(adds)
    changes = TimetableChange.objects.filter(aesh__in=[planned["aesh"], planned["colleague"]])
    assert changes.exists()
    # One notice per AESH for the whole proposal, not one per slot.
    touched = {p[0] for p in run.result["placements"]}
    assert sorted(changes.values_list("aesh_id", flat=True)) == sorted(touched)
    assert all("à partir du" in c.summary and "créneau" in c.summary for c in changes)
    # Each student got their 6 notified hours, never more (individuelle hours are a cap).
    for student in (planned["alice"], planned["bruno"]):
        minutes = sum(s.minutes for s in TimeSlot.objects.filter(assignments__student=student))
        assert minutes == 6 * 60


def test_bad_input_is_named_in_french_and_the_rest_is_planned(client_as, planned, start_run):
    client = client_as("coordinator_a")
    page = client.get(reverse("planner:home")).content.decode()
    assert "DURAND Chloé" in page and "aucun emploi du temps de classe" in page
    assert "CONTRAT Sans" in page and "aucun contrat en cours" in page
    start_run(client)
    run = PlannerRun.objects.get()
    assert any("DURAND Chloé" in b for b in run.result["blockers"])
    assert any("CONTRAT Sans" in b for b in run.result["blockers"])
    assert {str(planned["alice"].pk), str(planned["bruno"].pk)} <= set(run.result["units"])
    assert run.result["placements"]


def test_a_forbidden_pairing_is_respected_by_the_app(client_as, planned, start_run):
    PairingWish.objects.create(aesh=planned["colleague"], student=planned["bruno"], kind="FORBID")
    start_run(client_as("coordinator_a"))
    run = PlannerRun.objects.get()
    assert not [p for p in run.result["placements"]
                if p[0] == planned["colleague"].pk and p[1] == planned["bruno"].pk]


def test_another_pole_cannot_see_nor_accept_a_run(client_as, planned, start_run):
    start_run(client_as("coordinator_a"))
    run = PlannerRun.objects.get()
    other = client_as("coordinator_b")
    for name in ("planner:run", "planner:status"):
        assert other.get(reverse(name, args=[run.pk])).status_code == 404
    assert other.post(reverse("planner:accept", args=[run.pk]), {"add": ["0"]}).status_code == 404
    assert client_as("pilot_a").post(reverse("planner:accept", args=[run.pk]),
                                     {"add": ["0"]}).status_code == 403


def test_one_run_at_a_time_and_cancel(client_as, planned, start_run):
    client = client_as("coordinator_a")
    run = PlannerRun.objects.create(pole=planned["aesh"].home_pole, start_date=YEAR_END, state="QUEUED")
    page = start_run(client).content.decode()
    assert "déjà en cours de calcul" in page
    assert "Annuler le calcul" in client.get(reverse("planner:run", args=[run.pk])).content.decode()
    client.post(reverse("planner:cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.cancel_requested and run.state == "CANCELLED"


def test_the_proposal_page_queries_do_not_grow_with_the_pole(client_as, planned, world, start_run):
    client = client_as("coordinator_a")
    start_run(client)
    run = PlannerRun.objects.get()
    small = count_queries(lambda: client.get(reverse("planner:run", args=[run.pk])))
    for i in range(6):
        student = StudentFactory(school=world.schools_a[0], first_name=f"P{i}", last_name="Extra")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("3"))
        _timetable(student, "5e A")
    PlannerRun.objects.all().delete()
    start_run(client)
    run = PlannerRun.objects.get()
    big = count_queries(lambda: client.get(reverse("planner:run", args=[run.pk])))
    assert len(run.result["units"]) >= 8
    assert big == small


def test_an_absence_lists_lost_students_and_replaces_in_one_click(client_as, planned, start_run):
    client = client_as("coordinator_a")
    start_run(client)
    run = PlannerRun.objects.get()
    lea = planned["aesh"]
    adds = [str(i) for i, p in enumerate(run.result["placements"])]
    client.post(reverse("planner:accept", args=[run.pk]), {"add": adds})
    start = datetime.date.today() + datetime.timedelta(days=14)
    response = client.post(reverse("planner:absences"), {
        "aesh": lea.pk, "start_date": start.isoformat(), "end_date": (start + datetime.timedelta(days=4)).isoformat(),
        "reason": "TRAINING"})
    absence = Absence.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("planner:absence", args=[absence.pk])).content.decode()
    lost = {p[1] for p in run.result["placements"] if p[0] == lea.pk}
    assert lost, "Léa serves someone in the proposal"
    assert "PETIT Marc" in page
    unit = sorted(lost)[0]
    before = TimeSlot.objects.filter(aesh=planned["colleague"]).count()
    client.post(reverse("planner:replace", args=[absence.pk]),
                {"unit": unit, "candidate": planned["colleague"].pk})
    temporary = TimeSlot.objects.filter(aesh=planned["colleague"]).order_by("-pk")
    assert temporary.count() > before
    assert temporary[0].valid_until == absence.end_date and temporary[0].valid_from == absence.start_date
    assert client_as("coordinator_b").get(reverse("planner:absence", args=[absence.pk])).status_code == 404


def test_an_absence_with_its_end_before_its_start_is_refused(client_as, planned):
    response = client_as("coordinator_a").post(reverse("planner:absences"), {
        "aesh": planned["aesh"].pk, "start_date": "2026-12-10", "end_date": "2026-12-01", "reason": "STRIKE"})
    assert response.status_code == 200 and "absence doit suivre son début" in response.content.decode().replace("&#x27;", "'")
    assert not Absence.objects.exists()


def _import(client, text):
    upload = SimpleUploadedFile("edt.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("planner:import"), {"file": upload, "pole": client.pole_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = response["Location"].rstrip("/").split("/")[-2]
    return client.post(reverse("planner:import_preview", args=[token]))


def test_class_timetables_import_all_or_nothing(client_as, planned, world):
    client = client_as("coordinator_a")
    client.pole_id = world.pole_a.pk
    uai = world.schools_a[0].uai
    bad = (f"Établissement;Classe;Jour;Début;Fin;Semaine;Matière\n{uai};3e D;lundi;8h;9h;;Maths\n"
           f"{uai};3e D;dimanche;9:00;10:00;;Français\n{uai};3e D;mardi;10:00;9:00;C;EPS\n")
    page = _import(client, bad).content.decode()
    assert "n&#x27;est pas un jour" in page or "n'est pas un jour" in page
    assert "la fin du cours doit suivre son début" in page and "indiquez A, B" in page
    assert not ClassCourse.objects.filter(class_name="3e D").exists()
    good = (f"Établissement;Classe;Jour;Début;Fin;Semaine;Matière\n{uai};3e D;lundi;8h;9h;;Maths\n"
            f"{uai};3e D;mardi;09:00;10:00;A;Français\n")
    response = _import(client, good)
    assert response.status_code == 302
    assert ClassCourse.objects.filter(class_name="3e D").count() == 2
    assert ClassCourse.objects.get(class_name="3e D", weekday=1).week == "A"


def test_the_database_allows_one_active_run_per_pole(planned, world):
    pole = planned["aesh"].home_pole
    PlannerRun.objects.create(pole=pole, start_date=YEAR_END, state="RUNNING")
    PlannerRun.objects.create(pole=pole, start_date=YEAR_END, state="DONE")  # finished runs do not count
    PlannerRun.objects.create(pole=world.pole_b, start_date=YEAR_END, state="QUEUED")  # another pôle
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannerRun.objects.create(pole=pole, start_date=YEAR_END, state="QUEUED")


def test_a_silent_run_ends_and_lets_a_new_one_start(client_as, planned, start_run):
    stale = PlannerRun.objects.create(pole=planned["aesh"].home_pole, start_date=YEAR_END, state="RUNNING",
                                      heartbeat_at=timezone.now() - datetime.timedelta(minutes=30))
    response = start_run(client_as("coordinator_a"))
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.state == "FAILED" and "ne répondait plus" in stale.step
    assert PlannerRun.objects.filter(state="DONE").count() == 1
    # A run from before the heartbeats (none recorded), old enough, ends too; a fresh one does not.
    PlannerRun.objects.create(pole=planned["aesh"].home_pole, start_date=YEAR_END, state="QUEUED")
    assert runs.end_stale(pole_id=planned["aesh"].home_pole_id) == 0
    PlannerRun.objects.filter(state="QUEUED").update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert runs.end_stale(pole_id=planned["aesh"].home_pole_id) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_start_one_run(postgres_db, planned, world):
    """Both requests pass every check before either inserts (a barrier holds them there):
    with `select_for_update().exists()`, which locks nothing when no run exists, both runs
    were created; the partial unique constraint makes the second insert wait, then fail."""
    def click():
        client = Client()
        client.force_login(world.users["coordinator_a"])
        return _poststart_run(client)

    with mock.patch.object(services, "_dispatch", lambda run_id: None):
        responses = at_once(2, click, holding=runs, name="end_stale", after=True)
    statuses = [r.status_code for r in responses]
    pages = [r.content.decode() for r in responses]
    assert sorted(statuses) == [200, 302]
    assert any("déjà en cours de calcul" in page for page in pages)
    assert PlannerRun.objects.filter(pole=world.pole_a).count() == 1


def test_a_silent_run_is_swept_on_schedule_and_when_its_page_loads(client_as, planned, world):
    """Issue 20: a stale run ends without waiting for the next run (the beat's task, or any
    planner page that looks at it)."""
    from django.conf import settings

    from planner import tasks

    silent = timezone.now() - datetime.timedelta(minutes=30)
    here = PlannerRun.objects.create(pole=planned["aesh"].home_pole, start_date=YEAR_END, state="RUNNING",
                                     heartbeat_at=silent)
    elsewhere = PlannerRun.objects.create(pole=world.pole_b, start_date=YEAR_END, state="QUEUED", heartbeat_at=silent)
    alive = PlannerRun.objects.create(pole=world.pole_b, start_date=YEAR_END, state="DONE")
    status = client_as("coordinator_a").get(reverse("planner:status", args=[here.pk])).json()
    assert status["state"] == "FAILED"
    elsewhere.refresh_from_db()
    assert elsewhere.state == "QUEUED"  # a page of pôle A does not touch pôle B
    assert tasks.sweep_stale_runs() == 1
    elsewhere.refresh_from_db()
    alive.refresh_from_db()
    assert elsewhere.state == "FAILED" and alive.state == "DONE"
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "planner.tasks.sweep_stale_runs" in schedule

