"""Slots through the services and pages: rules on save, change notices, coverage, waiting list."""

import contextlib
import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from eleves.tests.factories import NotificationFactory, StudentFactory
from missions import selectors, services
from missions.models import Assignment, AssignmentKind, TimeSlot, TimetableChange
from missions.tests.conftest import TODAY, YEAR_END, YEAR_START
from pial.scope import Scope
from pial.tests.helpers import count_queries
from pial.tests.races import at_once


def make_slot(team, world, weekday=0, start=(8, 30), end=(11, 30), school=None, assignments=None):
    slot = TimeSlot(aesh=team["aesh"], weekday=weekday, start_time=datetime.time(*start),
                    end_time=datetime.time(*end), school=school or world.schools_a[0], valid_from=YEAR_START,
                    valid_until=YEAR_END)
    return slot, [team["assignment"]] if assignments is None else assignments


def test_valid_slot_is_saved_and_announced(team, world, django_capture_on_commit_callbacks):
    slot, assignments = make_slot(team, world)
    with django_capture_on_commit_callbacks(execute=True):
        check = services.slot_save(slot=slot, assignments=assignments, user=world.users["coordinator_a"])
    assert slot.pk and slot.minutes == 180
    assert "Couverture partielle : 3 h assurées sur 6 h" in check.warnings[0]
    change = TimetableChange.objects.get()
    assert "lundi 08:30–11:30" in change.summary
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["aesh_a@ac-test.fr", "pilot_a@ac-test.fr"]
    assert all("Bonnet" not in m.body and "BONNET" not in m.body for m in mail.outbox)


def test_double_booking_is_refused_naming_the_slot(team, world):
    slot, assignments = make_slot(team, world)
    services.slot_save(slot=slot, assignments=assignments, user=None)
    other, _ = make_slot(team, world, start=(10, 0), end=(12, 0), school=world.schools_a[1], assignments=[])
    other.kind = "TRAVEL"
    with pytest.raises(ValidationError) as raised:
        services.slot_save(slot=other, assignments=[], user=None)
    assert any("deux endroits à la fois" in m and "lundi 08:30–11:30" in m for m in raised.value.messages)
    assert TimeSlot.objects.count() == 1


def test_individual_hours_beyond_notification_are_refused(team, world):
    for weekday in range(2):
        slot, assignments = make_slot(team, world, weekday=weekday)
        services.slot_save(slot=slot, assignments=assignments, user=None)
    slot, assignments = make_slot(team, world, weekday=2, start=(8, 30), end=(9, 30))
    with pytest.raises(ValidationError) as raised:
        services.slot_save(slot=slot, assignments=assignments, user=None)
    assert "au-delà des 6 h notifiées" in " ".join(raised.value.messages)


def test_slot_beyond_the_assignment_is_refused(team, world):
    slot, assignments = make_slot(team, world)
    slot.valid_until = YEAR_END + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as raised:
        services.slot_save(slot=slot, assignments=assignments, user=None)
    assert "au-delà de l'affectation" in " ".join(raised.value.messages)


def test_assignment_must_fit_contract_and_notification(team, world):
    bruno = team["bruno"]
    too_long = Assignment(aesh=team["aesh"], student=bruno, kind=AssignmentKind.INDIVIDUELLE, start_date=YEAR_START,
                          end_date=YEAR_END + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="Aucune notification d'aide individuelle") as refused:
        services.assignment_save(assignment=too_long)
    # The message gives the dates to correct (issue 21): the assignment's and the notification's.
    end = YEAR_END + datetime.timedelta(days=10)
    assert (f"(du {YEAR_START:%d/%m/%Y} au {end:%d/%m/%Y}) : notification du {YEAR_START:%d/%m/%Y} "
            f"au {YEAR_END:%d/%m/%Y}") in refused.value.messages[0]
    wrong_kind = Assignment(aesh=team["aesh"], student=bruno, kind=AssignmentKind.MUTUALISEE, start_date=YEAR_START,
                            end_date=YEAR_END)
    with pytest.raises(ValidationError, match=r"aide mutualisée.*aucune notification de ce type"):
        services.assignment_save(assignment=wrong_kind)
    ok = Assignment(aesh=team["aesh"], student=bruno, kind=AssignmentKind.INDIVIDUELLE, start_date=TODAY,
                    end_date=YEAR_END)
    services.assignment_save(assignment=ok)
    assert ok.pk


