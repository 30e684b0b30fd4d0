"""The automatic switch on the rentrée date (PIAL_RENTREE_AUTO_SWITCH): off by default, once per
département, never over an incomplete preparation, whose DSDEN is told once."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from missions.models import Assignment, TimeSlot
from missions.switch import BLOCKED, SWITCHED, auto_switch, plan_switch
from missions.tasks import rentree_auto_switch
from missions.tests import test_rentree as base
from pial.models import Reminder, SchoolYear, YearSwitch
from pial.years import year_of

years, rentree, propose_and_accept = base.years, base.rentree, base.propose_and_accept  # shared fixtures


@pytest.fixture
def auto(settings):
    settings.PIAL = {**settings.PIAL, "RENTREE_AUTO_SWITCH": True}


def to_gestionnaire():
    return [m for m in mail.outbox if "gestionnaire@ac-test.fr" in m.to]


def test_off_by_default_nothing_happens(world, years, rentree, client_as, django_capture_on_commit_callbacks):
    propose_and_accept(client_as, world, rentree)
    with django_capture_on_commit_callbacks(execute=True):
        assert auto_switch(years[1].start_date) == {}
        assert rentree_auto_switch.apply().get() == {}
    assert not YearSwitch.objects.exists() and not Reminder.objects.exists()
    assert SchoolYear.objects.get(is_current=True) == years[0]


def test_on_and_the_date_reached_switches_once(auto, world, years, rentree, client_as,
                                               django_capture_on_commit_callbacks):
    current, following = years
    propose_and_accept(client_as, world, rentree)
    dep = world.pole_a.departement
    assert auto_switch(following.start_date - datetime.timedelta(days=1)) == {}  # not yet the rentrée
    assert not YearSwitch.objects.exists()
    planned = plan_switch(dep, current, following).summary()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = auto_switch(following.start_date)
    # The other département of the world (Finistère, empty) has nothing to prepare: switched too.
    assert outcomes == {dep.pk: SWITCHED, world.users["gestionnaire_other"].memberships.get().departement_id:
                        SWITCHED}
    switch = YearSwitch.objects.get(departement=dep)
    assert (switch.departement, switch.year, switch.switched_by, switch.summary) == (dep, following, None, planned)
    assert year_of(dep) == following and SchoolYear.objects.get(is_current=True) == following
    rentree["cm2"].refresh_from_db()
    assert rentree["cm2"].school == rentree["college"]
    assert Assignment.objects.get(pk=rentree["assignment"].pk).end_date == current.end_date
    told = to_gestionnaire()
    assert len(told) == 1 and "Bascule automatique sur 2027-2028 effectuée" in told[0].subject
    # The next days: nothing changes, nobody is told again.
    slots = list(TimeSlot.objects.order_by("pk").values())
    with django_capture_on_commit_callbacks(execute=True):
        assert auto_switch(following.start_date) == {}
        assert auto_switch(following.start_date + datetime.timedelta(days=1)) == {}
    assert YearSwitch.objects.count() == 2 and list(TimeSlot.objects.order_by("pk").values()) == slots
    assert len(to_gestionnaire()) == 1


def test_incomplete_preparation_is_not_switched_and_told_once(auto, world, years, rentree, client_as,
                                                             django_capture_on_commit_callbacks):
    current, following = years
    dep = world.pole_a.departement
    # The CM2 pupil is projected to a collège of pôle B, but no transfer is accepted yet.
    assert plan_switch(dep, current, following).blockers() == [
        "1 élève(s) projeté(s) dans un autre pôle sans transfert accepté"]
    mail.outbox.clear()
    outcomes = []
    for days in (0, 1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            outcomes.append(auto_switch(following.start_date + datetime.timedelta(days=days)).get(dep.pk))
    assert outcomes == [BLOCKED] * 3
    assert not YearSwitch.objects.filter(departement=dep).exists() and year_of(dep) == current
    assert Assignment.objects.get(pk=rentree["assignment"].pk).end_date is None
    told = to_gestionnaire()
    assert len(told) == 1
    assert "non effectuée" in told[0].subject and "sans transfert accepté" in told[0].body
    other = [m.subject for m in mail.outbox if "gestionnaire_other@ac-test.fr" in m.to]
    assert other == ["[pial] Bascule automatique sur 2027-2028 effectuée — Finistère (29)"]  # told of their own only
    # Once the preparation is complete, the next run switches it.
    propose_and_accept(client_as, world, rentree)
    with django_capture_on_commit_callbacks(execute=True):
        assert auto_switch(following.start_date + datetime.timedelta(days=3)) == {dep.pk: SWITCHED}  # 29 is done
    assert YearSwitch.objects.filter(departement=dep, year=following).count() == 1


def test_the_beat_runs_it_daily(settings):
    from pial.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["bascule-automatique-rentree"]
    assert entry["task"] == rentree_auto_switch.name == "missions.tasks.rentree_auto_switch"
    assert entry["task"] in app.tasks


def test_the_dry_run_page_lists_what_the_automatic_switch_waits_for(auto, client_as, world, years, rentree):
    html = client_as("gestionnaire").get(reverse("missions:switch")).content.decode()
    # The DSDEN reads which pôle waits, not a count of one pupil (secret statistique).
    assert "Préparation incomplète" in html and (
        f"{world.pole_a.name} : des élèves projetés dans un autre pôle sans transfert accepté" in html)
    assert "1 élève(s)" not in html
    assert "La bascule automatique du" in html
    propose_and_accept(client_as, world, rentree)
    assert "Préparation incomplète" not in client_as("gestionnaire").get(reverse("missions:switch")).content.decode()
