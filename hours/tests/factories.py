"""Factories of the hours: weeks in each state, with the fields each state sets (the database
ties them: see Timesheet.Meta.constraints), and their lines."""

import datetime

import factory

from aesh.enums import AbsenceReason
from aesh.tests.factories import AeshFactory
from hours.enums import Attendance, ConnexeCategory, EntryKind, TimesheetState
from hours.models import TimeEntry, Timesheet
from pial.tests.factories import UserFactory

HANDED_IN = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=datetime.UTC)
VALIDATED = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


class TimesheetFactory(factory.django.DjangoModelFactory):
    """A draft week (Monday 16 November 2026); traits: submitted, validated, returned."""

    class Meta:
        model = Timesheet

    aesh = factory.SubFactory(AeshFactory)
    week_start = datetime.date(2026, 11, 16)
    state = TimesheetState.DRAFT
    main_school = factory.LazyAttribute(lambda sheet: sheet.aesh.home_pole.schools.first())

    class Params:
        submitted = factory.Trait(state=TimesheetState.SUBMITTED, submitted_at=HANDED_IN)
        validated = factory.Trait(state=TimesheetState.VALIDATED, submitted_at=HANDED_IN, validated_at=VALIDATED,
                                  validated_by=factory.SubFactory(UserFactory))
        returned = factory.Trait(state=TimesheetState.RETURNED, submitted_at=HANDED_IN,
                                 return_comment="Le mardi manque.")


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """A timetabled slot as it happened (3 h, done); traits: absent, connexe."""

    class Meta:
        model = TimeEntry

    timesheet = factory.SubFactory(TimesheetFactory)
    kind = EntryKind.SLOT
    day = factory.SelfAttribute("timesheet.week_start")
    start_time = datetime.time(8, 30)
    end_time = datetime.time(11, 30)
    planned_minutes = 180
    minutes = 180
    attendance = Attendance.DONE

    class Params:
        absent = factory.Trait(attendance=Attendance.AESH_ABSENT, minutes=0, absence_reason=AbsenceReason.SICK_LEAVE)
        connexe = factory.Trait(kind=EntryKind.CONNEXE, day=None, start_time=None, end_time=None, planned_minutes=0,
                                minutes=60, category=ConnexeCategory.PREPARATION)
