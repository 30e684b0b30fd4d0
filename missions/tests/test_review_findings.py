"""Findings of the adversarial review (helper « review »), kept as strict xfails until fixed."""

import datetime
from decimal import Decimal

import pytest

from aesh.enums import AmendmentState
from aesh.models import Contract
from aesh.tests.factories import AmendmentFactory
from missions.rentree import preparation
from missions.tests.test_rentree import TODAY, rentree, years  # noqa: F401 (fixtures)


def test_rentree_hours_available_apply_an_accepted_avenant(world, years, rentree):  # noqa: F811
    contract = Contract.objects.get(aesh=rentree["aesh"])            # 24 h a week
    AmendmentFactory(contract=contract, proposed_on=TODAY - datetime.timedelta(days=60),
                     effective_date=TODAY - datetime.timedelta(days=30), state=AmendmentState.ACCEPTED,
                     answered_on=TODAY - datetime.timedelta(days=40), weekly_hours=Decimal("12"))
    summary = preparation(world.pole_a, *years, TODAY).summary
    assert summary["hours_available"] == Decimal("12")   # 24: the avenant's 12 h are not read


def test_no_manual_switch_months_before_the_end_of_the_year(client_as, world, rentree, years):  # noqa: F811
    current, following = years
    current.end_date = TODAY + datetime.timedelta(days=200)   # December: year N still has seven months to run
    current.save()
    following.start_date, following.end_date = TODAY + datetime.timedelta(days=260), TODAY + datetime.timedelta(days=560)
    following.save()
    from django.urls import reverse

    from eleves.models import Student
    before = Student.objects.get(pk=rentree["cm2"].pk).level
    client_as("gestionnaire").post(reverse("missions:switch"))
    assert Student.objects.get(pk=rentree["cm2"].pk).level == before   # a CM2 pupil is in 6e from today


def test_a_rentree_plan_does_not_double_book_the_aesh_before_the_switch(world, years, rentree):  # noqa: F811
    from missions.models import TimeSlot
    from missions.timetable_apply import NewSlot, week_apply
    _current, following = years
    slot = rentree["slot"]                      # year N: Monday 9 h–11 h with the CE1 pupil, no end
    week_apply(additions=[NewSlot(aesh_id=rentree["aesh"].pk, student_ids=(rentree["ce1"].pk,), exclusive=True,
                                  weekday=0, start=datetime.time(9), end=datetime.time(11),
                                  school_id=slot.school_id)],
               endings=[], start=following.start_date, user=world.users["coordinator_a"])
    on_rentree = TimeSlot.objects.valid_on(following.start_date).filter(aesh=rentree["aesh"], weekday=0)
    assert on_rentree.count() == 1              # 2: the N slot and the N+1 slot at the same hour


def test_the_same_assignment_submitted_twice_is_saved_once(client_as, world):
    from django.urls import reverse

    from missions.models import Assignment, AssignmentKind
    from missions.tests.conftest import TODAY as DAY
    team = _team(world)
    data = {"aesh": team["aesh"].pk, "kind": AssignmentKind.INDIVIDUELLE, "student": team["bruno"].pk,
            "start_date": DAY.isoformat(), "end_date": ""}
    client = client_as("coordinator_a")
    client.post(reverse("missions:assignment_create"), data)
    client.post(reverse("missions:assignment_create"), data)
    assert Assignment.objects.filter(student=team["bruno"]).count() == 1   # 2


def _team(world):
    from missions.tests import conftest
    return conftest.team.__wrapped__(world)


def test_a_post_without_an_answer_does_not_refuse_an_accepted_transfer(client_as, world, years, rentree):  # noqa: F811
    from django.urls import reverse

    from eleves.enums import TransferState
    from missions.tests.test_rentree import propose_and_accept
    transfer = propose_and_accept(client_as, world, rentree)
    client_as("coordinator_b").post(reverse("missions:rentree_transfer", args=[transfer.pk]), {})
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED   # REFUSED


def test_a_rentree_plan_ends_year_n_as_the_switch_will_and_says_so(world, years, rentree):  # noqa: F811
    from missions.models import Assignment, TimeSlot, TimetableChange
    from missions.timetable_apply import NewSlot, week_apply
    current, following = years
    slot, assignment = rentree["slot"], rentree["assignment"]
    week_apply(additions=[NewSlot(aesh_id=rentree["aesh"].pk, student_ids=(rentree["ce1"].pk,), exclusive=True,
                                  weekday=0, start=datetime.time(9), end=datetime.time(11),
                                  school_id=slot.school_id)],
               endings=[], start=following.start_date, user=world.users["coordinator_a"])
    assert TimeSlot.objects.get(pk=slot.pk).valid_until == current.end_date
    assert Assignment.objects.get(pk=assignment.pk).end_date == current.end_date
    assert "1 créneau retiré" in TimetableChange.objects.get(aesh=rentree["aesh"]).summary


