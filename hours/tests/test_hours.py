"""The AESH's declared week: pre-fill, limits, workflow, idempotence, balances, permissions,
query counts, reminder, exports. Dates are pinned: Wednesday 25 November 2026, zone B."""

import contextlib
import datetime
import html as htmllib
import io
import threading
from decimal import Decimal
from unittest import mock

import factory
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from aesh.enums import AbsenceReason
from aesh.models import Absence, Training
from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from hours import jobs, selectors, services
from hours.enums import Attendance, EntryKind, TimesheetAction, TimesheetState
from hours.models import TimeEntry, Timesheet, TimesheetEvent
from hours.tests.factories import TimesheetFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from pial import reminders
from pial.models import Reminder, SchoolYear
from pial.tests.helpers import count_queries
from pial.tests.races import at_once

D, T = datetime.date, datetime.time
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
WEEK_A = D(2026, 11, 9)     # Wednesday 11 November: public holiday
WEEK_B = D(2026, 11, 16)
TOUSSAINT = D(2026, 10, 19)  # school holidays, zone B


@pytest.fixture(autouse=True)
def _pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def crew(world):
    """Léa (aesh_a, pôle A, 24 h over 41 weeks) with Alice; Noé (aesh_b, pôle B)."""
    SchoolYear.objects.create(name="2026-2027", start_date=D(2026, 9, 1), end_date=D(2027, 7, 3), is_current=True)
    lea = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"], first_name="Léa", last_name="Martin",
                      email="aesh_a@ac-test.fr")
    ContractFactory(aesh=lea)
    noe = AeshFactory(home_pole=world.pole_b, user=world.users["aesh_b"], first_name="Noé", last_name="Petit",
                      email="aesh_b@ac-test.fr")
    ContractFactory(aesh=noe)
    alice = StudentFactory(school=world.schools_a[0], first_name="Alice", last_name="Bonnet")
    NotificationFactory(student=alice, weekly_hours=Decimal(12))
    assignment = Assignment.objects.create(aesh=lea, student=alice, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=D(2025, 9, 1), end_date=D(2028, 8, 31))

    def slot(aesh, weekday, start, end, week="", school=None):
        created = TimeSlot.objects.create(aesh=aesh, weekday=weekday, start_time=T(*start), end_time=T(*end),
                                          school=school or world.schools_a[0], week=week, valid_from=D(2026, 8, 31))
        if aesh == lea:
            created.assignments.set([assignment])
        return created

    for weekday in (0, 1, 2):
        slot(lea, weekday, (8, 30), (11, 30))
    slot(lea, 3, (13, 30), (16, 30), week="A")
    slot(lea, 4, (8, 30), (10, 30), week="B", school=world.schools_a[1])
    slot(noe, 0, (8, 30), (11, 30), school=world.schools_b[0])
    return {"lea": lea, "noe": noe, "alice": alice}


def slug(monday):
    return f"{monday.isocalendar()[0]}-S{monday.isocalendar()[1]:02d}"


def week_url(monday):
    return reverse("hours:week", args=[slug(monday)])


def form_data(sheet, changes=None, action="save"):
    """What the week page posts when nothing is touched, with `changes` applied."""
    data = {"version": sheet.version, "comment": sheet.comment, "action": action}
    for entry in sheet.entries.filter(kind=EntryKind.SLOT):
        data[f"slot-{entry.pk}-attendance"] = entry.attendance
        data[f"slot-{entry.pk}-minutes"] = f"{entry.minutes} min"
        data[f"slot-{entry.pk}-reason"] = entry.absence_reason
    data.update(changes or {})
    return data


def open_week(client, crew, monday=WEEK_B) -> Timesheet:
    """The AESH looks at their week (a GET, which creates nothing), then it exists as their first
    POST would create it."""
    assert client.get(week_url(monday)).status_code == 200
    return services.timesheet_open(aesh=crew["lea"], monday=monday)


def text(response) -> str:
    """The page as a person reads it (entities such as &#x27; decoded)."""
    return htmllib.unescape(response.content.decode())


def slot_entry(sheet, day):
    return sheet.entries.get(kind=EntryKind.SLOT, day=day)


# --- Pre-fill ------------------------------------------------------------------------------------

def test_prefill_leaves_out_a_public_holiday_and_follows_week_a(crew):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_A)
    days = list(sheet.entries.values_list("day", flat=True))
    assert days == [D(2026, 11, 9), D(2026, 11, 10), D(2026, 11, 12)]  # no Wednesday 11, Thursday is week A
    assert sheet.planned_minutes == sheet.accompaniment_minutes == 540
    assert sheet.main_school == crew["alice"].school


def test_prefill_of_a_week_b(crew):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    assert [(e.day.weekday(), e.planned_minutes) for e in sheet.entries.all()] == [(0, 180), (1, 180), (2, 180),
                                                                                   (4, 120)]
    assert sheet.planned_minutes == 660


