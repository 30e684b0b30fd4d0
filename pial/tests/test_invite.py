"""Accounts are created by invitation: coordinator within their pôle, gestionnaire in their département."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from pial.enums import Role
from pial.models import Membership, User


def invite(client, **data):
    payload = {"email": "nouvelle.aesh@ac-test.fr", "first_name": "Léa", "last_name": "Morel",
               "role": Role.AESH, **data}
    return client.post(reverse("invite"), payload)


def test_coordinator_invites_aesh_into_their_pole(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, pole=world.pole_a.pk)
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.aesh@ac-test.fr")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.AESH, pole=world.pole_a).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.aesh@ac-test.fr"]
    assert "choisir votre mot de passe" in message.body
    assert message.extra_headers["List-Id"]
    assert "text/html" in message.alternatives[0][1]


def test_invitation_link_lets_the_person_choose_a_password(client_as, world, client,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as("coordinator_a"), pole=world.pole_a.pk)
    client.logout()
    link = re.search(r"https?://\S+/comptes/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(form_url, {"password1": "Un-mot-de-passe-solide-2026",
                                      "password2": "Un-mot-de-passe-solide-2026"})
    assert response.status_code == 302
    assert User.objects.get(email="nouvelle.aesh@ac-test.fr").check_password("Un-mot-de-passe-solide-2026")


def test_coordinator_cannot_invite_into_another_pole(client_as, world):
    response = invite(client_as("coordinator_a"), pole=world.pole_b.pk)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not User.objects.filter(email="nouvelle.aesh@ac-test.fr").exists()


def test_coordinator_cannot_give_gestionnaire_role(client_as, world):
    response = invite(client_as("coordinator_a"), role=Role.GESTIONNAIRE,
                      departement=world.pole_a.departement_id)
    assert response.status_code == 200
    assert not User.objects.filter(email="nouvelle.aesh@ac-test.fr").exists()


def test_role_needs_its_territory_named_in_french(client_as, world):
    response = invite(client_as("gestionnaire"), role=Role.INSPECTOR)
    assert "Ce champ est obligatoire pour le rôle choisi." in response.content.decode()
    assert not User.objects.filter(email="nouvelle.aesh@ac-test.fr").exists()


def test_gestionnaire_invites_referent_with_schools(client_as, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_as("gestionnaire"), role=Role.ENSEIGNANT_REFERENT,
                          departement=world.pole_a.departement_id,
                          schools=[s.pk for s in world.schools_a])
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nouvelle.aesh@ac-test.fr")
    assert set(membership.schools.all()) == set(world.schools_a)


def test_existing_user_gets_a_new_role_without_new_account(client_as, world,
                                                          django_capture_on_commit_callbacks):
    existing = world.users["aesh_b"]
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_as("gestionnaire"), email=existing.email.upper(), pole=world.pole_a.pk)
    assert response.status_code == 302
    assert existing.memberships.count() == 2
    assert existing.has_usable_password()
    assert "nouveau rôle" in mail.outbox[0].subject


def test_same_role_twice_is_refused_in_french(client_as, world):
    existing = world.users["aesh_a"]
    response = invite(client_as("coordinator_a"), email=existing.email, pole=world.pole_a.pk)
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert existing.memberships.count() == 1


@pytest.mark.parametrize("who", ["pilot_a", "aesh_a", "inspector_a", "referent_a"])
def test_others_cannot_invite(client_as, world, who):
    response = invite(client_as(who), pole=world.pole_a.pk)
    assert response.status_code == 403
    assert not User.objects.filter(email="nouvelle.aesh@ac-test.fr").exists()
