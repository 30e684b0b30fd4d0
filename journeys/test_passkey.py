"""Passkeys. An AESH with no second factor registers a passkey on first sign-in, signs out, and signs in
again with it (password, then the passkey) to reach their week; and the coordination resets a
lost one from the AESH's record.

The passkey lives in Chromium's virtual authenticator (DevTools protocol, WebAuthn domain): a
platform authenticator (« internal », like a phone's fingerprint reader) holding resident keys
and verifying its user. WebAuthn wants a secure context: the live server answers on
http://localhost, which Chromium and fido2 both accept, and allauth takes the relying party id
from the request's host (« localhost »). The origin is checked as in production:
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN (on with the development default DEBUG) is turned off here.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from aesh.models import MfaReset
from journeys.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def virtual_authenticator(journey):
    """A passkey-capable authenticator plugged into this journey's page; yields its credentials."""
    session = journey.page.context.new_cdp_session(journey.page)
    session.send("WebAuthn.enable", {"enableUI": False})
    added = session.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    authenticator_id = added["authenticatorId"]

    def credentials() -> list[dict]:
        return session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]

    yield credentials
    session.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    session.detach()


def test_aesh_registers_a_passkey_then_signs_in_with_it(journey, virtual_authenticator, live_server, team, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False  # fido2 checks the origin against the RP id
    assert settings.MFA_REQUIRED
    assert live_server.url.startswith("http://localhost:")  # a secure context for WebAuthn
    user = team["aesh"].user
    Authenticator.objects.filter(user=user).delete()  # a new AESH: no second factor yet
    page = journey.page

    with journey.step("première connexion : choisir un second facteur"):
        journey.sign_in_with_password(user.email, then=re.compile(re.escape(reverse("mfa_index")) + "$"))
        journey.check_page()
        assert "clé d'accès" in page.locator("body").inner_text()

    with journey.step("enregistrer une clé d'accès"):
        page.locator(f"a[href='{reverse('mfa_add_webauthn')}']").first.click()
        page.wait_for_url(re.compile(re.escape(reverse("mfa_add_webauthn"))))
        journey.check_page()
        page.locator("input[name=name]").fill("Mon téléphone")
        passwordless = page.locator("input[name=passwordless]")
        if passwordless.count():
            passwordless.check()
        page.locator("#mfa_webauthn_add").click()
        page.wait_for_url(lambda url: reverse("mfa_add_webauthn") not in url)
        journey.check_page()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1
        assert len(virtual_authenticator()) == 1

    with journey.step("ma semaine, avec la clé enregistrée"):
        journey.go(reverse("missions:my_week"))
        assert page.url.endswith(reverse("missions:my_week")), page.url
        assert page.get_by_role("heading", level=1).inner_text() == "Ma semaine"

    with journey.step("déconnexion"):
        journey.go("/comptes/logout/")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        journey.go(reverse("missions:my_week"))
        assert reverse("account_login") in page.url, page.url

    with journey.step("reconnexion : mot de passe puis clé d'accès"):
        page.get_by_label("Courriel").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(re.escape(reverse("mfa_authenticate"))))
        journey.check_page()
        page.locator("#mfa_webauthn_authenticate").click()
        page.wait_for_url(lambda url: "/comptes/" not in url)
        journey.go(reverse("missions:my_week"))
        assert page.url.endswith(reverse("missions:my_week")), page.url
        assert page.get_by_role("heading", level=1).inner_text() == "Ma semaine"
        passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
        assert passkey.last_used_at is not None


def test_the_coordination_resets_a_lost_passkey(journey, team, world):
    """The AESH lost their phone: the coordinator confirms the reset on the AESH's record; the AESH,
    signing in with their password, is asked for a new factor."""
    aesh = team["aesh"]
    user = aesh.user
    Authenticator.objects.filter(user=user).delete()
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Téléphone perdu",
                                                                                    "credential": {}})
    page = journey.page

    with journey.step("la coordination ouvre la fiche de l'AESH"):
        journey.login("coordinator_a@ac-test.fr")
        journey.go(reverse("aesh:detail", args=[aesh.pk]))
        page.get_by_role("link", name="Réinitialiser la double authentification").click()
        page.wait_for_url(re.compile(re.escape(reverse("aesh:mfa_reset", args=[aesh.pk]))))
        journey.check_page()
        assert "devra enregistrer un nouveau facteur" in page.locator("main").inner_text()
        assert Authenticator.objects.filter(user=user).count() == 1  # the page alone changes nothing

    with journey.step("elle confirme"):
        page.locator("main form").get_by_role("button", name="Réinitialiser la double authentification").click()
        page.wait_for_url(re.compile(re.escape(reverse("aesh:detail", args=[aesh.pk])) + "$"))
        journey.check_page()
        assert "réinitialisée" in page.locator("body").inner_text()
        assert not Authenticator.objects.filter(user=user).exists()
        assert MfaReset.objects.get().by == world.users["coordinator_a"]

    with journey.step("l'AESH se reconnecte : un nouveau facteur est demandé"):
        journey.go("/comptes/logout/")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        journey.sign_in_with_password(user.email, then=re.compile(re.escape(reverse("mfa_index")) + "$"))
        journey.check_page()
        assert "clé d'accès" in page.locator("body").inner_text()
