"""Invariants of contracts and amendments, with French messages, in the model and the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aesh.enums import AmendmentState, ContractKind
from aesh.models import Contract
from aesh.selectors import aesh_for_detail, contract_figures, terms_of
from aesh.services import amendment_answer, amendment_save, contract_save
from aesh.tests.factories import AeshFactory, AmendmentFactory, ContractFactory
from pial.scope import Scope

d = datetime.date
pytestmark = pytest.mark.django_db


def test_overlapping_contract_is_rejected_in_french():
    first = ContractFactory()
    second = Contract(aesh=first.aesh, kind=ContractKind.CDI, start_date=d(2028, 8, 1), weekly_hours=24,
                      weeks=41, annual_base=1607, contractual_quotite=62)
    with pytest.raises(ValidationError) as raised:
        contract_save(contract=second)
    assert "chevauche un autre contrat" in raised.value.message_dict["start_date"][0]
    assert Contract.objects.count() == 1


def test_following_contract_is_accepted():
    first = ContractFactory()
    contract_save(contract=Contract(aesh=first.aesh, kind=ContractKind.CDI, start_date=d(2028, 9, 1),
                                    weekly_hours=24, weeks=41, annual_base=1607, contractual_quotite=62))
    assert Contract.objects.count() == 2


def test_total_quotite_above_100_is_rejected_in_french():
    contract = ContractFactory.build(aesh=AeshFactory(), referent_quotite=Decimal("0.5"))
    with pytest.raises(ValidationError) as raised:
        contract_save(contract=contract)
    assert "dépasse 100 %" in raised.value.message_dict["referent_quotite"][0]


def test_total_quotite_is_also_a_database_constraint():
    aesh = AeshFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(aesh=aesh, kind=ContractKind.CDI, start_date=d(2025, 9, 1), weekly_hours=24,
                                weeks=41, annual_base=1607, contractual_quotite=62, referent_quotite=Decimal("0.5"))


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"referent_quotite": Decimal("0.1")}, "referent_quotite", "entre 0,25 et 1 ETP"),
        ({"weeks": 40}, "weeks", "entre 41 et 45 semaines"),
        ({"end_date": d(2025, 8, 1)}, "end_date", "doit suivre la date de début"),
        ({"kind": ContractKind.CDD, "end_date": None}, "end_date", "Un CDD a une date de fin"),
        ({"weekly_hours": Decimal("42")}, "weekly_hours", "dépassent un temps plein"),
    ],
)
def test_contract_rules_name_the_field_in_french(changes, field, fragment):
    contract = ContractFactory.build(aesh=AeshFactory(), **changes)
    with pytest.raises(ValidationError) as raised:
        contract.full_clean()
    assert any(fragment in m for m in raised.value.message_dict[field])


def test_first_contract_sets_the_training_due_date():
    aesh = AeshFactory()
    contract_save(contract=ContractFactory.build(aesh=aesh, start_date=d(2025, 9, 1)))
    aesh.refresh_from_db()
    assert aesh.training_due_date == d(2026, 8, 31)
    assert aesh.first_hire_date == d(2025, 9, 1)


def test_terms_on_a_date_apply_accepted_amendments_only():
    contract = ContractFactory()
    accepted = AmendmentFactory(contract=contract, weekly_hours=Decimal("20"), contractual_quotite=52,
                                referent_quotite=Decimal("0.25"), state=AmendmentState.ACCEPTED,
                                answered_on=d(2026, 1, 10))
    AmendmentFactory(contract=contract, effective_date=d(2026, 3, 2), proposed_on=d(2026, 2, 1),
                     weekly_hours=Decimal("30"), state=AmendmentState.REFUSED, answered_on=d(2026, 2, 3))
    aesh = aesh_for_detail(Scope.national()).get(pk=contract.aesh_id)
    loaded = aesh.contracts.all()[0]
    before = terms_of(loaded, d(2026, 1, 18), frozenset())
    after = terms_of(loaded, d(2026, 4, 1), frozenset())
    assert before.weekly_hours == Decimal("24") and before.referent_quotite == 0
    assert (after.weekly_hours, after.referent_quotite) == (Decimal("20"), Decimal("0.25"))
    assert accepted.effective_state(d(2026, 4, 1)) == AmendmentState.ACCEPTED


def test_unanswered_amendment_becomes_refused_after_a_month():
    amendment = AmendmentFactory(weekly_hours=Decimal("20"), proposed_on=d(2026, 1, 5))
    assert amendment.effective_state(d(2026, 2, 5)) == AmendmentState.PROPOSED
    assert amendment.effective_state(d(2026, 2, 6)) == AmendmentState.REFUSED
    with pytest.raises(ValidationError, match="silence de l'agent vaut refus"):
        amendment_answer(amendment=amendment, accepted=True, on=d(2026, 2, 10))


def test_amendment_leading_above_100_percent_is_rejected():
    contract = ContractFactory()
    amendment = AmendmentFactory.build(contract=contract, referent_quotite=Decimal("0.5"))
    with pytest.raises(ValidationError) as raised:
        amendment_save(amendment=amendment, schools=[])
    assert "dépasse 100 %" in raised.value.message_dict["referent_quotite"][0]


def test_amendment_must_change_something_and_fall_within_the_contract():
    contract = ContractFactory()
    amendment = AmendmentFactory.build(contract=contract, effective_date=d(2029, 1, 1), proposed_on=d(2028, 12, 1))
    with pytest.raises(ValidationError) as raised:
        amendment.full_clean()
    errors = raised.value.message_dict
    assert "pendant le contrat" in errors["effective_date"][0]
    assert "au moins un élément" in errors["__all__"][0]


def test_figures_flag_a_quotite_gap_and_compute_connexe_hours():
    contract = ContractFactory(contractual_quotite=60)
    aesh = aesh_for_detail(Scope.national()).get(pk=contract.aesh_id)
    figures = contract_figures(aesh, aesh.contracts.all()[0], d(2026, 1, 1))
    assert figures.computed_quotite == 62 and figures.quotite_gap == -2
    assert figures.connexe_hours == 120
    assert figures.renewal_notice == d(2028, 5, 31)  # CDI required after 3 years: 3 months before
    assert figures.cdi.required


@pytest.mark.postgres
def test_postgres_refuses_overlap_even_without_the_model_check(postgres_db):
    first = ContractFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(aesh=first.aesh, kind=ContractKind.CDI, start_date=d(2027, 1, 1), weekly_hours=24,
                                weeks=41, annual_base=1607, contractual_quotite=62)
