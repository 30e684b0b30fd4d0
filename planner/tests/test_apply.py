"""Applying a whole proposal (« Appliquer »): the rows it writes are those the single-line path
(add_slot / end_slot, one slot at a time) writes for the same lines; a refused line applies
nothing and the page names it in French."""


import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from missions.models import Assignment, TimeSlot, TimetableChange
from pial.enums import Role
from pial.models import Membership
from pial.scope import Scope
from planner import services
from planner.models import PlannerRun
from planner.problem import time_of
from planner.runs import placement_of
from planner.tests import truth

pytestmark = pytest.mark.django_db
T = datetime.time
ONE_WEEK = datetime.timedelta(days=7)


@pytest.fixture
def coordinator(client_as, world):
    client = client_as("coordinator_a")
    scope = Scope.of(Membership.objects.get(user=world.users["coordinator_a"], role=Role.COORDINATOR))
    return client, scope


def _rows():
    slots = sorted(
        (s.aesh_id, s.weekday, s.start_time, s.end_time, s.school_id, s.kind, s.week, s.valid_from, s.valid_until,
         s.minutes, tuple(sorted((a.aesh_id, a.student_id, a.kind, a.start_date, a.end_date)
                                 for a in s.assignments.all())))
        for s in TimeSlot.objects.prefetch_related("assignments"))
    assignments = sorted((a.aesh_id, a.student_id, a.ulis_id, a.kind, a.start_date, a.end_date)
                         for a in Assignment.objects.all())
    return slots, assignments


def _chosen(client, run):
    view, _ = truth.proposal(client, run)
    add = [line.value for row in view.aesh_pool for line in row.lines if line.name == "add"]
    drop = [line.value for row in view.aesh_pool for line in row.lines if line.name == "drop"]
    return add, drop


@pytest.mark.parametrize("ending", [False, True])
def test_the_rows_equal_the_single_line_path(coordinator, misaligned, world, django_capture_on_commit_callbacks,
                                            ending):
    """Every line of the proposal; with `ending`, also two current slots ended (one shortened
    the day before the start, one starting later deleted)."""
    client, scope = coordinator
    user = world.users["coordinator_a"]
    run = truth.start_run(client, django_capture_on_commit_callbacks)
    add, drop = _chosen(client, run)
    assert len(add) >= 5
    if ending:
        marc = misaligned["marc"]
        drop.append(TimeSlot.objects.get(aesh=marc, weekday=3).pk)  # Thursday 08:30–09:30, exactly a course
        later = TimeSlot.objects.create(aesh=marc, weekday=2, start_time=T(14), end_time=T(15),
                                        school=misaligned["college"], valid_from=run.start_date + ONE_WEEK)
        later.assignments.set([Assignment.objects.filter(aesh=marc, student=misaligned["chloe"]).get()])
        drop.append(later.pk)
    before = _rows()
    with transaction.atomic():
        for slot_id in drop:
            services.end_slot(slot=TimeSlot.objects.get(pk=slot_id), on=run.start_date, user=user, notify=False)
        for index in add:
            placement = placement_of(run.result["placements"][index])
            services.add_slot(placement=placement, unit=run.result["units"][str(placement.unit_id)],
                              start=run.start_date, user=user, notify=False)
        single = _rows()
        transaction.set_rollback(True)
    assert _rows() == before
    done, failures = services.accept(run=run, scope=scope, user=user, add=add, drop=drop)
    assert failures == [] and done == len(add) + len(drop)
    assert _rows() == single and single != before
    touched = {placement_of(run.result["placements"][i]).aesh_id for i in add} | (
        {misaligned["marc"].pk} if ending else set())
    assert sorted(TimetableChange.objects.values_list("aesh_id", flat=True)) == sorted(touched)


def test_a_refused_line_applies_nothing_and_the_page_names_it(coordinator, misaligned,
                                                             django_capture_on_commit_callbacks):
    client, _scope = coordinator
    run = truth.start_run(client, django_capture_on_commit_callbacks)
    lea = misaligned["lea"]
    placement = next(p for p in map(placement_of, run.result["placements"]) if p.aesh_id == lea.pk)
    # Since the computation, someone gave Léa that very hour.
    taken = TimeSlot.objects.create(aesh=lea, weekday=placement.weekday, start_time=time_of(placement.start),
                                    end_time=time_of(placement.end), school_id=placement.school_id,
                                    valid_from=run.start_date)
    taken.assignments.set([Assignment.objects.filter(aesh=lea).first()])
    before = (_rows(), TimetableChange.objects.count())
    errors = truth.accept_everything(client, run)
    assert (_rows(), TimetableChange.objects.count()) == before
    assert errors[0].startswith("Aucune ligne n'a été appliquée : "), errors
    when = f"{time_of(placement.start):%H:%M}–{time_of(placement.end):%H:%M}"
    assert any(e.startswith("Ajouter ") and when in e and "(MARTIN Léa)" in e
               and "à deux endroits à la fois" in e for e in errors[1:]), errors
    run.refresh_from_db()
    assert run.accepted_at is None
    page = client.get(reverse("planner:run", args=[run.pk])).content.decode()
    assert "Appliquer les lignes cochées" in page  # the coordinator can untick that line and apply again
    taken.delete()
    assert truth.accept_everything(client, run) == []
    assert PlannerRun.objects.get(pk=run.pk).accepted_at is not None
