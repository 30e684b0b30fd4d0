"""Factories of missions: assignments and weekly slots, with the traits tests ask for."""

import datetime

import factory

from aesh.tests.factories import AeshFactory
from eleves.tests.factories import StudentFactory
from missions.models import Assignment, AssignmentKind, MissionLetter, SlotKind, TimeSlot, WeekParity
from pial.tests.factories import SchoolFactory, SchoolYearFactory


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An individual assignment of an AESH to a student of the AESH's pôle."""

    class Meta:
        model = Assignment

    aesh = factory.SubFactory(AeshFactory)
    student = factory.SubFactory(StudentFactory, school__pole=factory.SelfAttribute("...aesh.home_pole"))
    kind = AssignmentKind.INDIVIDUELLE
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2028, 8, 31)

    class Params:
        mutualisee = factory.Trait(kind=AssignmentKind.MUTUALISEE)
        open_ended = factory.Trait(end_date=None)


class TimeSlotFactory(factory.django.DjangoModelFactory):
    """A Monday-morning accompaniment slot, every week; add assignments with `assignments=[...]`."""

    class Meta:
        model = TimeSlot
        skip_postgeneration_save = True

    aesh = factory.SubFactory(AeshFactory)
    weekday = 0
    start_time = datetime.time(8, 30)
    end_time = datetime.time(11, 30)
    school = factory.SubFactory(SchoolFactory, pole=factory.SelfAttribute("..aesh.home_pole"))
    kind = SlotKind.CLASS
    week = ""
    valid_from = datetime.date(2025, 9, 1)

    class Params:
        week_a = factory.Trait(week=WeekParity.A)
        week_b = factory.Trait(week=WeekParity.B)
        lunch = factory.Trait(kind=SlotKind.LUNCH, start_time=datetime.time(12, 0), end_time=datetime.time(13, 0))
        travel = factory.Trait(kind=SlotKind.TRAVEL, start_time=datetime.time(11, 30),
                               end_time=datetime.time(11, 45))

    @factory.post_generation
    def assignments(self, create, extracted, **kwargs):
        if create and extracted:
            self.assignments.set(extracted)


class MissionLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionLetter

    referent = factory.SubFactory(AeshFactory)
    pole = factory.SelfAttribute("referent.home_pole")
    school_year = factory.SubFactory(SchoolYearFactory, start_date=datetime.date(2026, 9, 1),
                                     end_date=datetime.date(2027, 7, 3))
    referent_quotite = "0.25"
