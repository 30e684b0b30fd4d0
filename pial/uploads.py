"""Uploaded spreadsheets kept between the steps of an import (mapping, preview, commit).

Files live under PRIVATE_MEDIA_ROOT/imports, outside any public tree, named by
a random token and readable only by the person who uploaded them. Leftovers
older than a day are removed at each new upload.
"""

import json
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

MAX_BYTES = 10 * 1024 * 1024
MAX_AGE_SECONDS = 24 * 3600


def _dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cleanup() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _dir().glob("*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def stage(*, data: bytes, filename: str, user_id: int, meta: dict) -> str:
    _cleanup()
    token = secrets.token_urlsafe(18)
    (_dir() / f"{token}.bin").write_bytes(data)
    (_dir() / f"{token}.json").write_text(json.dumps({**meta, "filename": filename, "user_id": user_id}))
    return token


def load(token: str, user_id: int) -> tuple[bytes, dict]:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    meta_path, data_path = _dir() / f"{token}.json", _dir() / f"{token}.bin"
    if not meta_path.exists() or not data_path.exists():
        raise Http404
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != user_id:
        raise Http404
    return data_path.read_bytes(), meta


def update(token: str, user_id: int, **changes) -> None:
    _, meta = load(token, user_id)
    (_dir() / f"{token}.json").write_text(json.dumps({**meta, **changes}))


def discard(token: str) -> None:
    for suffix in (".bin", ".json"):
        (_dir() / f"{token}{suffix}").unlink(missing_ok=True)
