"""The dashboard's figures, cached once per change (missions.figures, pial.figures): every write
that moves them, through a service, a bulk path or raw SQL, shows on the next request; a pôle never
reads another's; the date is in the key."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from aesh.models import Contract
from eleves import services as eleves_services
from eleves.models import Notification, Student
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions import selectors, services
from missions.models import Assignment, AssignmentKind, TimeSlot
from missions.tests.conftest import YEAR_END, YEAR_START
from missions.timetable_apply import NewSlot, week_apply
from pial import figures
from pial.scope import Scope

pytestmark = pytest.mark.django_db
URL = reverse("missions:dashboard")


def _slot(team, world, weekday=0):
    return TimeSlot(aesh=team["aesh"], weekday=weekday, start_time=datetime.time(8, 30),
                    end_time=datetime.time(11, 30), school=world.schools_a[0], valid_from=YEAR_START,
                    valid_until=YEAR_END)


def _board(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    totals = response.context["totals"]
    return (totals.students, totals.waiting, totals.notified_minutes, totals.assured_individual_minutes,
            totals.available_minutes, totals.used_minutes), response.content.decode()


def _truth(world, key):
    """The figures computed afresh, without any cache."""
    totals = selectors.dashboard(Scope.of(world.users[key].memberships.get()), timezone.localdate())
    return (totals.students, totals.waiting, totals.notified_minutes, totals.assured_individual_minutes,
            totals.available_minutes, totals.used_minutes)


def test_a_slot_saved_through_the_page_shows_on_the_next_request(client_as, team, world):
    client = client_as("coordinator_a")
    before, _ = _board(client)
    assert _board(client)[0] == before  # read from the cache
    data = {"weekday": 0, "start_time": "08:30", "end_time": "11:30", "school": world.schools_a[0].pk,
            "kind": "CLASS", "week": "", "assignments": [team["assignment"].pk],
            "valid_from": YEAR_START.isoformat(), "valid_until": YEAR_END.isoformat()}
    assert client.post(reverse("missions:slot_create", args=[team["aesh"].pk]), data).status_code == 302
    after, _ = _board(client)
    assert after[3] == before[3] + 180 and after[5] == before[5] + 180
    assert after == _truth(world, "coordinator_a")


def test_slot_service_edit_and_delete_show_on_the_next_request(client_as, team, world):
    client = client_as("coordinator_a")
    slot = _slot(team, world)
    services.slot_save(slot=slot, assignments=[team["assignment"]], user=None)
    assert _board(client)[0][5] == 180
    slot.end_time = datetime.time(12, 30)
    services.slot_save(slot=slot, assignments=[team["assignment"]], user=None)
    assert _board(client)[0][5] == 240
    services.slot_delete(slot=slot, user=None)
    assert _board(client)[0][5] == 0
    assert _board(client)[0] == _truth(world, "coordinator_a")


def test_a_week_applied_in_bulk_shows_on_the_next_request(client_as, team, world):
    client = client_as("coordinator_a")
    before, _ = _board(client)
    lines = [NewSlot(aesh_id=team["aesh"].pk, student_ids=(team["bruno"].pk,), exclusive=True, weekday=d,
                     start=datetime.time(9), end=datetime.time(10), school_id=team["bruno"].school_id)
             for d in range(2)]
    week_apply(additions=lines, endings=[], start=timezone.localdate(), user=None)
    after, _ = _board(client)
    assert after[5] == before[5] + 120 and after[3] == before[3] + 120
    assert after == _truth(world, "coordinator_a")


def test_notification_changes_show_on_the_next_request(client_as, team, world):
    client = client_as("coordinator_a")
    before, _ = _board(client)
    notification = Notification.objects.get(student=team["bruno"])
    notification.weekly_hours = Decimal("9")
    eleves_services.notification_save(notification=notification)  # the form's service
    after, _ = _board(client)
    assert after[2] == before[2] + 180
    Notification.objects.filter(pk=notification.pk).update(weekly_hours=Decimal("12"))  # a bulk path
    assert _board(client)[0][2] == before[2] + 360
    Notification.objects.filter(pk=notification.pk).delete()
    assert _board(client)[0][0] == before[0] - 1
    assert _board(client)[0] == _truth(world, "coordinator_a")


@pytest.mark.parametrize("write", ["bulk_create", "update_contract", "raw_sql", "link_rows", "student_moves"])
def test_every_write_path_renews_the_figures(client_as, team, world, write):
    """The paths that send no model signal: bulk_create, queryset.update(), raw SQL, the through
    table of slots and assignments, a student moved to another pôle's school."""
    client = client_as("coordinator_a")
    before, _ = _board(client)
    if write == "bulk_create":
        student = Student.objects.bulk_create([Student(first_name="Zoé", last_name="Vrac", school=world.schools_a[0],
                                                       birth_date=datetime.date(2015, 1, 1))])[0]
        Notification.objects.bulk_create([Notification(student=student, start_date=YEAR_START, end_date=YEAR_END,
                                                       aid_kind="INDIVIDUELLE", weekly_hours=Decimal(6))])
        assert _board(client)[0][0] == before[0] + 1
    elif write == "update_contract":
        Contract.objects.filter(aesh=team["aesh"]).update(weekly_hours=Decimal("12"))
        assert _board(client)[0][4] == 12 * 60
    elif write == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE eleves_notification SET weekly_hours = 10 WHERE student_id = %s",
                           [team["bruno"].pk])
        assert _board(client)[0][2] == before[2] + 240
    elif write == "link_rows":
        slot = _slot(team, world)
        slot.minutes = 180  # save() computes it, bulk_create does not
        slot = TimeSlot.objects.bulk_create([slot])[0]
        assert _board(client)[0][5] == 180 and _board(client)[0][3] == before[3]
        TimeSlot.assignments.through.objects.bulk_create(
            [TimeSlot.assignments.through(timeslot=slot, assignment=team["assignment"])])
        assert _board(client)[0][3] == before[3] + 180
    else:
        Student.objects.filter(pk=team["bruno"].pk).update(school=world.schools_b[0])
        assert _board(client)[0][0] == before[0] - 1
        assert "CARRÉ" in client_as("coordinator_b").get(URL).content.decode()
    assert _board(client_as("coordinator_a"))[0] == _truth(world, "coordinator_a")