def test_coverage_and_waiting_list_on_a_scenario(team, world):
    slot, assignments = make_slot(team, world)
    services.slot_save(slot=slot, assignments=assignments, user=None)
    nobody = StudentFactory(school=world.schools_a[2], last_name="Seul")
    NotificationFactory(student=nobody, aid_kind="MUTUALISEE", weekly_hours=None, start_date=YEAR_START,
                        end_date=YEAR_END)
    scope = Scope.of(world.users["coordinator_a"].memberships.get())
    rows = {r.student.last_name: r for r in selectors.waiting_rows(selectors.waiting_list(scope, TODAY), TODAY)}
    assert rows["Bonnet"].cause == "couverture partielle" and rows["Bonnet"].missing_minutes == 180
    assert rows["Carré"].cause == "aucun AESH affecté" and rows["Carré"].missing_minutes == 360
    assert rows["Seul"].cause == "aucun AESH affecté" and rows["Seul"].missing_minutes is None
    assert rows["Carré"].waiting_since == YEAR_START and rows["Carré"].waiting_days == 60
    totals = selectors.dashboard(scope, TODAY)
    assert (totals.students, totals.waiting, totals.notified_minutes, totals.assured_individual_minutes) == (
        3, 3, 720, 180)
    assert (totals.available_minutes, totals.used_minutes) == (24 * 60, 180)
    # Completing Alice's hours takes her off the waiting list.
    slot2, assignments = make_slot(team, world, weekday=1)
    services.slot_save(slot=slot2, assignments=assignments, user=None)
    names = {s.last_name for s in selectors.waiting_list(scope, TODAY)}
    assert names == {"Carré", "Seul"}


def test_dashboard_query_count_is_the_same_for_10_and_300_students(client_as, team, world):
    """Computed (after a write) and read from the cache (the next request): the same counts at both sizes."""
    client = client_as("coordinator_a")
    url = reverse("missions:dashboard")

    def add(n):
        for _ in range(n):
            NotificationFactory(student=StudentFactory(school=world.schools_a[0]), start_date=YEAR_START,
                                end_date=YEAR_END)

    def counts():
        return count_queries(lambda: client.get(url)), count_queries(lambda: client.get(url))

    add(8)
    client.get(url)
    add(1)
    ten = counts()
    add(290)
    assert counts() == ten
    computed, cached = ten
    assert computed <= 25 and cached < computed


def test_slot_form_page_shows_rule_errors_in_french(client_as, team, world):
    client = client_as("coordinator_a")
    url = reverse("missions:slot_create", args=[team["aesh"].pk])
    data = {"weekday": 0, "start_time": "08:00", "end_time": "14:30", "school": world.schools_a[0].pk,
            "kind": "CLASS", "week": "", "assignments": [team["assignment"].pk],
            "valid_from": YEAR_START.isoformat(), "valid_until": YEAR_END.isoformat()}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "d&#x27;affilée" in html or "d'affilée" in html
    assert not TimeSlot.objects.exists()
    data.update(start_time="08:30", end_time="11:30")
    assert client.post(url, data).status_code == 302
    assert TimeSlot.objects.count() == 1


def test_aesh_acknowledges_a_change(client_as, team, world):
    slot, assignments = make_slot(team, world)
    services.slot_save(slot=slot, assignments=assignments, user=None)
    client = client_as("aesh_a")
    html = client.get(reverse("missions:my_week")).content.decode()
    assert "Votre emploi du temps a changé" in html and "Bonnet" in html.replace("BONNET", "Bonnet")
    change = TimetableChange.objects.get()
    assert client.post(reverse("missions:change_acknowledge", args=[change.pk])).status_code == 302
    change.refresh_from_db()
    assert change.acknowledged_at is not None
    assert "Votre emploi du temps a changé" not in client.get(reverse("missions:my_week")).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_cannot_double_book_at_the_same_moment(postgres_db, team, world):
    """Both check the week at the same time; the row lock on the AESH serialises them."""
    real_check = services.timetable_check
    barrier = threading.Barrier(2, timeout=3)

    def slow_check(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # without the lock, both would reach here before either saves
        return real_check(*args, **kwargs)

    results = []

    def attempt(start, end, school):
        try:
            slot, _assignments = make_slot(team, world, start=start, end=end, school=school, assignments=[])
            slot.kind = "TRAVEL"
            services.slot_save(slot=slot, assignments=[], user=None)
            results.append("saved")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    with mock.patch.object(services, "timetable_check", slow_check):
        threads = [threading.Thread(target=attempt, args=((8, 30), (10, 0), world.schools_a[0])),
                   threading.Thread(target=attempt, args=((9, 0), (11, 0), world.schools_a[1]))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(results) == ["refused", "saved"]
    assert TimeSlot.objects.count() == 1


def test_an_assigned_student_without_a_slot_says_the_next_step(client_as, team):
    """Alice has her AESH but no slot yet: not « couverture partielle », the timetable is the next step."""
    html = client_as("coordinator_a").get(reverse("missions:dashboard")).content.decode()
    row = html.split("BONNET Alice")[1].split("</tr>")[0]
    assert "AESH désigné·e, aucun créneau" in row


@pytest.mark.django_db
def test_week_grid_positions_come_in_a_nonced_style_element(team, world, client_as):
    """The CSP forbids style attributes: the grid's positions are rules in a <style> with the nonce."""
    import re

    from missions.models import TimeSlot

    TimeSlot.objects.create(aesh=team["aesh"], weekday=0, start_time=datetime.time(8, 30),
                            end_time=datetime.time(11, 30), school=world.schools_a[0],
                            valid_from=datetime.date.today() - datetime.timedelta(days=30))
    response = client_as("aesh_a").get(reverse("missions:my_week"))
    html = response.content.decode()
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    style = re.search(rf'<style nonce="{re.escape(nonce)}">(.*?)</style>', html, re.S).group(1)
    assert re.search(r"#pial-g-1-1\{top:[\d.]+%;height:[\d.]+%;background:#[0-9a-f]{6}\}", style)
    assert 'id="pial-g-1-1"' in html and ' style="' not in html


def test_a_notice_enqueues_only_itself_not_an_older_backlog(team, world, django_capture_on_commit_callbacks):
    """A page's work does not grow with what waits in the outbox: the sweep takes the backlog."""
    from pial.models import Reminder

    old = Reminder.objects.create(job="training_due", target="aesh:1", threshold="30", period="2026-11",
                                  recipient="ancien@ac-test.fr", subject="Rappel", body="…")
    slot, assignments = make_slot(team, world)
    with mock.patch("pial.tasks.send_reminder.apply_async") as enqueued, \
            django_capture_on_commit_callbacks(execute=True):
        services.slot_save(slot=slot, assignments=assignments, user=world.users["coordinator_a"])
    sent_ids = {call.kwargs["args"][0] for call in enqueued.call_args_list}
    notices = set(Reminder.objects.filter(job="timetable_change").values_list("pk", flat=True))
    assert sent_ids == notices and len(notices) == 2 and old.pk not in sent_ids


def test_assignment_without_end_stops_at_the_notification_and_says_why(client_as, team, world):
    """Issue 21 item 10: an empty end date was refused; it now takes the earliest of the contract's end
    and the notification's end, and the page says which and why."""
    response = client_as("coordinator_a").post(reverse("missions:assignment_create"), {
        "aesh": team["aesh"].pk, "kind": AssignmentKind.INDIVIDUELLE, "student": team["bruno"].pk,
        "start_date": TODAY.isoformat(), "end_date": ""}, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    assignment = Assignment.objects.get(student=team["bruno"])
    assert assignment.end_date == YEAR_END
    contract_end = YEAR_END + datetime.timedelta(days=365)
    assert escape(f"Fin de l'affectation fixée au {YEAR_END:%d/%m/%Y} : la fin de la notification de l'élève, qui "
                  f"vient avant celle du contrat de l'AESH ({contract_end:%d/%m/%Y}).") in response.content.decode()


def test_assignment_without_end_stops_at_the_contract_when_it_ends_first(team, world):
    contract = team["aesh"].contracts.get()
    contract.end_date = YEAR_END - datetime.timedelta(days=30)
    contract.save()
    assignment = services.assignment_save(assignment=Assignment(
        aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE, start_date=TODAY))
    assert assignment.end_date == contract.end_date
    assert assignment.notes == [
        f"Fin de l'affectation fixée au {contract.end_date:%d/%m/%Y} : la fin du contrat de l'AESH, qui vient "
        f"avant celle de la notification de l'élève ({YEAR_END:%d/%m/%Y})."]


def test_assignment_without_end_and_no_notification_is_still_refused_with_the_dates(team, world):
    with pytest.raises(ValidationError, match="aucune notification de ce type"):
        services.assignment_save(assignment=Assignment(
            aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.MUTUALISEE, start_date=TODAY))


def test_ulis_assignment_without_end_stops_at_the_contract(team, world):
    from eleves.models import Ulis

    ulis = Ulis.objects.create(school=world.schools_a[0])
    assignment = services.assignment_save(assignment=Assignment(
        aesh=team["aesh"], ulis=ulis, kind=AssignmentKind.COLLECTIVE, start_date=TODAY))
    assert assignment.end_date == team["aesh"].contracts.get().end_date
    assert "une aide collective à une ULIS n'a pas de notification" in assignment.notes[0]


def test_an_identical_assignment_is_refused_with_the_existing_one(team, world):
    first = services.assignment_save(assignment=Assignment(
        aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE, start_date=TODAY))
    with pytest.raises(ValidationError) as refused:
        services.assignment_save(assignment=Assignment(
            aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE,
            start_date=TODAY + datetime.timedelta(days=7)))
    assert refused.value.messages[-1] == (
        f"Cette affectation existe déjà : {team['bruno']}, aide individuelle, "
        f"du {first.start_date:%d/%m/%Y} au {first.end_date:%d/%m/%Y}.")
    services.assignment_save(assignment=first)          # saving it again is not a duplicate of itself


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_parallel_creations_of_one_assignment_save_one(postgres_db, team, world):
    """Three POSTs at once: the row lock on the AESH serialises them, the later two see the first."""

    def attempt():
        services.assignment_save(assignment=Assignment(
            aesh=team["aesh"], student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE, start_date=TODAY))
        return "saved"

    outcomes = at_once(3, attempt, holding=services, name="_identical_assignment")
    results = ["refused" if isinstance(o, ValidationError) else o for o in outcomes]
    assert sorted(results) == ["refused", "refused", "saved"]
    assert Assignment.objects.filter(student=team["bruno"]).count() == 1
