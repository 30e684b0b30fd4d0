"""The toolbox's little world: pôle A with its référente, the AESH Léa Martin (assigned at school
A0 since the start of the year), a colleague at school A1, an AESH of pôle B, a school year."""

import datetime
from decimal import Decimal

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import StudentFactory
from missions.models import Assignment, AssignmentKind, LetterState, MissionLetter
from missions.tests.conftest import team  # noqa: F401  (shared fixture)
from pial.enums import Role
from pial.models import SchoolYear
from pial.tests.factories import MembershipFactory

TODAY = datetime.date.today()


def aesh_with_account(world, key: str, pole, **fields):
    membership = MembershipFactory(user__email=f"{key}@ac-test.fr", role=Role.AESH, pole=pole)
    world.users[key] = membership.user
    aesh = AeshFactory(home_pole=pole, user=membership.user, email=f"{key}@ac-test.fr", **fields)
    ContractFactory(aesh=aesh, start_date=TODAY - datetime.timedelta(days=400),
                    end_date=TODAY + datetime.timedelta(days=400))
    return aesh


@pytest.fixture
def toolbox(world, team):  # noqa: F811  (the imported fixture)
    year = SchoolYear.objects.create(name="année", start_date=TODAY - datetime.timedelta(days=100),
                                     end_date=TODAY + datetime.timedelta(days=200), is_current=True)
    membership = MembershipFactory(user__email="referente_a@ac-test.fr", role=Role.AESH, pole=world.pole_a)
    world.users["referente_a"] = membership.user
    referente = AeshFactory(home_pole=world.pole_a, user=membership.user, first_name="Rose", last_name="Référente",
                            email="referente_a@ac-test.fr")
    ContractFactory(aesh=referente, start_date=TODAY - datetime.timedelta(days=800),
                    end_date=TODAY + datetime.timedelta(days=300), contractual_quotite=Decimal("62"),
                    referent_quotite=Decimal("0.25"))
    MissionLetter.objects.create(referent=referente, pole=world.pole_a, school_year=year,
                                 referent_quotite=Decimal("0.25"), state=LetterState.IN_FORCE)
    colleague = aesh_with_account(world, "colleague_a", world.pole_a, first_name="Chloé", last_name="Collègue")
    Assignment.objects.create(aesh=colleague, student=team["bruno"], kind=AssignmentKind.INDIVIDUELLE,
                              start_date=TODAY - datetime.timedelta(days=30))
    aesh_b = aesh_with_account(world, "aesh_b_rec", world.pole_b, first_name="Bastien", last_name="Bêta")
    zoe = StudentFactory(school=world.schools_b[0], first_name="Zoé", last_name="Lambert")
    Assignment.objects.create(aesh=aesh_b, student=zoe, kind=AssignmentKind.INDIVIDUELLE,
                              start_date=TODAY - datetime.timedelta(days=30))
    return {"year": year, "referente": referente, "lea": team["aesh"], "colleague": colleague, "aesh_b": aesh_b,
            **team}


def login(client, world, key: str):
    client.force_login(world.users[key])
    return client
