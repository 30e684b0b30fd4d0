"""Login: no public signup, rate-limited failures, password reset, sessions that expire."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from pial.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_no_public_signup(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()
    response = client.post(reverse("account_signup"), {"email": "intrus@exemple.fr", "password1": "Un-mot-de-passe-2026"})
    from pial.models import User

    assert not User.objects.filter(email="intrus@exemple.fr").exists()


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client):
    user = UserFactory(email="cible@ac-test.fr")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        assert response.status_code == 200
    # Even the right password is refused now, with a French message, and no session opens.
    response = client.post(reverse("account_login"), {"login": user.email, "password": "mot-de-passe-de-test"})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    if response.status_code == 200:
        assert "tentatives" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_sends_a_link_in_french(client):
    UserFactory(email="oubli@ac-test.fr")
    response = client.post(reverse("account_reset_password"), {"email": "oubli@ac-test.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/comptes/password/reset/key/" in mail.outbox[0].body
    assert "mot de passe" in mail.outbox[0].body.lower()


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
