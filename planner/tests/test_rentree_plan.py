"""The planner on year N+1 (issue 25 item 2): next year's students, continuing contracts, and
continuity across years — a staying student keeps their AESH of year N when the AESH wishes it."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from aesh.models import Wish
from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.enums import LeaveReason, Level
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from missions.switch import switch_apply
from pial.models import SchoolYear
from pial.scope import Scope
from pial.tests.helpers import count_queries
from planner import engine, inputs
from planner.models import ClassCourse, PlannerRun
from planner.problem import AeshSpec, Course, Problem, Unit, Weights

TODAY = datetime.date.today()
T = datetime.time


@pytest.fixture
def next_year(world, settings):
    """Year N (today) and N+1 (its rentrée in 120 days). Noé (CE1, 3 h) stays in his école; his AESH
    this year is Bastien (a Monday slot, open-ended until the switch); Anne, created first, would
    be the planner's first choice without continuity. Both have a contract running into N+1."""
    opened = (TODAY - datetime.timedelta(days=1)).strftime("%m-%d")
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": opened}
    current = SchoolYear.objects.create(name="2026-2027", start_date=TODAY - datetime.timedelta(days=90),
                                        end_date=TODAY + datetime.timedelta(days=60), is_current=True)
    following = SchoolYear.objects.create(name="2027-2028", start_date=TODAY + datetime.timedelta(days=120),
                                          end_date=TODAY + datetime.timedelta(days=420))
    school = world.schools_a[0]
    anne = AeshFactory(home_pole=world.pole_a, first_name="Anne", last_name="Aubry")
    bastien = AeshFactory(home_pole=world.pole_a, first_name="Bastien", last_name="Bernard")
    for aesh in (anne, bastien):
        ContractFactory(aesh=aesh, start_date=current.start_date, end_date=following.end_date,
                        weekly_hours=Decimal("3"))
    noe = StudentFactory(school=school, level=Level.CE1, first_name="Noé", last_name="Petit", class_name="CE")
    NotificationFactory(student=noe, start_date=current.start_date, end_date=following.end_date,
                        weekly_hours=Decimal("3"))
    ClassCourse.objects.bulk_create(ClassCourse(school=school, class_name="CE", weekday=d, start_time=T(9),
                                                end_time=T(10)) for d in (0, 1, 3))
    assignment = Assignment.objects.create(aesh=bastien, student=noe, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=current.start_date)
    slot = TimeSlot.objects.create(aesh=bastien, school=school, weekday=0, start_time=T(9), end_time=T(10),
                                   valid_from=current.start_date)
    slot.assignments.set([assignment])
    return {"current": current, "following": following, "anne": anne, "bastien": bastien, "noe": noe,
            "assignment": assignment, "slot": slot}


def scope_of(world):
    return Scope.of(world.users["coordinator_a"].memberships.get())


def aesh_of_noe(world, next_year):
    loaded = inputs.load(scope_of(world), next_year["following"].start_date, Weights())
    plan = engine.plan(loaded.problem)
    return {p.aesh_id for p in plan.placements if p.unit_id == next_year["noe"].pk}, loaded


def test_a_staying_student_keeps_their_aesh_when_the_aesh_wishes_it(world, next_year):
    Wish.objects.create(aesh=next_year["bastien"], year=next_year["following"], same_students=True)
    chosen, loaded = aesh_of_noe(world, next_year)
    assert chosen == {next_year["bastien"].pk}
    assert loaded.problem.previous == {(next_year["bastien"].pk, next_year["noe"].pk): 1.0}
    assert not loaded.problem.current and not loaded.problem.fixed  # year N's slots end at the switch


def test_not_when_the_aesh_said_no(world, next_year):
    Wish.objects.create(aesh=next_year["bastien"], year=next_year["following"], same_students=False)
    chosen, loaded = aesh_of_noe(world, next_year)
    assert loaded.problem.previous == {}
    assert chosen == {next_year["anne"].pk}


def test_half_bonus_without_a_wish(world, next_year, settings):
    settings.PIAL = {**settings.PIAL, "PLANNER_CONTINUITY_BONUS": 2.0}
    chosen, loaded = aesh_of_noe(world, next_year)
    assert loaded.problem.previous == {(next_year["bastien"].pk, next_year["noe"].pk): 1.0}  # half of 2
    assert chosen == {next_year["bastien"].pk}


def test_a_plan_for_this_year_reads_this_year(world, next_year):
    loaded = inputs.load(scope_of(world), TODAY + datetime.timedelta(days=7), Weights())
    assert loaded.problem.previous == {} and [p.aesh_id for p in loaded.problem.current] == [
        next_year["bastien"].pk]


def test_leavers_and_movers_are_not_planned_for_next_year(world, next_year):
    for name, projection in (("Part", {"leave_reason": LeaveReason.LEFT_DEPARTEMENT}),
                             ("Change", {"school": world.schools_b[0]})):
        student = StudentFactory(school=world.schools_a[1], level=Level.CE1, last_name=name)
        NotificationFactory(student=student, start_date=TODAY, end_date=next_year["following"].end_date,
                            weekly_hours=Decimal("2"))
        student.projections.create(year=next_year["following"], **projection)
    loaded = inputs.load(scope_of(world), next_year["following"].start_date, Weights())
    assert [u.id for u in loaded.problem.units] == [next_year["noe"].pk]


