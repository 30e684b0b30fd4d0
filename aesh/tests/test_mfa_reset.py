"""The coordination resets an AESH's second factors when they lose their phone: journaled,
notified by e-mail, their sessions ended; at the next sign-in they enrol a new factor."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from aesh.models import MfaReset
from pial.enums import Role
from pial.models import User
from pial.scope import Scope
from pial.services import user_sessions_end
from pial.tests.factories import MembershipFactory, TotpFactory

PASSWORD = "mot-de-passe-de-test"


@pytest.fixture
def lost_phone(records):
    """aesh_a (record « Léa MARTIN », pôle A) has a passkey, an authenticator app and recovery codes."""
    user = records["own"].user
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN,
                                 data={"name": "Téléphone", "credential": {}})
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES,
                                 data={"seed": "00", "used_mask": 0})
    return records["own"]


def factors(user) -> int:
    return Authenticator.objects.filter(user=user).count()


def url(aesh) -> str:
    return reverse("aesh:mfa_reset", args=[aesh.pk])


def test_the_coordinator_confirms_then_resets(client_as, world, lost_phone, django_capture_on_commit_callbacks):
    user = lost_phone.user
    assert factors(user) == 3  # the world's TOTP, the passkey, the recovery codes
    client = client_as("coordinator_a")
    detail = client.get(reverse("aesh:detail", args=[lost_phone.pk])).content.decode()
    assert url(lost_phone) in detail and "Réinitialiser la double authentification" in detail

    page = client.get(url(lost_phone))
    html = page.content.decode()
    assert page.status_code == 200
    assert "prochaine connexion" in html and "devra enregistrer un nouveau facteur" in html
    assert 'method="post"' in html
    assert factors(user) == 3 and not MfaReset.objects.exists()  # GET resets nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(lost_phone))
    assert response.status_code == 302 and response["Location"] == reverse("aesh:detail", args=[lost_phone.pk])
    assert factors(user) == 0
    entry = MfaReset.objects.get()
    assert (entry.aesh, entry.by, entry.pole, entry.factors) == (lost_phone, world.users["coordinator_a"],
                                                                 world.pole_a, 3)
    assert (entry.user_email, entry.by_email, entry.aesh_name) == ("aesh_a@ac-test.fr", "coordinator_a@ac-test.fr",
                                                                    "MARTIN Léa")
    [message] = mail.outbox
    assert message.to == ["aesh_a@ac-test.fr"]
    assert "réinitialisée" in message.subject
    assert "prochaine connexion" in message.body and "coordination" in message.body
    # The journal shows on the next confirmation page.
    assert "coordinator_a@ac-test.fr" in client.get(url(lost_phone)).content.decode()


def test_a_second_post_is_harmless(client_as, lost_phone, django_capture_on_commit_callbacks):
    client = client_as("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(lost_phone))
        response = client.post(url(lost_phone), follow=True)
    assert response.status_code == 200
    assert "rien à réinitialiser" in response.content.decode()
    assert MfaReset.objects.count() == 1 and len(mail.outbox) == 1


def test_the_aesh_sessions_end_and_the_next_sign_in_asks_for_a_new_factor(client, client_as, lost_phone):
    user = lost_phone.user
    user.set_password(PASSWORD)
    user.save()
    aesh_client = type(client)()
    aesh_client.force_login(user)
    assert aesh_client.get(reverse("missions:my_week")).status_code == 200  # signed in, factor known

    client_as("coordinator_a").post(url(lost_phone))

    response = aesh_client.get(reverse("missions:my_week"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = aesh_client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    response = aesh_client.get(reverse("missions:my_week"))
    assert response["Location"] == reverse("mfa_index")  # choose a passkey or an app
    assert aesh_client.get(reverse("mfa_index")).status_code == 200


def test_other_sessions_survive_and_old_sessions_stay_valid(client, world, lost_phone):
    """Ending one account's sessions touches nobody else's; at generation 0 the hash is Django's."""
    other = world.users["coordinator_b"]
    client.force_login(other)
    assert other.session_generation == 0
    user_sessions_end(user=lost_phone.user)
    assert User.objects.get(pk=lost_phone.user.pk).session_generation == 1
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(("who", "status"), [
    ("coordinator_b", 404),       # another pôle's coordinator: the record does not exist for them
    ("aesh_a", 403),              # the AESH themself: a stolen password must not drop the factor
    ("pilot_a", 403),
    ("gestionnaire", 403),
    ("inspector_a", 403),
    ("referent_a", 403),
    ("admin", 403),               # the superuser has the admin (allauth's authenticators), not this page
    ("norole", 403),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_coordinator_of_the_pole_may(client_as, lost_phone, who, status, method):
    response = getattr(client_as(who), method)(url(lost_phone))
    assert response.status_code == status
    assert factors(lost_phone.user) == 3 and not MfaReset.objects.exists()


def test_anonymous_is_sent_to_login(client, lost_phone):
    response = client.post(url(lost_phone))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert factors(lost_phone.user) == 3


def test_pilot_and_gestionnaire_see_no_button(client_as, lost_phone):
    for who in ("pilot_a", "gestionnaire"):
        html = client_as(who).get(reverse("aesh:detail", args=[lost_phone.pk])).content.decode()
        assert url(lost_phone) not in html, who


def test_a_record_without_account_has_no_reset(client_as, records):
    colleague = records["colleague"]
    client = client_as("coordinator_a")
    assert url(colleague) not in client.get(reverse("aesh:detail", args=[colleague.pk])).content.decode()
    assert client.post(url(colleague)).status_code == 404


def test_an_account_with_another_role_is_left_to_the_administration(client_as, world, lost_phone):
    """A coordinator could otherwise drop the second factor of a colleague who is also AESH."""
    MembershipFactory(user=lost_phone.user, role=Role.PILOT, pole=world.pole_b)
    response = client_as("coordinator_a").post(url(lost_phone), follow=True)
    assert "seule l&#x27;administration nationale" in response.content.decode()
    assert factors(lost_phone.user) == 3 and not MfaReset.objects.exists()


def test_the_journal_cannot_be_changed(client_as, lost_phone):
    client_as("coordinator_a").post(url(lost_phone))
    entry = MfaReset.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        MfaReset.objects.update(factors=0)


def test_the_journal_is_visible_to_the_pole_coordination_only(client_as, world, lost_phone):
    client_as("coordinator_a").post(url(lost_phone))
    coordinator_b = world.users["coordinator_b"].memberships.get()
    assert not MfaReset.objects.visible_to(Scope.of(coordinator_b)).exists()
    coordinator_a = world.users["coordinator_a"].memberships.get()
    assert MfaReset.objects.visible_to(Scope.of(coordinator_a)).count() == 1


def test_a_new_factor_after_reset_lets_the_aesh_in(client, lost_phone):
    user = lost_phone.user
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    assert client.get(reverse("missions:my_week"))["Location"] == reverse("mfa_index")
    TotpFactory(user=user)
    assert client.get(reverse("missions:my_week")).status_code == 200
