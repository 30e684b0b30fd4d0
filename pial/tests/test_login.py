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


# --- Behind the load balancer: the limit is the attacker's, never everyone's ----------------------

PROXY = "10.0.0.2"  # the load balancer: every request reaches gunicorn from it


def _login(client, email, password, client_ip, forwarded=None):
    """A login posted through the balancer, which appends the client's address to X-Forwarded-For
    (after whatever the client itself wrote there)."""
    chain = f"{forwarded}, {client_ip}" if forwarded else client_ip
    client.logout()
    client.post(reverse("account_login"), {"login": email, "password": password},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_an_attacker_behind_the_proxy_locks_out_no_one_else(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    victim, other = UserFactory(email="victime@ac-test.fr"), UserFactory(email="autre@ac-test.fr")
    attacker, home, office = "203.0.113.66", "198.51.100.7", "192.0.2.10"
    for _ in range(6):  # more than the 5 an account allows from one address
        assert not _login(client, victim.email, "faux", attacker)
    # The victim, from their own address, still signs in with their password.
    assert _login(client, victim.email, "mot-de-passe-de-test", home)
    # The attacker is locked out of that account, even with the right password, even when they
    # write another address into X-Forwarded-For themselves (the balancer's entry is the one read).
    assert not _login(client, victim.email, "mot-de-passe-de-test", attacker)
    assert not _login(client, victim.email, "mot-de-passe-de-test", attacker, forwarded=home)
    # Wrong passwords over many accounts from one address block that address only.
    for n in range(20):
        _login(client, f"inconnu{n}@ac-test.fr", "faux", attacker)
    assert not _login(client, other.email, "mot-de-passe-de-test", attacker)
    assert _login(client, other.email, "mot-de-passe-de-test", office)


@pytest.mark.django_db
def test_without_a_declared_proxy_the_header_is_not_believed(client, settings):
    """ALLAUTH_TRUSTED_PROXY_COUNT unset: X-Forwarded-For is the client's own writing, ignored."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    victim = UserFactory(email="victime@ac-test.fr")
    for n in range(6):
        client.post(reverse("account_login"), {"login": victim.email, "password": "faux"},
                    REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    client.post(reverse("account_login"), {"login": victim.email, "password": "mot-de-passe-de-test"},
                REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert "_auth_user_id" not in client.session  # REMOTE_ADDR was counted, whatever the header said


@pytest.mark.django_db
def test_limits_keep_counting_in_the_fallback_cache_while_redis_is_down(client, settings, caplog):
    """Production: Redis down, the database cache (here a local one) carries the limits."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.CACHES = {
        "default": {"BACKEND": "pial.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
        "fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "repli"},
    }
    victim = UserFactory(email="victime@ac-test.fr")
    for _ in range(5):
        _login(client, victim.email, "faux", "203.0.113.66")
    assert not _login(client, victim.email, "mot-de-passe-de-test", "203.0.113.66")
    assert _login(client, victim.email, "mot-de-passe-de-test", "198.51.100.7")
    assert "Cache Redis injoignable" in caplog.text


def test_production_settings_share_the_limits_across_processes():
    """Not DEBUG: the database cache, alone or behind Redis (pial/settings.py)."""
    import subprocess
    import sys

    code = ("from django.conf import settings as s; import django; django.setup(); "
            "print(s.CACHES['default']['BACKEND'], s.CACHES.get('fallback', {}).get('BACKEND'))")
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "pial.example.fr", "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "pial.settings", "DATABASE_URL": "sqlite:////tmp/unused.sqlite3"}
    for redis, expected in (("", "django.core.cache.backends.db.DatabaseCache None"),
                            ("redis://127.0.0.1:6379/9", "pial.cache.ResilientRedisCache "
                                                         "django.core.cache.backends.db.DatabaseCache")):
        out = subprocess.run([sys.executable, "-c", code], env={**env, "REDIS_URL": redis}, check=True,
                             capture_output=True, text=True, cwd=settings.BASE_DIR).stdout
        assert out.strip() == expected
