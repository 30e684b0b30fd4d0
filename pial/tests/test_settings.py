"""Production settings refuse to start without their secrets and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#Lq!9vR2@kP4zT8wY1uN6mB3cV5xZ0aS2dF4gH6jK8lQ1wE3rT5yU7iO9pA",
    "ALLOWED_HOSTS": "pial.example.gouv.fr",
    "SITE_URL": "https://pial.example.gouv.fr",
}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DEMO"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = {k: v for k, v in PROD_ENV.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS doit être défini" in result.stderr


def test_bad_boolean_is_refused_loudly():
    result = manage("check", env={**PROD_ENV, "DEBUG": "peut-être"})
    assert result.returncode != 0
    assert "DEBUG doit valoir 1 ou 0" in result.stderr


def test_check_deploy_reports_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_replica_alias_from_its_url():
    """DATABASE_REPLICA_URL adds the `replica` alias: no request transaction, a short connect
    timeout, the test database as its mirror; a replica that is not PostgreSQL is refused."""
    show = ("from django.conf import settings; r = settings.DATABASES['replica']; "
            "print(r['PORT'], r['ATOMIC_REQUESTS'], r['OPTIONS']['connect_timeout'], r['TEST']['MIRROR'])")
    env = {**PROD_ENV, "DATABASE_URL": "postgres://pial@db.example:5432/pial",
           "DATABASE_REPLICA_URL": "postgres://pial@replica.example:5433/pial"}
    result = manage("shell", "--no-imports", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5433", "False", "2", "default"]
    result = manage("check", env={**env, "DATABASE_REPLICA_URL": "sqlite:///var/x.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL doit désigner une réplique PostgreSQL" in result.stderr
    result = manage("shell", "--no-imports", "-c", "from django.conf import settings; print('replica' in settings.DATABASES)",
                    env={**PROD_ENV, "DATABASE_REPLICA_URL": ""})
    assert result.stdout.split() == ["False"]
