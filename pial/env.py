"""Typed readers of environment variables, with French errors for bad values."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1 ou 0 (reçu : {raw!r}).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier (reçu : {raw!r}).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def dev_secret_key(var_dir: Path) -> str:
    """A random key for this development machine, kept in var/ (never committed)."""
    path = var_dir / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def env_storage(prefix: str, default_location: Path) -> dict:
    """A STORAGES entry: `<prefix>_BACKEND` (a dotted path, e.g. storages.backends.s3.S3Storage
    from django-storages) with `<prefix>_OPTIONS` (a JSON object), else a private directory."""
    import json

    backend = env_str(f"{prefix}_BACKEND", "")
    if not backend:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(default_location), "base_url": None}}
    raw = env_str(f"{prefix}_OPTIONS", "{}") or "{}"
    try:
        options = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{prefix}_OPTIONS doit être un objet JSON (reçu : {raw[:80]!r}).") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured(f"{prefix}_OPTIONS doit être un objet JSON, pas {type(options).__name__}.")
    return {"BACKEND": backend, "OPTIONS": options}
