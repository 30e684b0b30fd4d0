"""The rows of an uploaded spreadsheet, parsed once, kept between the steps of its import.

They live in the private storage alias « imports » (settings.STORAGES: a directory by
default, any shared backend of django-storages in production), as gzipped JSON named by
the import's random token; pial.models.SpreadsheetImport says whose they are. Nothing is
kept on the web process that received the file, and the original file is not kept at all.
"""

from __future__ import annotations

import datetime
import gzip
import json

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from pial.sheet_reader import decode_cell, encode_cell


def _storage():
    return storages["imports"]


def _name(token: str) -> str:
    return f"{token}.json.gz"


def stage_rows(token: str, rows: list[list[object]]) -> None:
    payload = json.dumps([[encode_cell(c) for c in row] for row in rows], ensure_ascii=False,
                         separators=(",", ":")).encode()
    name = _storage().save(_name(token), ContentFile(gzip.compress(payload, compresslevel=5)))
    if name != _name(token):  # a token is random and used once: a clash means something is wrong
        _storage().delete(name)
        raise FileExistsError(name)


def load_rows(token: str) -> list[list[object]]:
    with _storage().open(_name(token), "rb") as file:
        rows = json.loads(gzip.decompress(file.read()))
    return [[decode_cell(c) for c in row] for row in rows]


def discard(token: str) -> None:
    _storage().delete(_name(token))


def purge_orphans(known_tokens: set[str], older_than: datetime.timedelta) -> int:
    """Staged files whose import row is gone (deleted, or a crash between two writes)."""
    storage = _storage()
    limit = timezone.now() - older_than
    removed = 0
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:
        return 0
    for name in files:
        token = name.removesuffix(".json.gz")
        if name.endswith(".json.gz") and token not in known_tokens and storage.get_modified_time(name) < limit:
            storage.delete(name)
            removed += 1
    return removed
