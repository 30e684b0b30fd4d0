"""Login: no public signup, rate-limited failures, password reset, sessions that expire."""

import datetime

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
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    from pial import settings as configured  # the project's value, not the tests' pinned one

    assert configured.SESSION_REFRESH_SECONDS < settings.SESSION_COOKIE_AGE / 4


@pytest.mark.django_db
def test_idle_expiry_slides_only_when_the_last_refresh_is_old(client, settings):
    """A GET does not write the session, unless its last refresh is older than the setting: the
    expiry then moves on, so an active person stays signed in and an idle one is signed out."""
    from django.contrib.sessions.models import Session

    from pial.middleware import REFRESHED_KEY

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SESSION_REFRESH_SECONDS = 300
    settings.MFA_REQUIRED = False
    user = UserFactory(email="actif@ac-test.fr")
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/")
    first = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == first  # fresh: not written again
    session = client.session
    session[REFRESHED_KEY] -= settings.SESSION_REFRESH_SECONDS + 1
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    Session.objects.filter(session_key=key).update(expire_date=saved - datetime.timedelta(minutes=10))
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > saved - datetime.timedelta(minutes=10)
