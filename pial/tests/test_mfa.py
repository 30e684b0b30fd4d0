"""TOTP is mandatory for every role that can see student data, and stored encrypted."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from pial.enums import Role
from pial.tests.factories import MembershipFactory, TotpFactory, UserFactory


@pytest.fixture
def coordinator_without_totp(world):
    user = UserFactory(email="nouvelle-coordo@ac-test.fr")
    MembershipFactory(user=user, role=Role.COORDINATOR, pole=world.pole_a)
    return user


@pytest.mark.parametrize("url_name", ["home", "people", "admin:index", "admin:pial_school_changelist"])
def test_coordinator_without_totp_is_sent_to_setup(client, coordinator_without_totp, url_name):
    client.force_login(coordinator_without_totp)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def login(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302


def test_login_then_setup_page_is_reachable_and_explains(client, coordinator_without_totp):
    login(client, coordinator_without_totp)
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "double authentification" in html
    assert 'name="code"' in html


@pytest.mark.parametrize("role", [Role.PILOT, Role.INSPECTOR, Role.ENSEIGNANT_REFERENT, Role.GESTIONNAIRE])  # AESH: below
def test_every_student_data_role_needs_totp(client, world, role):
    user = UserFactory()
    scope = {"pole": world.pole_a} if role == Role.PILOT else {"pole": None}
    if role == Role.INSPECTOR:
        scope["circonscription"] = world.pole_a.circonscription
    elif role != Role.PILOT:
        scope["departement"] = world.pole_a.departement
    MembershipFactory(user=user, role=role, **scope)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_aesh_without_a_second_factor_is_sent_to_choose_one(client, world):
    """An AESH reads their students' PPS extract: a second factor too, a passkey offered first."""
    user = UserFactory()
    MembershipFactory(user=user, role=Role.AESH, pole=world.pole_a)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("mfa_add_webauthn") in html and reverse("mfa_activate_totp") in html
    # Adding a passkey asks for the password again after a while (allauth's reauthentication).
    assert client.get(reverse("mfa_add_webauthn"))["Location"].startswith(reverse("account_reauthenticate"))


def test_an_aesh_with_a_passkey_only_is_let_in_and_cannot_remove_it(client, world):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.AESH, pole=world.pole_a)
    passkey = Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN,
                                           data={"name": "Téléphone", "credential": {}})
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert not get_adapter().can_delete_authenticator(passkey)
    TotpFactory(user=user)
    assert get_adapter().can_delete_authenticator(passkey)  # the app remains


def test_demo_mode_relaxes_mfa_for_the_aesh_too(client, settings, world):
    settings.MFA_REQUIRED = False
    user = UserFactory()
    MembershipFactory(user=user, role=Role.AESH, pole=world.pole_a)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_superuser_without_totp_is_forced(client, world):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_demo_mode_relaxes_mfa(client, settings, coordinator_without_totp):
    settings.MFA_REQUIRED = False
    client.force_login(coordinator_without_totp)
    assert client.get(reverse("home")).status_code == 200


def test_totp_secret_is_not_stored_in_clear(db):
    adapter = get_adapter()
    secret = "JBSWY3DPEHPK3PXP"
    stored = adapter.encrypt(secret)
    assert secret not in stored
    assert adapter.decrypt(stored) == secret


def test_totp_activation_stores_encrypted_secret(client, coordinator_without_totp):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    login(client, coordinator_without_totp)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    authenticator = Authenticator.objects.get(user=coordinator_without_totp, type=Authenticator.Type.TOTP)
    assert authenticator.data["secret"] != secret
    assert get_adapter().decrypt(authenticator.data["secret"]) == secret
    assert client.get(reverse("home")).status_code == 200


def test_coordinator_cannot_remove_totp(world):
    totp = Authenticator.objects.get(user=world.users["coordinator_a"], type=Authenticator.Type.TOTP)
    assert get_adapter().can_delete_authenticator(totp) is False
    aesh_totp = Authenticator.objects.get(user=world.users["aesh_a"], type=Authenticator.Type.TOTP)
    assert get_adapter().can_delete_authenticator(aesh_totp) is False  # AESH too (their students' PPS)
    norole = TotpFactory(user=world.users["norole"])
    assert get_adapter().can_delete_authenticator(norole) is True
