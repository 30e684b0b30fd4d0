import datetime
from decimal import Decimal

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.conftest import students  # noqa: F401  (shared fixture)
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind

TODAY = datetime.date.today()
YEAR_START = TODAY - datetime.timedelta(days=60)
YEAR_END = TODAY + datetime.timedelta(days=200)


@pytest.fixture
def team(world):
    """An AESH (24 h contract) of pôle A linked to user aesh_a, and two notified students."""
    aesh = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"], first_name="Léa", last_name="Martin",
                       email="aesh_a@ac-test.fr")
    ContractFactory(aesh=aesh, start_date=YEAR_START - datetime.timedelta(days=365),
                    end_date=YEAR_END + datetime.timedelta(days=365), weekly_hours=Decimal("24"))
    alice = StudentFactory(school=world.schools_a[0], first_name="Alice", last_name="Bonnet")
    NotificationFactory(student=alice, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
    bruno = StudentFactory(school=world.schools_a[1], first_name="Bruno", last_name="Carré")
    NotificationFactory(student=bruno, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
    assignment = Assignment.objects.create(aesh=aesh, student=alice, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=YEAR_START, end_date=YEAR_END)
    return {"aesh": aesh, "alice": alice, "bruno": bruno, "assignment": assignment}
