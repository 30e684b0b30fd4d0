import datetime

import pytest

from aesh.tests.factories import AeshFactory, ContractFactory


@pytest.fixture
def records(world):
    """An AESH record in each pôle; the one of pôle A belongs to the user aesh_a."""
    own = AeshFactory(home_pole=world.pole_a, user=world.users["aesh_a"], last_name="Martin",
                      first_name="Léa", email="aesh_a@ac-test.fr")
    own.schools.set(world.schools_a[:1])
    ContractFactory(aesh=own, start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2028, 8, 31))
    other = AeshFactory(home_pole=world.pole_b, user=world.users["aesh_b"], last_name="Petit",
                        first_name="Nina", email="aesh_b@ac-test.fr")
    ContractFactory(aesh=other)
    colleague = AeshFactory(home_pole=world.pole_a, last_name="Robert", first_name="Inès")
    return {"own": own, "other": other, "colleague": colleague}