def test_prefill_marks_the_days_of_an_absence_period_with_its_motif(crew):
    """One absence concept (aesh.Absence): a period the coordination entered pre-fills the week."""
    Absence.objects.create(aesh=crew["lea"], start_date=D(2026, 11, 17), end_date=D(2026, 11, 18),
                           reason=AbsenceReason.TRAINING)
    Absence.objects.create(aesh=crew["noe"], start_date=WEEK_B, end_date=D(2026, 11, 20),
                           reason=AbsenceReason.STRIKE)  # someone else's absence changes nothing for Léa
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    rows = [(e.day.weekday(), e.attendance, e.minutes, e.absence_reason) for e in sheet.entries.order_by("day")]
    assert rows == [(0, Attendance.DONE, 180, ""), (1, Attendance.AESH_ABSENT, 0, AbsenceReason.TRAINING),
                    (2, Attendance.AESH_ABSENT, 0, AbsenceReason.TRAINING), (4, Attendance.DONE, 120, "")]
    assert sheet.absence_minutes == 360 and sheet.accompaniment_minutes == 300


def test_prefill_of_a_school_holiday_week_is_empty(crew):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=TOUSSAINT)
    assert sheet.entries.count() == 0 and sheet.planned_minutes == 0


def test_the_aesh_opens_their_week_once_with_their_students(client_as, crew):
    client = client_as("aesh_a")
    html = text(client.get(week_url(WEEK_B)))
    assert "Semaine du 16 au 20 novembre 2026" in html and "Prévu : 3 h" in html and "BONNET Alice" in html
    client.get(week_url(WEEK_B))
    assert not Timesheet.objects.exists() and not TimeEntry.objects.exists()  # a GET writes nothing
    assert client.get(week_url(D(2026, 11, 30))).status_code == 404  # a week to come
    assert client.get("/missions/heures/semaine/2026-S99/").status_code == 404
    assert client.get(week_url(D(2025, 11, 10))).status_code == 404  # more than a year ago


def test_the_first_post_creates_the_week_the_get_showed(client_as, crew):
    """The page of a week never opened names its lines by day and slot; its first POST creates
    the week and saves what was typed on those lines."""
    client = client_as("aesh_a")
    html = client.get(week_url(WEEK_B)).content.decode()
    planned = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)  # what the first POST creates
    data = {"version": planned.version, "comment": "", "action": "save", "keys": "occurrence"}
    for entry in planned.entries.filter(kind=EntryKind.SLOT):
        key = f"slot-{entry.day:%Y%m%d}-{entry.slot_id}"
        assert f'name="{key}-minutes"' in html
        data |= {f"{key}-attendance": entry.attendance, f"{key}-minutes": "2 h" if entry.day == WEEK_B else
                 f"{entry.minutes} min", f"{key}-reason": ""}
    assert 'name="keys" value="occurrence"' in html
    Timesheet.objects.all().delete()
    assert client.post(week_url(WEEK_B), data).status_code == 302
    sheet = Timesheet.objects.get()
    assert slot_entry(sheet, WEEK_B).minutes == 120 and sheet.version == 1
    # The page it redirects to still posts by day and slot; that works on the week now created.
    data[f"slot-{WEEK_B:%Y%m%d}-{slot_entry(sheet, WEEK_B).slot_id}-minutes"] = "2 h 30"
    assert client.post(week_url(WEEK_B), {**data, "version": 1}).status_code == 302
    assert slot_entry(sheet, WEEK_B).minutes == 150


def test_a_refused_first_post_creates_nothing(client_as, crew):
    client = client_as("aesh_a")
    html = text(client.post(week_url(WEEK_B), {"version": "0", "keys": "occurrence", "connexe-PREPARATION": "٣"}))
    assert "« ٣ » n'est pas une durée" in html
    assert not Timesheet.objects.exists() and not TimeEntry.objects.exists()
    client.post(reverse("hours:add", args=[slug(WEEK_B)]), {"kind": EntryKind.OUTING, "day": "2026-11-17",
                                                             "duration": "", "token": "t"})
    assert not Timesheet.objects.exists() and not TimeEntry.objects.exists()


def test_a_blank_duration_on_a_line_done_is_an_error(client_as, crew):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    monday = slot_entry(sheet, WEEK_B)
    response = client.post(week_url(WEEK_B), form_data(sheet, {f"slot-{monday.pk}-minutes": " "}))
    assert "Lundi 16/11, créneau 08:30–11:30 : indiquez la durée réalisée (0 si rien n'a été fait)." in text(response)
    sheet.refresh_from_db()
    assert sheet.version == 0
    # Absent with a reason: nothing to type, the line counts 0.
    response = client.post(week_url(WEEK_B), form_data(sheet, {
        f"slot-{monday.pk}-minutes": "", f"slot-{monday.pk}-attendance": "AESH_ABSENT",
        f"slot-{monday.pk}-reason": AbsenceReason.SICK_LEAVE}))
    assert response.status_code == 302
    monday.refresh_from_db()
    assert monday.minutes == 0
    html = text(client.post(reverse("hours:add", args=[slug(WEEK_B)]),
                            {"kind": EntryKind.OUTING, "day": "2026-11-17", "duration": "", "token": "t"}))
    assert "Durée : indiquez une durée (0 si aucune)." in html


