"""/healthz: ok when the database (and Redis, when configured) answer; 503 otherwise; never data."""

import copy

import pytest
from django.db import connections

from pial import health


@pytest.fixture
def unreachable_database():
    """A real connection to a database that does not answer: a closed port, or a missing directory."""
    config = copy.deepcopy(connections.settings["default"])
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = "/nonexistent-directory/pial.sqlite3"
    else:
        config.update(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 1})
    return config


@pytest.mark.django_db
def test_healthy_answers_ok_without_login_and_without_data(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unreachable_database_answers_503(client, settings, monkeypatch, unreachable_database):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "database_settings", lambda: unreachable_database)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "erreur", "database": "injoignable"}


@pytest.mark.django_db
def test_unreachable_redis_answers_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "injoignable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_post_is_refused(client):
    assert client.post("/healthz").status_code == 405