def test_a_pole_never_reads_another_poles_figures(client_as, team, world):
    a, html_a = _board(client_as("coordinator_a"))
    b, html_b = _board(client_as("coordinator_b"))
    assert a != b and b == _truth(world, "coordinator_b") and b[0] == 0
    assert "CARRÉ" in html_a and "CARRÉ" not in html_b
    # Pôle B's own student, cached for B, never shows in A.
    other = StudentFactory(school=world.schools_b[0], last_name="Ailleurs")
    NotificationFactory(student=other, start_date=YEAR_START, end_date=YEAR_END)
    b, html_b = _board(client_as("coordinator_b"))
    assert b[0] == 1 and "AILLEURS" in html_b
    a_again, html_a = _board(client_as("coordinator_a"))
    assert a_again == a and "AILLEURS" not in html_a


def test_a_pilot_shares_the_figures_not_the_coordinators_links(client_as, team, world):
    coordinator = client_as("coordinator_a").get(URL).content.decode()
    pilot = client_as("pilot_a").get(URL).content.decode()
    assert "Affecter</a>" in coordinator and "Affecter</a>" not in pilot
    assert "CARRÉ" in pilot


@pytest.mark.parametrize("who", ["aesh_a", "inspector_a", "referent_a", "gestionnaire", "norole"])
def test_who_may_not_see_the_dashboard_even_cached(client_as, team, world, who):
    client_as("coordinator_a").get(URL)  # the figures cached
    assert client_as(who).get(URL).status_code in (302, 403)


def test_a_precise_write_renews_its_poles_only(team, world):
    names = ("global", f"pole:{world.pole_a.pk}", f"pole:{world.pole_b.pk}", "national")
    before = figures.stamp(*names)
    services.slot_save(slot=_slot(team, world), assignments=[team["assignment"]], user=None)
    after = figures.stamp(*names)
    assert [b == a for b, a in zip(before, after, strict=True)] == [True, False, True, False]
    Student.objects.filter(pk=team["bruno"].pk).update(last_name="Carré-Roux")  # says nothing: every pôle
    assert figures.stamp(*names)[0] != after[0]


def test_versions_are_renewed_when_the_transaction_commits(team, world, django_capture_on_commit_callbacks):
    before = figures.stamp(figures.GLOBAL)
    figures._local.read = set()  # another thread read it: nothing to renew at once
    connections["default"].__dict__.pop("_pial_figures", None)  # as in a new transaction (the test's holds the fixtures')
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        Notification.objects.filter(student=team["bruno"]).update(weekly_hours=Decimal("7"))
        Notification.objects.filter(student=team["alice"]).update(weekly_hours=Decimal("7"))
        assert figures.stamp(figures.GLOBAL) == before
    assert len(callbacks) == 1  # one renewal per transaction, whatever the number of writes
    assert figures.stamp(figures.GLOBAL) != before


def test_the_next_day_is_computed_afresh(client_as, team, world, monkeypatch):
    client = client_as("coordinator_a")
    assert "(60 j)" in _board(client)[1]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "(61 j)" in _board(client)[1]


