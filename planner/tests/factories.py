"""Factories of the planner's inputs and runs."""

import datetime

import factory

from aesh.tests.factories import AeshFactory
from eleves.tests.factories import StudentFactory
from pial.tests.factories import PoleFactory, SchoolFactory, UserFactory
from planner.models import ClassCourse, PairingWish, PlannerRun, RunState, Unavailability, WishKind


class ClassCourseFactory(factory.django.DjangoModelFactory):
    """A Monday 8:30–9:25 course of class « 6e A »; trait: own (one student's own timetable)."""

    class Meta:
        model = ClassCourse

    school = factory.SubFactory(SchoolFactory)
    class_name = "6e A"
    weekday = 0
    start_time = datetime.time(8, 30)
    end_time = datetime.time(9, 25)
    subject = "Français"

    class Params:
        own = factory.Trait(class_name="", student=factory.SubFactory(StudentFactory,
                                                                     school=factory.SelfAttribute("..school")))


class UnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unavailability

    aesh = factory.SubFactory(AeshFactory)
    weekday = 2
    start_time = datetime.time(8, 30)
    end_time = datetime.time(12, 0)


class PairingWishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairingWish

    aesh = factory.SubFactory(AeshFactory)
    student = factory.SubFactory(StudentFactory)
    kind = WishKind.FORBID

    class Params:
        impose = factory.Trait(kind=WishKind.IMPOSE)
        prefer = factory.Trait(kind=WishKind.PREFER)


class PlannerRunFactory(factory.django.DjangoModelFactory):
    """A queued run; traits: running, done, cancelled."""

    class Meta:
        model = PlannerRun

    pole = factory.SubFactory(PoleFactory)
    created_by = factory.SubFactory(UserFactory)
    start_date = datetime.date(2026, 11, 30)
    weights = factory.LazyFunction(lambda: {"coverage": 5, "fairness": 3, "continuity": 3, "compactness": 2,
                                            "stability": 2})

    class Params:
        running = factory.Trait(state=RunState.RUNNING, progress=40, step="Répartition des élèves")
        done = factory.Trait(state=RunState.DONE, progress=100, step="Proposition prête",
                             finished_at=datetime.datetime(2026, 11, 25, 10, 1, tzinfo=datetime.UTC))
        cancelled = factory.Trait(state=RunState.CANCELLED, cancel_requested=True,
                                  finished_at=datetime.datetime(2026, 11, 25, 10, 1, tzinfo=datetime.UTC))
