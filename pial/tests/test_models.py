"""Invariants of the territory, in the model (French messages) and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pial.enums import Role
from pial.models import Membership, School
from pial.tests.factories import DepartementFactory, PoleFactory, SchoolFactory, UserFactory


@pytest.mark.django_db
def test_membership_role_and_territory_must_match_in_french():
    pole = PoleFactory()
    membership = Membership(user=UserFactory(), role=Role.INSPECTOR, pole=pole)
    with pytest.raises(ValidationError) as raised:
        membership.full_clean()
    errors = raised.value.message_dict
    assert "Ce rôle s'exerce sur une circonscription" in errors["circonscription"][0]
    assert "laissez ce champ vide" in errors["pole"][0]


@pytest.mark.django_db
def test_membership_mismatch_is_refused_by_the_database():
    pole = PoleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.GESTIONNAIRE, pole=pole)


@pytest.mark.django_db
def test_school_uai_is_validated_in_the_model():
    school = SchoolFactory.build(uai="0350760M", pole=PoleFactory())
    school.departement = school.pole.departement
    with pytest.raises(ValidationError) as raised:
        school.full_clean()
    assert "lettre de contrôle" in raised.value.message_dict["uai"][0]


@pytest.mark.django_db
def test_school_pole_must_be_in_its_departement():
    school = SchoolFactory()
    school.pole = PoleFactory(departement=DepartementFactory(code="29"))
    with pytest.raises(ValidationError) as raised:
        school.full_clean()
    assert "pas dans le département" in raised.value.message_dict["pole"][0]


@pytest.mark.django_db
def test_uai_is_unique():
    school = SchoolFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.create(uai=school.uai, name="Doublon", kind=school.kind,
                              departement=school.departement)