# --- Limits: French messages naming the day and the field; nothing saved -------------------------

def test_a_day_beyond_10_hours_is_refused(client_as, crew):
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    response = client.post(reverse("hours:add", args=[slug(WEEK_B)]),
                           {"kind": EntryKind.OUTING, "day": "2026-11-17", "duration": "7 h 15", "token": "t1"})
    html = text(response)
    assert response.status_code == 200
    assert "Mardi 17/11 : 10 h 15 de travail déclarées, au-delà de 10 h par jour." in html
    assert not TimeEntry.objects.filter(kind=EntryKind.OUTING).exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("2h10", "Lundi 16/11, créneau 08:30–11:30 : 2 h 10 n'est pas un nombre entier de quarts d'heure"),
    ("-1", "Lundi 16/11, créneau 08:30–11:30 : « -1 » : une durée ne peut pas être négative."),
    ("beaucoup", "Lundi 16/11, créneau 08:30–11:30 : « beaucoup » n'est pas une durée"),
])
def test_bad_durations_are_refused_naming_the_line(client_as, crew, typed, message):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    monday = slot_entry(sheet, WEEK_B)
    response = client.post(week_url(WEEK_B), form_data(sheet, {f"slot-{monday.pk}-minutes": typed}))
    assert message in text(response)
    monday.refresh_from_db()
    sheet.refresh_from_db()
    assert monday.minutes == 180 and sheet.version == 0


def test_connexe_time_beyond_a_plausible_week_is_refused(client_as, crew):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    response = client.post(week_url(WEEK_B), form_data(sheet, {"connexe-PREPARATION": "25 h"}))
    assert "Activités connexes : 25 h, c'est plus que 20 h par semaine." in text(response)
    assert not sheet.entries.filter(kind=EntryKind.CONNEXE).exists()


def test_an_absence_needs_its_reason(client_as, crew):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    monday = slot_entry(sheet, WEEK_B)
    response = client.post(week_url(WEEK_B), form_data(sheet, {f"slot-{monday.pk}-attendance": "AESH_ABSENT"}))
    assert "Lundi 16/11, créneau 08:30–11:30 : indiquez le motif de votre absence." in text(response)
    monday.refresh_from_db()
    assert monday.attendance == Attendance.DONE


# --- Workflow ------------------------------------------------------------------------------------

