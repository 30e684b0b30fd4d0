"""Sends the reads of an explicit block to another database alias (the reports' replica).

Nothing reads on the replica unless code opens `reading_on(alias)` — reports.db does, around
the building of a report. Writes always go to the primary, and so do the reads of sessions,
the cache table and the login machinery even inside such a block: a standby a few seconds
behind must never make a fresh session look unknown. Migrations run on the primary only.
"""

from __future__ import annotations

import contextlib
import contextvars

DEFAULT = "default"
# Apps whose rows are read for the request's own machinery, not for a report.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "account", "mfa", "admin", "contenttypes", "auth"})

_reading_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("pial_reading_alias", default=None)


@contextlib.contextmanager
def reading_on(alias: str):
    """Within the block, the ORM reads on `alias` (writes stay on the primary)."""
    token = _reading_alias.set(alias)
    try:
        yield alias
    finally:
        _reading_alias.reset(token)


def current_reading_alias() -> str:
    """The alias reads go to here: the block's, else the primary."""
    return _reading_alias.get() or DEFAULT


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _reading_alias.get()
        if alias is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy: rows relate across both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT
