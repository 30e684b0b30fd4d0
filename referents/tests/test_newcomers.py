"""The newcomer's path: who sees it, who ticks what, the référent's log fed once, the reminder
after 10 school days sent once."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from hours.enums import ReferentActivityKind
from hours.models import ReferentActivity
from pial.calendar import is_day_off
from pial.models import Reminder
from pial.reminders import run
from referents import rules, services
from referents.enums import NewcomerStepKind
from referents.jobs import newcomer_welcome
from referents.models import NewcomerPath, NewcomerStep
from referents.tests.conftest import TODAY, login

WELCOME = NewcomerStepKind.WELCOME_MEETING


def last_school_day(day=TODAY):
    while day.weekday() >= 5 or is_day_off(day, "B"):
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def path(toolbox):
    return services.path_open(aesh=toolbox["lea"], joined_on=TODAY - datetime.timedelta(days=20), today=TODAY)


def test_the_path_opens_once_with_the_pole_referent(toolbox, path):
    assert path.referent == toolbox["referente"]
    again = services.path_open(aesh=toolbox["lea"], joined_on=TODAY, today=TODAY)
    assert again.pk == path.pk and NewcomerPath.objects.count() == 1


def test_newcomers_are_found_by_their_first_contract_and_assignment(world, toolbox):
    from aesh.tests.factories import AeshFactory, ContractFactory
    from missions.models import Assignment, AssignmentKind

    fresh = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=fresh, start_date=TODAY - datetime.timedelta(days=5), end_date=TODAY + datetime.timedelta(
        days=300))
    # Placed with a student whose notification began long ago: the assignment says so, the contract is what counts.
    Assignment.objects.create(aesh=fresh, student=toolbox["alice"], kind=AssignmentKind.MUTUALISEE,
                              start_date=TODAY - datetime.timedelta(days=200))
    found = {a.pk: a.joined for a in services.newcomers_without_path(TODAY, world.pole_a.pk)}
    # The colleague was placed 30 days ago (contract older): a newcomer too; Léa joined 60 days ago (beyond
    # the 45 days of the setting); the référente long ago.
    assert found == {fresh.pk: TODAY - datetime.timedelta(days=5),
                     toolbox["colleague"].pk: TODAY - datetime.timedelta(days=30)}
    opened = services.paths_open(today=TODAY)
    assert {p.aesh_id for p in opened} == {*found, toolbox["aesh_b"].pk}  # every pôle: the nightly task
    assert services.paths_open(today=TODAY) == []
    assert {p.aesh_id: p.referent for p in opened}[fresh.pk] == toolbox["referente"]


@pytest.mark.parametrize(("user", "status"), [
    ("aesh_a", 200), ("referente_a", 200), ("coordinator_a", 200), ("pilot_a", 200),
    ("colleague_a", 404), ("coordinator_b", 404), ("aesh_b_rec", 404), ("inspector_a", 403), ("gestionnaire", 403),
])
def test_who_sees_the_path(client, world, path, user, status):
    login(client, world, user)
    assert client.get(reverse("referents:path", args=[path.pk])).status_code == status


@pytest.mark.parametrize(("user", "status"), [("coordinator_a", 200), ("pilot_a", 200), ("referente_a", 200),
                                              ("aesh_a", 403), ("colleague_a", 403), ("inspector_a", 403)])
def test_who_sees_the_list_of_newcomers(client, world, path, user, status):
    login(client, world, user)
    assert client.get(reverse("referents:newcomers")).status_code == status


def tick(client, path, kind, **data):
    prefix = kind.lower()
    return client.post(reverse("referents:step_tick", args=[path.pk, kind]),
                       {f"{prefix}-done_on": data.get("day", last_school_day()).isoformat(),
                        f"{prefix}-minutes": data.get("minutes", 60), f"{prefix}-note": data.get("note", "")})


def test_a_step_ticked_by_the_referent_feeds_their_log_once(client, world, toolbox, path):
    login(client, world, "referente_a")
    assert tick(client, path, WELCOME, minutes=90, note="Présentation du pôle").status_code == 302
    assert tick(client, path, WELCOME, minutes=90).status_code == 302  # a double click, a resent form
    step = NewcomerStep.objects.get(path=path, kind=WELCOME)
    activities = ReferentActivity.objects.filter(referent=toolbox["referente"])
    assert activities.count() == 1
    activity = activities.get()
    assert step.activity == activity and activity.kind == ReferentActivityKind.WELCOME and activity.minutes == 90
    assert list(activity.supported.all()) == [toolbox["lea"]]
    # The service called again (the nightly task, a second tab) writes nothing either.
    services.step_done(path=path, kind=WELCOME, user=None, by_referent=toolbox["referente"], day=TODAY,
                       minutes=30, done_by_label="x")
    assert ReferentActivity.objects.count() == 1
    log = client.get(reverse("hours:referent_log")).content.decode()
    assert "Parcours d&#x27;accueil : Rencontre d&#x27;accueil" in log


def test_steps_ticked_by_others_write_no_referent_time(client, world, toolbox, path):
    login(client, world, "coordinator_a")
    assert tick(client, path, NewcomerStepKind.ACCOUNTS_OPENED).status_code == 302
    login(client, world, "aesh_a")
    assert tick(client, path, NewcomerStepKind.SHEETS_READ).status_code == 302
    assert tick(client, path, WELCOME).status_code == 403  # the meeting is the référent's to tick
    assert set(NewcomerStep.objects.values_list("kind", flat=True)) == {"ACCOUNTS_OPENED", "SHEETS_READ"}
    assert not ReferentActivity.objects.exists()
    login(client, world, "colleague_a")
    assert tick(client, path, NewcomerStepKind.TRAINING_BOOKED).status_code == 404


def test_unticking_takes_its_log_line_away_and_a_future_date_is_refused(client, world, toolbox, path):
    login(client, world, "referente_a")
    tick(client, path, WELCOME)
    assert ReferentActivity.objects.count() == 1
    assert client.post(reverse("referents:step_untick", args=[path.pk, WELCOME])).status_code == 302
    assert not ReferentActivity.objects.exists() and not NewcomerStep.objects.exists()
    response = tick(client, path, WELCOME, day=TODAY + datetime.timedelta(days=2))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("futur" in m for m in messages) and not NewcomerStep.objects.exists()
    login(client, world, "aesh_a")
    assert client.post(reverse("referents:step_untick", args=[path.pk, WELCOME])).status_code == 403


def test_the_path_is_complete_when_every_step_is_done(toolbox, path):
    for kind in NewcomerStepKind.values:
        services.step_done(path=path, kind=kind, user=None, by_referent=None, day=TODAY, done_by_label="x")
    path.refresh_from_db()
    assert path.completed_at is not None


@pytest.mark.parametrize(("days", "expected"), [
    (datetime.date(2026, 9, 7), 5),   # Monday to Friday
    (datetime.date(2026, 10, 12), 5),
])
def test_school_days_leave_out_weekends_and_days_off(days, expected):
    start = days
    assert rules.school_days_between(start, start + datetime.timedelta(days=7), lambda d: is_day_off(d, "B")) == \
        expected


def test_school_days_leave_out_the_holidays():
    # Zone B, autumn holidays 2026: 17 October – 2 November.
    start = datetime.date(2026, 10, 12)
    assert rules.school_days_between(start, datetime.date(2026, 11, 9), lambda d: is_day_off(d, "B")) == 10
    assert rules.school_days_between(start, start, lambda d: False) == 0


def test_the_reminder_waits_ten_school_days_then_is_sent_once(world, toolbox, django_capture_on_commit_callbacks):
    lea, referente = toolbox["lea"], toolbox["referente"]
    joined = datetime.date(2026, 10, 12)  # a Monday, autumn holidays from the 17th
    path = services.path_open(aesh=lea, joined_on=joined, today=joined)
    assert newcomer_welcome(datetime.date(2026, 10, 23)) == []   # 5 school days, then holidays
    assert newcomer_welcome(datetime.date(2026, 11, 6)) == []    # 9 school days
    drafts = newcomer_welcome(datetime.date(2026, 11, 9))         # the 10th school day has passed
    assert [(d.recipient, d.threshold) for d in drafts] == [(referente.email, "10j")]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run("newcomer_welcome", datetime.date(2026, 11, 9), wet_run=True)
    with django_capture_on_commit_callbacks(execute=True):
        run("newcomer_welcome", datetime.date(2026, 11, 10), wet_run=True)  # the next day's run, a second beat
    assert Reminder.objects.filter(job="newcomer_welcome").count() == 1
    assert len(mail.outbox) == 1 and "Accueil de Léa MARTIN" in mail.outbox[0].subject
    services.step_done(path=path, kind=WELCOME, user=None, by_referent=None, day=datetime.date(2026, 11, 9),
                       done_by_label="x")
    assert newcomer_welcome(datetime.date(2026, 11, 20)) == []


def test_the_reminder_goes_to_the_coordination_when_the_path_has_no_referent(world, toolbox):
    path = services.path_open(aesh=toolbox["lea"], joined_on=datetime.date(2026, 10, 12), today=TODAY)
    services.path_referent_set(path=path, referent=None)
    drafts = newcomer_welcome(datetime.date(2026, 11, 9))
    assert [d.recipient for d in drafts] == ["coordinator_a@ac-test.fr"]


def test_the_newcomer_list_has_constant_queries(client, world, toolbox, django_assert_max_num_queries):
    from aesh.tests.factories import AeshFactory

    services.path_open(aesh=toolbox["lea"], joined_on=TODAY, today=TODAY)
    login(client, world, "coordinator_a")
    client.get(reverse("referents:newcomers"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("referents:newcomers"))
    for _ in range(5):
        services.path_open(aesh=AeshFactory(home_pole=world.pole_a), joined_on=TODAY, today=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("referents:newcomers")).content.decode()
    assert page.count("/pole/nouveaux/") >= 6
