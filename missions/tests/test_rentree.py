"""The rentrée N+1: preparation page, transfers, contracts to decide, wishes, the switch."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aesh.enums import ContractDecisionKind
from aesh.models import ContractDecision, Wish
from aesh.rentree import contracts_to_decide
from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.enums import JournalAction, LeaveReason, Level, TransferState
from eleves.models import AccessLog, Projection, Student, Transfer
from eleves.rentree import students_of, transfer_answer
from eleves.services import retention_plan
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions import switch as switch_module
from missions.models import Assignment, AssignmentKind, TimeSlot
from missions.rentree import preparation
from missions.switch import plan_switch, switch_apply
from pial.enums import SchoolKind
from pial.models import SchoolYear, Sector, YearSwitch
from pial.tests.factories import SchoolFactory

TODAY = datetime.date.today()


@pytest.fixture
def years(db, settings):
    # The page opens on a day of the year before the rentrée (a setting): a month ago here, so the
    # tests read the same whatever today's date (with 1 April, they failed from 2 December on).
    opens = (TODAY - datetime.timedelta(days=30)).strftime("%m-%d")
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": opens}
    current = SchoolYear.objects.create(name="2026-2027", start_date=TODAY - datetime.timedelta(days=90),
                                        end_date=TODAY + datetime.timedelta(days=60), is_current=True)
    following = SchoolYear.objects.create(name="2027-2028", start_date=TODAY + datetime.timedelta(days=120),
                                          end_date=TODAY + datetime.timedelta(days=420))
    return current, following


def notified(student, hours="6"):
    NotificationFactory(student=student, start_date=TODAY - datetime.timedelta(days=100),
                        end_date=TODAY + datetime.timedelta(days=800), weekly_hours=Decimal(hours))
    return student


@pytest.fixture
def rentree(world, years):
    """A CM2 student of pôle A whose sector collège is in pôle B, a CE1 who stays, a Terminale who leaves,
    an AESH of pôle A with an assignment and a slot of year N."""
    college = SchoolFactory(pole=world.pole_b, kind=SchoolKind.COLLEGE, name="Collège Bêta")
    lycee = SchoolFactory(pole=world.pole_a, kind=SchoolKind.LYCEE, name="Lycée Alpha")
    Sector.objects.create(departement=college.departement, school=world.schools_a[0], college=college)
    cm2 = notified(StudentFactory(school=world.schools_a[0], level=Level.CM2, first_name="Chloé", last_name="Vidal"))
    ce1 = notified(StudentFactory(school=world.schools_a[1], level=Level.CE1, first_name="Noé", last_name="Petit"))
    tle = notified(StudentFactory(school=lycee, level=Level.TERMINALE, first_name="Inès", last_name="Roux"))
    aesh = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"])
    ContractFactory(aesh=aesh, start_date=TODAY - datetime.timedelta(days=400),
                    end_date=TODAY + datetime.timedelta(days=900))
    assignment = Assignment.objects.create(aesh=aesh, student=ce1, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=years[0].start_date)
    slot = TimeSlot.objects.create(aesh=aesh, weekday=0, start_time=datetime.time(9), end_time=datetime.time(11),
                                   school=world.schools_a[1], valid_from=years[0].start_date)
    slot.assignments.set([assignment])
    return {"cm2": cm2, "ce1": ce1, "tle": tle, "college": college, "aesh": aesh, "assignment": assignment,
            "slot": slot}


def test_projection_follows_ladder_and_sector(world, years, rentree):
    lines = {line.student.pk: line for line in students_of(world.pole_a, years[1])}
    cm2, ce1, tle = (lines[rentree[k].pk] for k in ("cm2", "ce1", "tle"))
    assert (cm2.level, cm2.school, cm2.outcome) == (Level.SIXIEME, rentree["college"], "MOVES")
    assert (ce1.level, ce1.school, ce1.outcome) == (Level.CE2, world.schools_a[1], "STAYS")
    assert tle.outcome == "LEAVES" and tle.leave_reason == LeaveReason.END_OF_SCHOOLING


def propose_and_accept(client_as, world, rentree):
    cm2 = rentree["cm2"]
    client = client_as("coordinator_a")
    response = client.post(reverse("missions:rentree_student", args=[cm2.pk]),
                           {"level": Level.SIXIEME, "school": rentree["college"].pk, "leave_reason": ""})
    assert response.status_code == 302
    transfer = Transfer.objects.get(student=cm2)
    assert transfer.state == TransferState.PROPOSED and transfer.to_pole == world.pole_b
    # The sending coordinator cannot accept for the receiving pôle.
    assert client.post(reverse("missions:rentree_transfer", args=[transfer.pk]),
                       {"answer": "accept"}).status_code == 404
    client = client_as("coordinator_b")
    html = client.get(reverse("missions:rentree")).content.decode()
    assert "VIDAL Chloé" in html and "Accepter" in html
    assert client.post(reverse("missions:rentree_transfer", args=[transfer.pk]),
                       {"answer": "accept"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED
    return transfer


def test_transfer_accepted_moves_access_at_the_rentree(client_as, world, years, rentree):
    cm2 = rentree["cm2"]
    transfer = propose_and_accept(client_as, world, rentree)
    journal = AccessLog.objects.filter(student_ref=cm2.pk, detail__contains="Transfert accepté")
    assert set(journal.values_list("pole_id", flat=True)) == {world.pole_a.pk, world.pole_b.pk}
    url = reverse("missions:rentree_student", args=[cm2.pk])
    # Before the rentrée, the sending pôle keeps the student; the receiving one does not see the file yet.
    assert client_as("coordinator_a").get(url).status_code == 200
    assert client_as("coordinator_b").get(url).status_code == 404
    switch_apply(world.pole_a.departement, *years)
    cm2.refresh_from_db()
    transfer.refresh_from_db()
    assert (cm2.school, cm2.level, transfer.state) == (rentree["college"], Level.SIXIEME, TransferState.DONE)
    assert cm2.notifications.count() == 1  # the notification moves with the student
    assert client_as("coordinator_a").get(reverse("eleves:detail", args=[cm2.pk])).status_code == 404
    assert client_as("coordinator_b").get(reverse("eleves:detail", args=[cm2.pk])).status_code == 200
    moved = AccessLog.objects.filter(student_ref=cm2.pk, detail__contains="changement d'établissement")
    assert set(moved.values_list("pole_id", flat=True)) == {world.pole_a.pk, world.pole_b.pk}


def test_unaccepted_transfer_keeps_the_student(client_as, world, years, rentree):
    cm2 = rentree["cm2"]
    client_as("coordinator_a").post(reverse("missions:rentree_student", args=[cm2.pk]),
                                    {"level": "", "school": rentree["college"].pk, "leave_reason": ""})
    plan = switch_apply(world.pole_a.departement, *years)
    cm2.refresh_from_db()
    assert cm2.school == world.schools_a[0] and plan.pending_transfers == [cm2.pk]


def test_leaver_starts_the_retention_clock(world, years, rentree):
    current, following = years
    switch_apply(world.pole_a.departement, current, following)
    tle = Student.objects.get(pk=rentree["tle"].pk)
    assert tle.left_on == current.end_date
    later = datetime.date(current.end_date.year + 2, 1, 1)
    assert tle.pk in retention_plan(later, datetime.datetime.now(datetime.UTC)).student_ids


def test_three_year_cdd_ending_in_august_is_proposed_as_cdi(world, db):
    current = SchoolYear.objects.create(name="2026-2027", start_date=datetime.date(2026, 9, 1),
                                        end_date=datetime.date(2027, 7, 3), is_current=True)
    following = SchoolYear.objects.create(name="2027-2028", start_date=datetime.date(2027, 9, 1),
                                          end_date=datetime.date(2028, 7, 5))
    aesh = AeshFactory(home_pole=world.pole_a)
    contract = ContractFactory(aesh=aesh, start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2027, 8, 31))
    young = ContractFactory(aesh=AeshFactory(home_pole=world.pole_a), start_date=datetime.date(2026, 9, 1),
                            end_date=datetime.date(2027, 8, 31))
    lines = {line.contract.pk: line for line in contracts_to_decide(world.pole_a, current, following)}
    assert lines[contract.pk].cdi.required and lines[contract.pk].proposal == ContractDecisionKind.RENEW_CDI
    assert lines[contract.pk].notice_date == datetime.date(2027, 5, 31)
    assert ContractDecisionKind.RENEW_CDD not in dict(lines[contract.pk].choices)
    assert not lines[young.pk].cdi.required and lines[young.pk].notice_date == datetime.date(2027, 6, 30)


def test_cdd_renewal_refused_when_law_requires_cdi(client_as, world, years):
    aesh = AeshFactory(home_pole=world.pole_a)
    contract = ContractFactory(aesh=aesh, start_date=years[1].start_date - datetime.timedelta(days=3 * 366),
                               end_date=years[1].start_date - datetime.timedelta(days=1))
    client = client_as("coordinator_a")
    response = client.post(reverse("missions:rentree_decision", args=[contract.pk]),
                           {"decision": ContractDecisionKind.RENEW_CDD}, follow=True)
    assert "ne peut être qu&#x27;un CDI" in response.content.decode() and not ContractDecision.objects.exists()
    client.post(reverse("missions:rentree_decision", args=[contract.pk]), {"decision": "RENEW_CDI"})
    assert ContractDecision.objects.get().decision == ContractDecisionKind.RENEW_CDI
    bad = client.post(reverse("missions:rentree_decision", args=[contract.pk]), {"decision": "N'IMPORTE"}, follow=True)
    assert "choisissez une décision" in bad.content.decode()
    assert client_as("coordinator_b").post(reverse("missions:rentree_decision", args=[contract.pk]),
                                           {"decision": "END"}).status_code == 404


def test_wishes_seen_by_their_coordination_only(client_as, world, years, rentree):
    client = client_as("aesh_a")
    assert client.get(reverse("aesh:my_wishes")).status_code == 200
    response = client.post(reverse("aesh:my_wishes"), {"schools": [world.schools_a[1].pk], "sector": "Nord",
                                                        "same_students": "on", "weekly_hours": "30", "referent": "BECOME",
                                                        "comment": "Continuer avec Noé"})
    assert response.status_code == 302
    wish = Wish.objects.get(aesh=rentree["aesh"], year=years[1])
    assert wish.same_students and wish.weekly_hours == Decimal("30")
    url = reverse("aesh:wish_detail", args=[rentree["aesh"].pk])
    assert "Continuer avec Noé" in client_as("coordinator_a").get(url).content.decode()
    assert client_as("pilot_a").get(url).status_code == 200
    for who, status in [("aesh_b", 404), ("aesh_a", 404), ("coordinator_b", 404), ("gestionnaire", 403),
                        ("inspector_a", 403), ("norole", 403)]:
        assert client_as(who).get(url).status_code == status, who
    assert "Continuer avec Noé" not in client_as("coordinator_b").get(reverse("missions:rentree")).content.decode()
    bad = client_as("aesh_a").post(reverse("aesh:my_wishes"), {"weekly_hours": "80"})
    assert bad.status_code == 200 and "inférieure ou égale" in bad.content.decode()


def test_dry_run_equals_the_switch(world, years, rentree):
    transfer = Transfer.objects.create(student=rentree["cm2"], year=years[1], from_pole=world.pole_a,
                                       to_pole=world.pole_b, to_school=rentree["college"])
    transfer_answer(transfer=transfer, accept=True, user=world.users["coordinator_b"], role="COORDINATOR")
    before = {s.pk: (s.level, s.school_id, s.left_on) for s in Student.objects.all()}
    slots_before = dict(TimeSlot.objects.values_list("pk", "valid_until"))
    plan = plan_switch(world.pole_a.departement, *years)
    applied = switch_apply(world.pole_a.departement, *years)
    assert applied.summary() == plan.summary()
    after = {s.pk: (s.level, s.school_id, s.left_on) for s in Student.objects.all()}
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {c.student_id for c in plan.changes} | {pk for pk, _ in plan.leavers}
    for change in plan.changes:
        assert after[change.student_id][:2] == (change.new_level, change.new_school_id)
    assert {pk for pk, until in TimeSlot.objects.values_list("pk", "valid_until") if until != slots_before[pk]} \
        == set(plan.slots)
    assert plan.summary() == {"levels": 2, "schools": 1, "transfers": 1, "pending_transfers": 0, "leavers": 1,
                              "assignments": 1, "slots": 1}


def test_switch_twice_changes_nothing_the_second_time(world, years, rentree):
    current, following = years
    switch_apply(world.pole_a.departement, current, following)
    snapshot = list(Student.objects.order_by("pk").values_list("level", "school_id", "left_on", "updated_at"))
    again = switch_apply(world.pole_a.departement, current, following)
    assert again.done and again.summary()["levels"] == 0
    assert list(Student.objects.order_by("pk").values_list("level", "school_id", "left_on", "updated_at")) == snapshot
    assert YearSwitch.objects.count() == 1
    following.refresh_from_db()
    assert following.is_current and not SchoolYear.objects.get(pk=current.pk).is_current
    # Nothing deleted, year N readable: the assignment and slot end on the last day of N.
    rentree["assignment"].refresh_from_db()
    rentree["slot"].refresh_from_db()
    assert rentree["assignment"].end_date == current.end_date and rentree["slot"].valid_until == current.end_date


def test_failure_mid_switch_saves_nothing(world, years, rentree, monkeypatch):
    def boom(plan):
        raise RuntimeError("panne simulée")
    monkeypatch.setattr(switch_module, "_end_timetables", boom)
    before = list(Student.objects.order_by("pk").values_list("level", "school_id", "left_on"))
    logs = AccessLog.objects.count()
    with pytest.raises(RuntimeError):
        switch_apply(world.pole_a.departement, *years)
    assert list(Student.objects.order_by("pk").values_list("level", "school_id", "left_on")) == before
    assert AccessLog.objects.count() == logs and not YearSwitch.objects.exists()
    assert SchoolYear.objects.get(pk=years[0].pk).is_current


def test_preparation_summary(world, years, rentree):
    prep = preparation(world.pole_a, *years, TODAY)
    s = prep.summary
    assert (s["staying"], s["moving_out"], s["leaving"], s["unknown_school"]) == (1, 1, 1, 0)
    assert s["hours_notified"] == Decimal("6") and s["hours_available"] == Decimal("24")


def test_gestionnaire_sees_figures_not_students(client_as, world, years, rentree):
    html = client_as("gestionnaire").get(reverse("missions:rentree") + f"?pole={world.pole_a.pk}").content.decode()
    assert "Bilan à blanc" in html and "VIDAL" not in html
    assert client_as("gestionnaire").get(reverse("missions:rentree") + "?pole=abc").status_code == 404
    assert client_as("gestionnaire_other").get(reverse("missions:rentree")
                                               + f"?pole={world.pole_a.pk}").status_code == 404


def test_page_reads_are_journaled(client_as, world, years, rentree):
    client_as("pilot_a").get(reverse("missions:rentree"))
    assert AccessLog.objects.filter(action=JournalAction.LIST, detail__contains="préparation").exists()
    client_as("pilot_a").get(reverse("missions:rentree_student", args=[rentree["cm2"].pk]))
    assert AccessLog.objects.filter(action=JournalAction.READ, student_ref=rentree["cm2"].pk).exists()


def test_pilot_reads_only(client_as, world, years, rentree):
    response = client_as("pilot_a").post(reverse("missions:rentree_student", args=[rentree["cm2"].pk]),
                                         {"level": Level.CM2})
    assert response.status_code == 403 and not Projection.objects.exists()


def test_bad_projection_input_says_which_field(client_as, world, years, rentree):
    url = reverse("missions:rentree_student", args=[rentree["cm2"].pk])
    client = client_as("coordinator_a")
    for data, message in [({"level": "XX"}, "Niveau à la rentrée"), ({"school": "999999"}, "Établissement"),
                          ({"school": "abc"}, "Établissement"), ({"leave_reason": "NOPE"}, "Départ")]:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200 and message in response.content.decode()
    assert not Projection.objects.exists()


def test_preparation_closed_before_the_opening_day(client_as, world, years, settings):
    opens = (years[1].start_date - datetime.timedelta(days=1)).strftime("%m-%d")
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": opens}
    html = client_as("coordinator_a").get(reverse("missions:rentree")).content.decode()
    assert "ouvre le" in html and "Bilan à blanc" not in html


PAGES = ["prepare", "student", "switch"]
EXPECTED = {
    "coordinator_a": (200, 200, 403), "coordinator_b": (200, 404, 403), "pilot_a": (200, 200, 403),
    "aesh_a": (403, 403, 403), "inspector_a": (403, 403, 403), "referent_a": (403, 403, 403),
    "gestionnaire": (200, 403, 200), "admin": (200, 200, 200), "norole": (403, 403, 403),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_who_may_open_the_rentree_pages(client_as, world, years, rentree, who):
    urls = [reverse("missions:rentree"), reverse("missions:rentree_student", args=[rentree["cm2"].pk]),
            reverse("missions:switch")]
    for name, url, status in zip(PAGES, urls, EXPECTED[who], strict=True):
        assert client_as(who).get(url).status_code == status, f"{who} {name}"


def test_switch_page_as_gestionnaire(client_as, world, years, rentree):
    current, _following = years
    current.end_date = TODAY  # by hand, from the last day of year N
    current.save()
    client = client_as("gestionnaire")
    html = client.get(reverse("missions:switch")).content.decode()
    assert "Élèves quittant le suivi" in html and "J&#x27;ai relu la simulation ci-dessus" in html
    confirmed = {"confirm": "1"}
    assert client.post(reverse("missions:switch"), confirmed).status_code == 302
    assert YearSwitch.objects.filter(departement=world.pole_a.departement).exists()
    assert client.post(reverse("missions:switch"), confirmed).status_code == 302  # twice: nothing changes, no error
    assert client_as("gestionnaire_other").post(reverse("missions:switch"), confirmed).status_code == 302
    assert YearSwitch.objects.count() == 2  # the other département switches its own (empty) data


def _students(pole, n):
    schools = list(pole.schools.all())
    for i in range(n):
        notified(StudentFactory(school=schools[i % len(schools)], level=Level.CM1))


@pytest.mark.parametrize("who", ["coordinator_a"])
def test_preparation_page_queries_do_not_grow(client_as, world, years, who):
    client = client_as(who)
    _students(world.pole_a, 10)
    client.get(reverse("missions:rentree"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("missions:rentree")).status_code == 200
    _students(world.pole_a, 290)
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("missions:rentree")).content.decode()
    assert html.count("rentree/eleves/") == 300
    assert len(large.captured_queries) == len(small.captured_queries)


def test_year_n_hours_balance_unchanged_by_the_switch(client_as, world, years, rentree):
    from hours.enums import EntryKind
    from hours.models import TimeEntry
    from hours.selectors import balance
    current, following = years
    aesh = rentree["aesh"]
    week_start = current.start_date + datetime.timedelta(days=7 - current.start_date.weekday())
    from hours.tests.factories import TimesheetFactory
    sheet = TimesheetFactory(aesh=aesh, week_start=week_start, validated=True)
    entry = TimeEntry.objects.create(timesheet=sheet, kind=EntryKind.OUTING, day=week_start, minutes=90)
    from hours.services import _recompute
    _recompute(sheet, [entry])  # the totals kept on the week, as the service keeps them
    before = balance(aesh, current, TODAY)
    assert before.weeks_validated == 1 and before.totals != before.totals.__class__()
    html_before = client_as("coordinator_a").get(reverse("hours:balances") + f"?annee={current.name}").content
    switch_apply(world.pole_a.departement, current, following)
    assert balance(aesh, current, TODAY) == before
    html_after = client_as("coordinator_a").get(reverse("hours:balances") + f"?annee={current.name}").content
    assert html_after.count(b"<td") == html_before.count(b"<td")
    # The current year is now N+1 by default; N stays readable by name.
    assert f"Bilans des heures — {following.name}" in client_as("coordinator_a").get(
        reverse("hours:balances")).content.decode()


def test_a_renewal_to_follow_says_ended_or_ending_by_its_date(client_as, world, years, rentree):
    from django.utils.html import escape

    soon, past = TODAY + datetime.timedelta(days=12), TODAY - datetime.timedelta(days=20)
    for student, end in ((StudentFactory(school=world.schools_a[0], first_name="Léo", last_name="Blanc"), soon),
                         (StudentFactory(school=world.schools_a[0], first_name="Zoé", last_name="Noir"), past)):
        NotificationFactory(student=student, start_date=TODAY - datetime.timedelta(days=200), end_date=end,
                            weekly_hours=Decimal(6))
    html = client_as("coordinator_a").get(reverse("missions:rentree")).content.decode()
    assert escape(f"notification qui se termine le {soon:%d/%m/%Y}, aucune en vigueur") in html
    assert escape(f"notification terminée le {past:%d/%m/%Y}, aucune en vigueur") in html
