import datetime
from decimal import Decimal

import factory

from aesh.enums import ContractKind, TrainingKind
from aesh.models import Aesh, Amendment, Contract, Training
from pial.tests.factories import PoleFactory


class AeshFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aesh
        skip_postgeneration_save = True

    first_name = "Marie"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.Sequence(lambda n: f"aesh{n}@ac-test.fr")
    home_pole = factory.SubFactory(PoleFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    aesh = factory.SubFactory(AeshFactory)
    kind = ContractKind.CDD
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2028, 8, 31)
    weekly_hours = Decimal("24")
    weeks = 41
    annual_base = 1607
    contractual_quotite = Decimal("62")


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    contract = factory.SubFactory(ContractFactory)
    proposed_on = datetime.date(2026, 1, 5)
    effective_date = datetime.date(2026, 1, 19)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    aesh = factory.SubFactory(AeshFactory)
    kind = TrainingKind.ADAPTATION
    date = datetime.date(2025, 10, 1)
    hours = Decimal("6")
    title = "Accueil des nouveaux AESH"