def test_declare_submit_validate_lock_reopen(client_as, crew, world):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    monday = slot_entry(sheet, WEEK_B)
    response = client.post(week_url(WEEK_B), form_data(sheet, {
        f"slot-{monday.pk}-attendance": "AESH_ABSENT", f"slot-{monday.pk}-reason": AbsenceReason.SICK_LEAVE,
        "connexe-PREPARATION": "1h30", "comment": "Réunion ESS décalée."}, action="submit"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED
    assert (sheet.absence_minutes, sheet.accompaniment_minutes, sheet.connexe_minutes) == (180, 480, 90)
    assert sheet.anomalies == []  # an absence with its reason is no gap

    coordinator = client_as("coordinator_a")
    decide = reverse("hours:decide", args=[sheet.pk])
    assert coordinator.post(decide, {"action": "validate"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.VALIDATED and sheet.validated_by == world.users["coordinator_a"]

    client = client_as("aesh_a")
    html = text(client.post(week_url(WEEK_B), form_data(sheet, {"connexe-PREPARATION": "3 h"})))
    assert "ne peut plus être modifiée" in html
    sheet.refresh_from_db()
    assert sheet.connexe_minutes == 90

    coordinator = client_as("coordinator_a")
    coordinator.post(decide, {"action": "reopen", "comment": "x" * 1001})
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.VALIDATED  # a comment too long decides nothing
    coordinator.post(decide, {"action": "reopen", "comment": ""})
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.VALIDATED  # no reason, no reopening
    coordinator.post(decide, {"action": "reopen", "comment": "Le lundi était un jour de grève."})
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.RETURNED and sheet.validated_at is None
    event = sheet.events.get(action=TimesheetAction.REOPENED)
    assert event.user_email == "coordinator_a@ac-test.fr" and event.comment == "Le lundi était un jour de grève."
    html = text(client_as("aesh_a").get(week_url(WEEK_B)))
    assert "La coordination vous a renvoyé cette semaine" in html and "jour de grève" in html


def test_a_returned_week_shows_the_comment_and_can_be_sent_again(client_as, crew, world):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    with pytest.raises(ValidationError, match="ce qu'il faut corriger"):
        services.timesheet_return(timesheet=sheet, user=world.users["coordinator_a"], comment=" ")
    services.timesheet_return(timesheet=sheet, user=world.users["coordinator_a"], comment="Vendredi : 2 h ?")
    client = client_as("aesh_a")
    assert "« Vendredi : 2 h ? »" in text(client.get(week_url(WEEK_B)))
    sheet.refresh_from_db()
    client.post(week_url(WEEK_B), form_data(sheet, action="submit"))
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED
    assert list(sheet.events.values_list("action", flat=True)) == ["SUBMITTED", "RETURNED", "SUBMITTED"]


def test_training_feeds_the_60_hours_once_validated_and_leaves_on_reopening(client_as, crew, world):
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    client.post(reverse("hours:add", args=[slug(WEEK_B)]), {
        "kind": EntryKind.TRAINING, "day": "2026-11-19", "duration": "3", "label": "Troubles DYS",
        "training_kind": "ADAPTATION", "token": "abc"})
    sheet = Timesheet.objects.get()
    assert sheet.training_minutes == 180 and not Training.objects.exists()
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    services.timesheet_validate(timesheet=sheet, user=world.users["coordinator_a"])
    training = Training.objects.get()
    assert (training.kind, training.hours, training.date, training.title) == ("ADAPTATION", Decimal(3),
                                                                              D(2026, 11, 19), "Troubles DYS")
    services.timesheet_reopen(timesheet=sheet, user=world.users["coordinator_a"], comment="Date à corriger")
    assert not Training.objects.exists()


def test_a_training_needs_its_title(client_as, crew):
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    html = text(client.post(reverse("hours:add", args=[slug(WEEK_B)]), {
        "kind": EntryKind.TRAINING, "day": "2026-11-19", "duration": "3", "token": "x"}))
    assert "Indiquez l'intitulé de la formation suivie." in html
    assert not TimeEntry.objects.filter(kind=EntryKind.TRAINING).exists()


# --- Nothing twice, nothing lost -----------------------------------------------------------------

def test_double_click_and_resubmission_change_nothing(client_as, crew):
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    add = {"kind": EntryKind.LUNCH, "day": "2026-11-16", "duration": "45 min", "token": "same-token"}
    client.post(reverse("hours:add", args=[slug(WEEK_B)]), add)
    client.post(reverse("hours:add", args=[slug(WEEK_B)]), add)
    assert TimeEntry.objects.filter(kind=EntryKind.LUNCH).count() == 1
    sheet = Timesheet.objects.get()
    posted = form_data(sheet, {"connexe-CONCERTATION": "45 min"}, action="submit")
    assert client.post(week_url(WEEK_B), posted).status_code == 302
    # The connection dropped; the browser sends the same form again (its version is now stale).
    assert client.post(week_url(WEEK_B), posted).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED and sheet.connexe_minutes == 45
    assert TimesheetEvent.objects.filter(action=TimesheetAction.SUBMITTED).count() == 1
    assert Timesheet.objects.count() == 1


def test_another_tab_with_other_values_is_told_and_loses_nothing(client_as, crew):
    client = client_as("aesh_a")
    sheet = open_week(client, crew)
    first_tab = form_data(sheet, {"connexe-PREPARATION": "1 h"})
    second_tab = form_data(sheet, {"connexe-FAMILY": "30 min"})
    client.post(week_url(WEEK_B), first_tab)
    html = text(client.post(week_url(WEEK_B), second_tab))
    assert "modifiée entre-temps" in html and 'value="30 min"' in html  # what was typed is shown again
    sheet.refresh_from_db()
    assert {e.category: e.minutes for e in sheet.entries.filter(kind=EntryKind.CONNEXE)} == {"PREPARATION": 60}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_opening_and_submitting_yield_one_week(postgres_db, crew, world):
    """Two tabs open and send the same week at the same moment: one week, one submission."""

    def tab():
        sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
        services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
        return sheet.pk

    # Both have seen "no week yet" before either creates it.
    results = at_once(2, tab, holding=services, name="_existing_week", after=True)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == [] and len(set(results)) == 1
    assert Timesheet.objects.count() == 1 and TimeEntry.objects.count() == 4
    assert TimesheetEvent.objects.filter(action=TimesheetAction.SUBMITTED).count() == 1


@pytest.mark.parametrize(("fields", "constraint"), [
    ({"state": TimesheetState.VALIDATED, "submitted_at": NOW, "validated_at": NOW}, "timesheet_validated_has_validator"),
    ({"state": TimesheetState.VALIDATED, "submitted_at": NOW, "validated_by": True}, "timesheet_validated_has_date"),
    ({"state": TimesheetState.SUBMITTED}, "timesheet_handed_in_has_date"),
    ({"state": TimesheetState.DRAFT, "submitted_at": NOW}, "timesheet_draft_never_handed_in"),
    ({"state": TimesheetState.RETURNED, "submitted_at": NOW}, "timesheet_returned_says_why"),
    ({"state": TimesheetState.SUBMITTED, "submitted_at": NOW, "validated_at": NOW},
     "timesheet_validation_only_when_validated"),
    ({"state": "LOST", "submitted_at": NOW}, "timesheet_state_known"),
])
def test_the_database_ties_each_state_to_its_fields(crew, world, fields, constraint):
    """Not only the services: a write from the admin, a shell or an import cannot break a state."""
    if fields.pop("validated_by", False):
        fields["validated_by"] = world.users["coordinator_a"]
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Timesheet.objects.create(aesh=crew["lea"], week_start=WEEK_B, **fields)
    assert not Timesheet.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["validate", "return"])
def test_two_coordinators_deciding_the_same_week_at_once_make_one_decision(postgres_db, crew, world, second):
    """Two coordinators click on the same transmitted week at the same moment: one decision is
    recorded, the other is refused in French, and the week's fields agree with its state."""
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    real = services._locked
    barrier = threading.Barrier(2, timeout=5)

    def together(timesheet):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # both have read the week as transmitted before either locks it
        return real(timesheet)

    decisions = {
        "validate": lambda who: services.timesheet_validate(timesheet=sheet, user=who),
        "return": lambda who: services.timesheet_return(timesheet=sheet, user=who, comment="Le mardi manque."),
    }
    outcomes, refusals = [], []

    def click(decision, who):
        try:
            decisions[decision](who)
            outcomes.append(decision)
        except ValidationError as error:
            refusals.append(" ".join(error.messages))
        finally:
            connection.close()

    second_coordinator = world.users["coordinator_a"].__class__.objects.create_user(email="coord2@ac-test.fr")
    with mock.patch.object(services, "_locked", together):
        threads = [threading.Thread(target=click, args=("validate", world.users["coordinator_a"])),
                   threading.Thread(target=click, args=(second, second_coordinator))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    sheet.refresh_from_db()
    events = list(TimesheetEvent.objects.filter(timesheet=sheet).exclude(action=TimesheetAction.SUBMITTED)
                  .values_list("action", flat=True))
    assert len(events) == 1
    if second == "validate":  # the same decision twice: recorded once, the second click is a no-op
        assert outcomes == ["validate", "validate"] and refusals == []
        assert sheet.state == TimesheetState.VALIDATED and events == [TimesheetAction.VALIDATED]
    else:
        assert len(outcomes) == 1 and len(refusals) == 1 and "Seule une semaine" in refusals[0]
        expected = TimesheetState.VALIDATED if outcomes == ["validate"] else TimesheetState.RETURNED
        assert sheet.state == expected
        assert (sheet.validated_at is not None) == (expected == TimesheetState.VALIDATED)


# --- Balances ------------------------------------------------------------------------------------

def test_balance_of_a_hand_computed_year(crew, world):
    lea, coordinator = crew["lea"], world.users["coordinator_a"]
    week_a = services.timesheet_open(aesh=lea, monday=WEEK_A)          # 9 h planned, all done
    services.timesheet_save(timesheet=week_a, slots={}, connexe={"PREPARATION": 60}, comment="", version=0)
    services.timesheet_submit(timesheet=week_a, user=lea.user)
    services.timesheet_validate(timesheet=week_a, user=coordinator)
    week_b = services.timesheet_open(aesh=lea, monday=WEEK_B)          # 11 h planned, Monday off sick
    monday = slot_entry(week_b, WEEK_B)
    services.timesheet_save(timesheet=week_b, slots={monday.pk: services.SlotAnswer("AESH_ABSENT", 0, "SICK_LEAVE")},
                            connexe={"CONCERTATION": 45, "ESS": 90}, comment="", version=0)
    services.timesheet_submit(timesheet=week_b, user=lea.user)
    services.timesheet_open(aesh=lea, monday=D(2026, 11, 23))          # a draft: not declared yet

    from aesh.selectors import aesh_for_detail
    from pial.scope import Scope

    balance = selectors.balance(aesh_for_detail(Scope.national()).get(pk=lea.pk), SchoolYear.objects.current(),
                                D(2026, 11, 25))
    assert (balance.weeks_declared, balance.weeks_validated) == (2, 1)
    assert (balance.totals.planned, balance.totals.accompaniment, balance.totals.absence) == (1200, 1020, 180)
    assert balance.totals.connexe == 195 and balance.validated.accompaniment == 540
    assert balance.contractual_minutes == 24 * 36 * 60          # weekly hours × 36 school weeks
    assert balance.lump_sum_minutes == 24 * (41 - 36) * 60       # the connexe lump sum of the contract
    assert dict(balance.connexe_by_category)["Préparation"] == 60
    assert dict(balance.connexe_by_category)["ESS, équipe éducative"] == 90
    assert balance.absences_by_reason == [("Congé maladie", 180)]
    rows = {a.pk: a for a in selectors.pole_balances(Scope.national(), SchoolYear.objects.current(),
                                                      D(2026, 11, 25))}
    assert (rows[lea.pk].accompaniment_minutes, rows[lea.pk].connexe_minutes, rows[lea.pk].weeks_declared) == (
        1020, 195, 2)


def test_balance_pages_frame_connexe_time_as_recognition(client_as, crew):
    html = text(client_as("aesh_a").get(reverse("hours:my_hours")))
    assert "Vos heures connexes déclarées" in html and "que le contrat reconnaît" in html
    assert "déficit" not in html.lower() and "retard" not in html.lower()
    html = text(client_as("coordinator_a").get(reverse("hours:balances")))
    assert "rien ici ne compare les AESH" in html
    # Rows are by name whatever the figures; the page offers no sort by connexe time.
    assert "sort=" not in html and html.index("MARTIN Léa") > 0


# --- Who may see and do what -----------------------------------------------------------------------

@pytest.fixture
def lea_week(crew, world):
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    return sheet


def urls(crew, sheet):
    lea = crew["lea"].pk
    return {
        "hours": reverse("hours:my_hours"), "week": week_url(WEEK_B), "queue": reverse("hours:queue"),
        "sheet": reverse("hours:timesheet", args=[sheet.pk]), "balances": reverse("hours:balances"),
        "aesh": reverse("hours:aesh", args=[lea]),
        "statement": reverse("hours:statement", args=[lea, 2026, 11]),
        "export": reverse("hours:month_export", args=[2026, 11, "xlsx"]),
        "referent_of": reverse("hours:referent_log_of", args=[lea]),
    }


EXPECTED = {
    #                hours week queue sheet balances aesh statement export referent_of
    "coordinator_a": (403, 403, 200, 200, 200, 200, 200, 200, 200),
    "coordinator_b": (403, 403, 200, 404, 200, 404, 404, 200, 404),
    "pilot_a":       (403, 403, 200, 200, 200, 200, 200, 200, 200),
    "aesh_a":        (200, 200, 403, 403, 403, 403, 403, 403, 403),
    "aesh_b":        (200, 200, 403, 403, 403, 403, 403, 403, 403),
    "inspector_a":   (403, 403, 403, 403, 403, 403, 403, 403, 403),
    "referent_a":    (403, 403, 403, 403, 403, 403, 403, 403, 403),
    "gestionnaire":  (403, 403, 403, 403, 403, 403, 403, 403, 403),
    "norole":        (403, 403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_hours_pages(client_as, crew, lea_week, who):
    client = client_as(who)
    for (name, url), status in zip(urls(crew, lea_week).items(), EXPECTED[who], strict=True):
        assert client.get(url).status_code == status, f"{who} {name}"


def test_an_aesh_reaches_only_their_own_week(client_as, crew, lea_week):
    html = text(client_as("aesh_b").get(week_url(WEEK_B)))
    assert "BONNET" not in html and "08:30–11:30" in html  # Noé's own Monday, not Léa's week
    assert not Timesheet.objects.filter(aesh=crew["noe"]).exists()  # shown, not created, by a GET
    entry = lea_week.entries.first()
    assert client_as("aesh_b").post(reverse("hours:remove", args=[entry.pk])).status_code == 404


def test_a_coordinator_of_another_pole_cannot_validate(client_as, lea_week):
    response = client_as("coordinator_b").post(reverse("hours:decide", args=[lea_week.pk]),
                                               {"action": "validate"})
    assert response.status_code == 404
    client_as("coordinator_b").post(reverse("hours:queue_validate"), {"timesheet": [lea_week.pk]})
    client_as("pilot_a").post(reverse("hours:queue_validate"), {"timesheet": [lea_week.pk]})
    lea_week.refresh_from_db()
    assert lea_week.state == TimesheetState.SUBMITTED


def test_bulk_validation_takes_only_clean_weeks(client_as, crew, world, lea_week):
    gap = services.timesheet_open(aesh=crew["lea"], monday=WEEK_A)
    monday = slot_entry(gap, WEEK_A)
    services.timesheet_save(timesheet=gap, slots={monday.pk: services.SlotAnswer("DONE", 60)}, connexe={},
                            comment="", version=0)
    services.timesheet_submit(timesheet=gap, user=world.users["aesh_a"])
    client = client_as("coordinator_a")
    html = text(client.get(reverse("hours:queue")))
    assert "Absence sans motif : 2 h de moins" in html
    assert f'id="lot-{lea_week.pk}"' in html and f'id="lot-{gap.pk}"' not in html  # no box for a week with a gap
    client.post(reverse("hours:queue_validate"), {"timesheet": [lea_week.pk, gap.pk]})
    states = dict(Timesheet.objects.values_list("pk", "state"))
    assert states == {lea_week.pk: "VALIDATED", gap.pk: "SUBMITTED"}


def test_pages_about_weeks_never_show_students_to_the_coordination(client_as, lea_week):
    html = text(client_as("coordinator_a").get(reverse("hours:timesheet", args=[lea_week.pk])))
    assert "08:30–11:30" in html and "BONNET" not in html and "Alice" not in html


# --- Query counts ------------------------------------------------------------------------------------

def _many_weeks(aesh, count, state=TimesheetState.SUBMITTED):
    traits = {TimesheetState.SUBMITTED: {"submitted": True}, TimesheetState.VALIDATED: {"validated": True}}[state]
    TimesheetFactory.create_batch(count, aesh=aesh, **traits, planned_minutes=600, accompaniment_minutes=540,
                                  unexplained_minutes=factory.Iterator([0, 60]),
                                  week_start=factory.Iterator(D(2026, 11, 16) - datetime.timedelta(weeks=i + 1)
                                                              for i in range(count)))


@pytest.mark.parametrize(("who", "url_name"), [("coordinator_a", "hours:queue"),
                                               ("coordinator_a", "hours:balances"),
                                               ("aesh_a", "hours:my_hours")])
def test_query_count_does_not_grow_with_weeks(client_as, crew, who, url_name):
    client = client_as(who)
    url = reverse(url_name) + ("?etat=" if url_name.endswith("queue") else "")
    _many_weeks(crew["lea"], 10)
    client.get(url)
    small = count_queries(lambda: client.get(url))
    Timesheet.objects.all().delete()
    _many_weeks(crew["lea"], 300)
    big = count_queries(lambda: client.get(url))
    assert small == big


def test_query_count_of_the_aesh_week_does_not_grow_with_weeks(client_as, crew):
    client = client_as("aesh_a")
    _many_weeks(crew["lea"], 10, TimesheetState.VALIDATED)
    client.get(week_url(WEEK_B))
    small = count_queries(lambda: client.get(week_url(WEEK_B)))
    Timesheet.objects.exclude(week_start=WEEK_B).delete()
    _many_weeks(crew["lea"], 300, TimesheetState.VALIDATED)
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == small


# --- Reminder ----------------------------------------------------------------------------------------

@time_machine.travel(datetime.datetime(2026, 11, 23, 7, tzinfo=datetime.UTC), tick=False)
def test_a_draft_week_gets_one_email_on_monday(crew, world, django_capture_on_commit_callbacks):
    noe_week = services.timesheet_open(aesh=crew["noe"], monday=WEEK_B)
    services.timesheet_submit(timesheet=noe_week, user=world.users["aesh_b"])
    services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)  # opened, still a draft
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.run("timesheet_draft", D(2026, 11, 23), wet_run=True)
    assert [m.to for m in mail.outbox] == [["aesh_a@ac-test.fr"]]
    assert "semaine du 16 au 20 novembre 2026" in mail.outbox[0].subject
    assert "/missions/heures/semaine/2026-S47/" in mail.outbox[0].body and "Bonnet" not in mail.outbox[0].body
    assert Reminder.objects.filter(job="timesheet_draft").count() == 1


def test_no_reminder_after_a_holiday_week(crew):
    assert jobs.timesheet_draft(D(2026, 10, 26)) == []  # the week of 19 October: Toussaint, zone B


# --- Exports ---------------------------------------------------------------------------------------------

def test_monthly_statement_and_pole_month_hold_the_figures_without_students(client_as, crew, world, lea_week):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    services.timesheet_validate(timesheet=lea_week, user=world.users["coordinator_a"])
    lea_week.refresh_from_db()
    lea_week.comment = "=HYPERLINK(\"http://x\")"
    lea_week.save(update_fields=["comment"])
    pdf = client_as("aesh_a").get(reverse("hours:my_statement", args=[2026, 11]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Relevé des heures de novembre 2026" in text and "11 h" in text
    assert "Validée" in text and f"{world.users['coordinator_a'].get_full_name()}, le 25/11/2026" in text
    assert b"Bonnet" not in pdf.content and "Bonnet" not in text and "Alice" not in text

    response = client_as("coordinator_a").get(reverse("hours:month_export", args=[2026, 11, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[0] == "Martin" and row[header.index("Prévu à l'emploi du temps (h)")] == 11
    assert row[header.index("Commentaire de l'AESH")].startswith("'=")  # formula neutralised
    assert b"Bonnet" not in response.content
    for fmt in ("ods", "csv"):
        assert client_as("coordinator_a").get(
            reverse("hours:month_export", args=[2026, 11, fmt])).status_code == 200
    assert client_as("coordinator_a").get("/missions/heures/mois/2026-13.xlsx").status_code == 404


# --- Référents ----------------------------------------------------------------------------------------------

def test_a_referent_logs_support_against_their_referent_time(client_as, crew, world):
    lea = crew["lea"]
    contract = lea.contracts.get()
    contract.referent_quotite = Decimal("0.25")
    contract.save()
    colleague = AeshFactory(home_pole=world.pole_a, first_name="Sam", last_name="Roux")
    client = client_as("aesh_a")
    post = {"date": "2026-11-20", "kind": "WELCOME", "duration": "1 h 30", "supported": [colleague.pk],
            "note": "Premier jour", "token": "tok"}
    client.post(reverse("hours:referent_log"), post)
    client.post(reverse("hours:referent_log"), post)  # a double click
    html = text(client.get(reverse("hours:referent_log")))
    assert lea.referent_activities.count() == 1
    assert "1 h 30 d'appui déclarées" in html and "0,25 ETP" in html and "401 h 45" in html
    assert "ROUX Sam" in html
    stranger = AeshFactory(home_pole=world.pole_b)
    html = client.post(reverse("hours:referent_log"), {**post, "supported": [stranger.pk], "token": "t2"})
    assert lea.referent_activities.count() == 1
    assert client_as("aesh_b").get(reverse("hours:referent_log")).status_code == 403  # no référent time


# --- Bad input -----------------------------------------------------------------------------------------------

GARBAGE = {"version": "x", "action": "submit", "kind": "ZZZ", "day": "31/02", "duration": "-3", "token": "",
           "comment": "<script>alert(1)</script>", "connexe-PREPARATION": "∞", "date": "hier", "supported": ["x"]}


@pytest.mark.parametrize("data", [{}, GARBAGE], ids=["vide", "n-importe-quoi"])
def test_hours_forms_answer_garbage_and_save_nothing(client_as, crew, lea_week, data):
    client = client_as("aesh_a")
    client.get(week_url(WEEK_A))
    before = (list(Timesheet.objects.values_list("pk", "state", "version")), TimeEntry.objects.count(),
              TimesheetEvent.objects.count())
    for url in (week_url(WEEK_A), reverse("hours:add", args=[slug(WEEK_A)])):
        response = client.post(url, data)
        assert response.status_code == 200 and "fr-alert--error" in text(response), url
    coordinator = client_as("coordinator_a")
    for url in (reverse("hours:decide", args=[lea_week.pk]), reverse("hours:queue_validate")):
        assert coordinator.post(url, data).status_code == 302
    assert coordinator.get(reverse("hours:queue") + "?etat=ZZ&etablissement=abc&page=-4").status_code == 200
    after = (list(Timesheet.objects.values_list("pk", "state", "version")), TimeEntry.objects.count(),
             TimesheetEvent.objects.count())
    assert after == before


def test_bulk_validation_validates_every_clean_week_of_the_page_in_one_click(client_as, crew, world, lea_week):
    """Issue 21 item 11: « tout sélectionner » — one button validates the page's clean weeks; a week
    with a gap stays, and each box has a visible label beside it."""
    gap = services.timesheet_open(aesh=crew["lea"], monday=WEEK_A)
    monday = slot_entry(gap, WEEK_A)
    services.timesheet_save(timesheet=gap, slots={monday.pk: services.SlotAnswer("DONE", 60)}, connexe={},
                            comment="", version=0)
    services.timesheet_submit(timesheet=gap, user=world.users["aesh_a"])
    client = client_as("coordinator_a")
    html = text(client.get(reverse("hours:queue")))
    assert "Valider toutes les semaines sans écart de cette page (1)" in html
    assert f'for="lot-{lea_week.pk}">Valider<span class="fr-sr-only">' in html
    assert f'name="clean" value="{gap.pk}"' not in html
    client.post(reverse("hours:queue_validate"), {"tout": "1", "clean": [lea_week.pk, gap.pk]})
    assert dict(Timesheet.objects.values_list("pk", "state")) == {lea_week.pk: "VALIDATED", gap.pk: "SUBMITTED"}
    assert "Valider toutes les semaines" not in text(client.get(reverse("hours:queue")))  # nothing left to validate


# --- A closed school year -------------------------------------------------------------------------

JUNE = D(2026, 6, 8)   # a week of 2025-2026, within 53 weeks of today but before the 2026-2027 rentrée


def test_a_week_of_a_closed_year_is_neither_opened_nor_transmitted(client_as, crew, world):
    client = client_as("aesh_a")
    response = client.get(week_url(JUNE), follow=True)
    assert response.redirect_chain[-1][0] == reverse("hours:my_hours")
    assert ("La semaine du 08/06/2026 appartient à une année scolaire close (l'année 2026-2027 a commencé le "
            "01/09/2026) : elle ne se déclare plus. Si une correction est nécessaire, demandez à la coordination "
            "de la rouvrir.") in text(response)
    client.post(week_url(JUNE), {"version": 0, "comment": "", "action": "submit"})
    assert not Timesheet.objects.filter(week_start=JUNE).exists()
    draft = services.timesheet_open(aesh=crew["lea"], monday=JUNE)   # opened back in June, never sent
    assert client.get(week_url(JUNE)).status_code == 200                # still read
    response = client.post(week_url(JUNE), form_data(draft, action="submit"), follow=True)
    assert "année scolaire close" in text(response)
    services.entry_add(timesheet=draft, kind=EntryKind.TRAINING, day=JUNE, minutes=60, label="Module 1")
    entry = draft.entries.get(kind=EntryKind.TRAINING)
    assert "année scolaire close" in text(client.post(reverse("hours:remove", args=[entry.pk]), follow=True))
    draft.refresh_from_db()
    assert draft.state == TimesheetState.DRAFT and draft.entries.filter(pk=entry.pk).exists()
    assert client.get(week_url(D(2026, 8, 31))).status_code == 200    # the rentrée's week is this year's
    assert services.closed_year_refusal(None, D(2026, 8, 31)) == ""


def test_a_week_of_a_closed_year_sent_back_by_the_coordination_is_transmitted(client_as, crew, world):
    sheet = TimesheetFactory(aesh=crew["lea"], week_start=JUNE, state=TimesheetState.SUBMITTED, submitted_at=NOW)
    services.timesheet_return(timesheet=sheet, user=world.users["coordinator_a"], comment="Le mardi manque.")
    sheet.refresh_from_db()
    response = client_as("aesh_a").post(week_url(JUNE), form_data(sheet, action="submit"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == TimesheetState.SUBMITTED