def test_a_rentree_slot_saved_alone_does_not_double_book_the_aesh(world, years, rentree):  # noqa: F811
    from missions import services
    from missions.models import Assignment, AssignmentKind, TimeSlot, TimetableChange
    current, following = years
    slot = rentree["slot"]
    new = Assignment.objects.create(aesh=rentree["aesh"], student=rentree["ce1"], kind=AssignmentKind.INDIVIDUELLE,
                                    start_date=following.start_date)
    services.slot_save(slot=TimeSlot(aesh=rentree["aesh"], weekday=0, start_time=datetime.time(9),
                                     end_time=datetime.time(11), school_id=slot.school_id,
                                     valid_from=following.start_date),
                       assignments=[new], user=world.users["coordinator_a"])
    assert TimeSlot.objects.valid_on(following.start_date).filter(aesh=rentree["aesh"], weekday=0).count() == 1
    assert Assignment.objects.get(pk=rentree["assignment"].pk).end_date == current.end_date
    assert f"terminé le {current.end_date:%d/%m/%Y}" in TimetableChange.objects.get(aesh=rentree["aesh"]).summary


def test_a_manual_switch_before_the_last_day_is_refused_and_names_it(client_as, world, rentree, years):  # noqa: F811
    from django.urls import reverse

    from pial.models import YearSwitch
    current, following = years                      # year N ends in 60 days
    client = client_as("gestionnaire")
    html = client.get(reverse("missions:switch")).content.decode()
    assert f"sera possible à partir du {current.end_date:%d/%m/%Y}" in html and 'name="confirm"' not in html
    response = client.post(reverse("missions:switch"), {"confirm": "1"}, follow=True)
    assert (f"La bascule sur {following} n'est possible qu'à partir du {current.end_date:%d/%m/%Y}"
            in response.content.decode().replace("&#x27;", "'"))
    assert not YearSwitch.objects.exists()


def test_a_manual_switch_needs_the_simulation_confirmed(client_as, world, rentree, years):  # noqa: F811
    from django.urls import reverse

    from eleves.models import Student
    from pial.models import YearSwitch
    current, following = years
    current.end_date = TODAY
    current.save()
    client = client_as("gestionnaire")
    response = client.post(reverse("missions:switch"), follow=True)
    assert "Cochez « J'ai relu la simulation ci-dessus »" in response.content.decode().replace("&#x27;", "'")
    assert not YearSwitch.objects.exists() and Student.objects.get(pk=rentree["cm2"].pk).level == "CM2"
    client.post(reverse("missions:switch"), {"confirm": "1"})
    assert YearSwitch.objects.filter(year=following).exists()


@pytest.mark.parametrize("data", [{}, {"answer": "peut-être"}])
def test_a_transfer_answer_must_be_accept_or_refuse(client_as, world, years, rentree, data):  # noqa: F811
    from django.urls import reverse

    from eleves.enums import TransferState
    from eleves.models import Transfer
    client_as("coordinator_a").post(reverse("missions:rentree_student", args=[rentree["cm2"].pk]),
                                    {"level": "6E", "school": rentree["college"].pk, "leave_reason": ""})
    transfer = Transfer.objects.get(student=rentree["cm2"])
    response = client_as("coordinator_b").post(reverse("missions:rentree_transfer", args=[transfer.pk]), data,
                                               follow=True)
    assert "Choisissez Accepter ou Refuser." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PROPOSED and transfer.answered_at is None


def test_an_answered_transfer_keeps_its_answer(client_as, world, years, rentree):  # noqa: F811
    from django.urls import reverse

    from eleves.enums import TransferState
    from eleves.models import AccessLog
    from missions.tests.test_rentree import propose_and_accept
    transfer = propose_and_accept(client_as, world, rentree)
    answers = AccessLog.objects.filter(detail__startswith="Transfert")
    logs = answers.count()
    response = client_as("coordinator_b").post(reverse("missions:rentree_transfer", args=[transfer.pk]),
                                               {"answer": "refuse"}, follow=True)
    assert "Ce transfert est déjà accepté : rien n&#x27;a changé." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED and answers.count() == logs
