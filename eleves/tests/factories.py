import datetime
from decimal import Decimal

import factory

from eleves.enums import AidKind, Level
from eleves.models import Notification, Student
from pial.tests.factories import SchoolFactory


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    first_name = "Lou"
    last_name = factory.Sequence(lambda n: f"Eleve{n}")
    birth_date = datetime.date(2016, 3, 14)
    school = factory.SubFactory(SchoolFactory)
    level = Level.CE2


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    student = factory.SubFactory(StudentFactory)
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2028, 8, 31)
    aid_kind = AidKind.INDIVIDUELLE
    weekly_hours = Decimal("12")
    activities = factory.LazyFunction(lambda: ["INSTRUCTIONS", "MEALS"])