def test_pairs_with_the_fuller_bonus_come_first():
    """Pure core: one AESH of 3 h, two students of 3 h at the same hours, both theirs last year
    (fairness off, else each would get half)."""
    courses = tuple(Course(id=10 * s + d, weekday=d, start=540, end=600, school_id=1) for s in (1, 2)
                    for d in (0, 1, 3))
    units = tuple(Unit(id=s, student_ids=(s,), school_id=1, need=180, courses=courses[3 * (s - 1):3 * s])
                  for s in (1, 2))
    problem = Problem(units=units, aesh_pool=(AeshSpec(id=7, capacity=180),), previous={(7, 1): 0.5, (7, 2): 1.0},
                      weights=Weights(fairness=0), max_rounds=50)
    assert {p.unit_id for p in engine.plan(problem).placements} == {2}


def test_the_proposal_takes_effect_on_the_rentree(client_as, world, next_year, django_capture_on_commit_callbacks):
    following, bastien = next_year["following"], next_year["bastien"]
    Wish.objects.create(aesh=bastien, year=following, same_students=True)
    client = client_as("coordinator_a")
    prepare = client.get(reverse("missions:rentree")).content.decode()
    assert f'href="{reverse("planner:home")}?annee=2027-2028"' in prepare and "Planifier la rentrée" in prepare
    page = client.get(reverse("planner:home") + "?annee=2027-2028")
    html = page.content.decode()
    assert "Planificateur — rentrée 2027-2028" in html and "1 élève garde en priorité son AESH" in html
    assert page.context["form"].fields["start_date"].initial == following.start_date
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planner:home") + "?annee=2027-2028", {
            "start_date": following.start_date.isoformat(), "coverage": 1, "fairness": 1, "continuity": 1,
            "compactness": 1, "stability": 1})
    run = PlannerRun.objects.get()
    assert run.state == "DONE" and run.result["after"]["continuity_bonus"] == 1.0
    adds = [str(i) for i in range(len(run.result["placements"]))]
    assert len(adds) == 3
    response = client.post(reverse("planner:accept", args=[run.pk]), {"add": adds})
    assert response.status_code == 302
    new = TimeSlot.objects.exclude(pk=next_year["slot"].pk)
    assert new.count() == 3 and {s.valid_from for s in new} == {following.start_date}
    assert {s.aesh_id for s in new} == {bastien.pk}
    # A new assignment from the rentrée: year N's ends at the switch.
    (kept,) = {a for s in new for a in s.assignments.all()}
    assert kept != next_year["assignment"] and kept.start_date == following.start_date
    # Year N's slot and assignment end on its last day from the apply (as the switch will): the
    # AESH is not booked twice from the rentrée, and the switch finds them ended.
    next_year["slot"].refresh_from_db()
    next_year["assignment"].refresh_from_db()
    assert next_year["slot"].valid_until == next_year["assignment"].end_date == next_year["current"].end_date
    plan = switch_apply(world.pole_a.departement, next_year["current"], following)
    assert not {next_year["slot"].pk, *new.values_list("pk", flat=True)} & set(plan.slots)
    dashboard = client.get(reverse("missions:dashboard") + "?annee=2027-2028").context["totals"]
    assert (dashboard.notified_minutes, dashboard.assured_individual_minutes) == (180, 180)


@pytest.mark.parametrize("value,message", [("1999-2000", "inconnue"), ("2025-2026", "n'est pas planifiable ici"),
                                           ("x" * 50, "inconnue")])
def test_another_year_says_so_in_french(client_as, world, next_year, value, message):
    SchoolYear.objects.create(name="2025-2026", start_date=TODAY - datetime.timedelta(days=450),
                              end_date=TODAY - datetime.timedelta(days=100))
    html = unescape(client_as("coordinator_a").get(reverse("planner:home") + f"?annee={value}").content.decode())
    assert message in html and "Planificateur des emplois du temps" in html
    current = client_as("coordinator_a").get(reverse("planner:home") + "?annee=2026-2027").content.decode()
    assert "Planificateur des emplois du temps" in current and "inconnue" not in current  # this year: as usual


@pytest.mark.parametrize("who,status", [("coordinator_a", 200), ("pilot_a", 403), ("aesh_a", 403),
                                        ("gestionnaire", 403), ("inspector_a", 403)])
def test_who_may_plan_the_rentree(client_as, world, next_year, who, status):
    assert client_as(who).get(reverse("planner:home") + "?annee=2027-2028").status_code == status


def test_rentree_planner_page_queries_do_not_grow(client_as, world, next_year):
    client = client_as("coordinator_a")
    url = reverse("planner:home") + "?annee=2027-2028"
    client.get(url)

    def add(n):
        for i in range(n):
            student = StudentFactory(school=world.schools_a[0], level=Level.CE1, class_name="CE")
            NotificationFactory(student=student, start_date=TODAY, end_date=next_year["following"].end_date,
                                weekly_hours=Decimal("2"))
            assignment = Assignment.objects.create(aesh=next_year["anne"], student=student,
                                                   kind=AssignmentKind.INDIVIDUELLE, start_date=TODAY)
            if i % 2:
                Wish.objects.get_or_create(aesh=next_year["anne"], year=next_year["following"],
                                           defaults={"same_students": True})
            assert assignment.pk

    add(2)
    few = count_queries(lambda: client.get(url))
    add(20)
    assert count_queries(lambda: client.get(url)) == few


def test_several_students_keep_their_own_aesh_in_the_wording(client_as, world, next_year):
    import dataclasses
    from unittest import mock

    real_load = inputs.load

    def fourteen_kept(*args, **kwargs):
        loaded = real_load(*args, **kwargs)
        previous = {(7, number): 1.0 for number in range(14)}
        return dataclasses.replace(loaded, problem=dataclasses.replace(loaded.problem, previous=previous))

    with mock.patch.object(inputs, "load", fourteen_kept):
        html = client_as("coordinator_a").get(reverse("planner:home") + "?annee=2027-2028").content.decode()
    assert "14 élèves gardent en priorité leur AESH de cette année" in html