def test_the_waiting_list_is_capped_and_says_so(client_as, team, world, monkeypatch):
    monkeypatch.setattr("missions.figures.WAITING_SHOWN", 1)
    _, html = _board(client_as("coordinator_a"))
    assert "L'attente la plus ancienne est listée ; 1 autre élève attend aussi." in html


@pytest.mark.parametrize(("sql", "watched"), [
    ('SELECT "eleves_student"."id" FROM "eleves_student" FOR UPDATE', False),
    ("WITH pupils AS (SELECT id FROM eleves_student) SELECT count(*) FROM pupils", False),
    ('INSERT INTO "eleves_accesslog" ("student_id") VALUES (%s)', False),
    ('UPDATE "aesh_aesh_schools" SET "school_id" = %s', False),
    ('INSERT INTO "eleves_accesslog" ("pole_id") SELECT "school_id" FROM "eleves_student"', False),
    ("INSERT INTO eleves_notification(student_id) VALUES (1)", True),
    (' WITH gone AS (SELECT 1) DELETE FROM "missions_timeslot" WHERE "id" IN (SELECT 1)', True),
    ('INSERT OR IGNORE INTO "missions_timeslot_assignments" ("timeslot_id") VALUES (%s)', True),
    ('UPDATE "missions_assignment" SET "end_date" = %s', True),
    ('DELETE FROM "aesh_amendment" WHERE "id" IN (%s)', True),
    ("update public.eleves_student set school_id = 1", True),
    ('INSERT INTO "pial_schoolyear" ("name") VALUES (%s) ON CONFLICT DO UPDATE SET "name" = %s', True),
])
def test_which_statements_are_writes_to_watched_tables(sql, watched):
    assert figures.watched_target(sql) is watched


def test_an_assignment_created_shows_on_the_next_request(client_as, team, world):
    client = client_as("coordinator_a")
    assert "aucun AESH affecté" in _board(client)[1]
    services.assignment_save(assignment=Assignment(aesh=team["aesh"], student=team["bruno"],
                                                   kind=AssignmentKind.INDIVIDUELLE, start_date=YEAR_START,
                                                   end_date=YEAR_END))
    after, html = _board(client)
    assert after == _truth(world, "coordinator_a") and "aucun AESH affecté" not in html


def test_without_a_cache_the_figures_are_computed_each_time(client_as, team, world, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = client_as("coordinator_a")
    before, _ = _board(client)
    services.slot_save(slot=_slot(team, world), assignments=[team["assignment"]], user=None)
    assert _board(client)[0][5] == before[5] + 180


def test_a_rolled_back_savepoint_does_not_lose_what_follows(team, world, django_capture_on_commit_callbacks):
    before = figures.stamp(figures.GLOBAL)
    figures._local.read = set()
    connections["default"].__dict__.pop("_pial_figures", None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Notification.objects.filter(student=team["bruno"]).update(weekly_hours=Decimal("7"))
            raise RuntimeError  # the savepoint and its callback go
        Notification.objects.filter(student=team["alice"]).update(weekly_hours=Decimal("7"))
    assert len(callbacks) == 1 and figures.stamp(figures.GLOBAL) != before


def test_the_rows_written_in_python_are_escaped_and_complete(client_as, team, world):
    probe = StudentFactory(school=world.schools_a[1], first_name="<i>x</i>", last_name='"><b>Sonde</b>')
    NotificationFactory(student=probe, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("7.5"))
    mutual = StudentFactory(school=world.schools_a[2], last_name="Partage")
    NotificationFactory(student=mutual, start_date=YEAR_START, end_date=YEAR_END, aid_kind="MUTUALISEE",
                        weekly_hours=None)
    _, html = _board(client_as("coordinator_a"))
    assert "<b>Sonde" not in html and "<i>x" not in html and "&lt;B&gt;SONDE&lt;/B&gt;" in html
    row = html[html.index(f'href="/eleves/{probe.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert "École Alpha 1" in row and "Individuelle · 7 h 30" in row and "fr-badge--error" in row
    assert "7 h 30 / sem." in row and f"?student={probe.pk}&amp;kind=INDIVIDUELLE" in row
    row = html[html.index(f'href="/eleves/{mutual.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert "<td>Mutualisée</td>" in row and "<td>—</td>" in row
    alice = html[html.index(f'href="/eleves/{team["alice"].pk}/"'):]
    alice = alice[:alice.index("</tr>")]
    assert "fr-badge--warning" in alice and "AESH désigné·e, aucun créneau" in alice and "(60 j)" in alice


def test_a_territory_wider_than_a_pole_has_no_figures_key(world):
    """Only a pôle or the whole country has figures: an inspector's circonscription never shares a
    key (pole:None) with another territory's."""
    from missions.figures import scope_name

    inspector = world.users["inspector_a"].memberships.get()
    with pytest.raises(ValueError):
        scope_name(Scope.of(inspector))
