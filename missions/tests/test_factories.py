"""Each factory and trait of missions, hours and the planner makes a record its model accepts."""

import pytest

from hours.enums import TimesheetState
from hours.tests.factories import TimeEntryFactory, TimesheetFactory
from missions.models import AssignmentKind, SlotKind
from missions.tests.factories import AssignmentFactory, MissionLetterFactory, TimeSlotFactory
from planner.models import RunState, WishKind
from planner.tests.factories import ClassCourseFactory, PairingWishFactory, PlannerRunFactory, UnavailabilityFactory

CASES = [
    (AssignmentFactory, {}, lambda o: o.kind == AssignmentKind.INDIVIDUELLE
     and o.student.school.pole_id == o.aesh.home_pole_id),
    (AssignmentFactory, {"mutualisee": True}, lambda o: o.kind == AssignmentKind.MUTUALISEE),
    (TimeSlotFactory, {"week_b": True}, lambda o: o.week == "B" and o.minutes == 180),
    (TimeSlotFactory, {"lunch": True}, lambda o: o.kind == SlotKind.LUNCH and o.minutes == 60),
    (MissionLetterFactory, {}, lambda o: o.pole_id == o.referent.home_pole_id),
    (TimesheetFactory, {}, lambda o: o.state == TimesheetState.DRAFT),
    (TimesheetFactory, {"submitted": True}, lambda o: o.submitted_at is not None),
    (TimesheetFactory, {"validated": True}, lambda o: o.validated_by is not None and o.validated_at is not None),
    (TimesheetFactory, {"returned": True}, lambda o: o.return_comment),
    (TimeEntryFactory, {"absent": True}, lambda o: o.minutes == 0 and o.absence_reason),
    (TimeEntryFactory, {"connexe": True}, lambda o: o.day is None and o.category),
    (ClassCourseFactory, {"own": True}, lambda o: o.student.school_id == o.school_id and not o.class_name),
    (UnavailabilityFactory, {}, lambda o: o.end_time > o.start_time),
    (PairingWishFactory, {"impose": True}, lambda o: o.kind == WishKind.IMPOSE),
    (PlannerRunFactory, {"done": True}, lambda o: o.state == RunState.DONE and o.finished_at),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "traits", "check"), CASES,
                         ids=[f"{f.__name__}-{'-'.join(t) or 'base'}" for f, t, _ in CASES])
def test_factories_make_records_their_models_accept(factory, traits, check):
    made = factory(**traits)
    made.refresh_from_db()
    made.full_clean()
    assert check(made)
