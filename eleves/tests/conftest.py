import datetime

import pytest

from aesh.tests.factories import AeshFactory
from eleves.models import Pps
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions.models import Assignment, AssignmentKind
from pial.enums import Role
from pial.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def students(world):
    """A student in each pôle; the AESH of pôle A accompanies Léo now, another AESH did until last year."""
    today = datetime.date.today()
    leo = StudentFactory(school=world.schools_a[0], first_name="Léo", last_name="Garnier",
                         referent=world.users["referent_a"])
    NotificationFactory(student=leo)
    Pps.objects.create(student=leo, missions="Reformuler les consignes.", accommodations="Supports agrandis.")
    zoe = StudentFactory(school=world.schools_b[0], first_name="Zoé", last_name="Lambert")
    NotificationFactory(student=zoe)
    assigned = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"])
    Assignment.objects.create(aesh=assigned, student=leo, kind=AssignmentKind.INDIVIDUELLE,
                              start_date=today - datetime.timedelta(days=30))
    ended_user = UserFactory(email="aesh_ended@ac-test.fr", with_totp=True)
    MembershipFactory(user=ended_user, role=Role.AESH, pole=world.pole_a)
    ended = AeshFactory(home_pole=world.pole_a, user=ended_user)
    Assignment.objects.create(aesh=ended, student=leo, kind=AssignmentKind.INDIVIDUELLE,
                              start_date=today - datetime.timedelta(days=400), end_date=today - datetime.timedelta(days=1))
    world.users["aesh_ended"] = ended_user
    idle_user = UserFactory(email="aesh_idle@ac-test.fr", with_totp=True)
    MembershipFactory(user=idle_user, role=Role.AESH, pole=world.pole_a)
    AeshFactory(home_pole=world.pole_a, user=idle_user)
    world.users["aesh_idle"] = idle_user
    referent_b = MembershipFactory(user__email="referent_b@ac-test.fr", role=Role.ENSEIGNANT_REFERENT, pole=None,
                                   departement=world.pole_b.departement)
    referent_b.schools.set(world.schools_b)
    world.users["referent_b"] = referent_b.user
    return {"leo": leo, "zoe": zoe}
