"""What a signed-in person may act as, read once and kept until it changes: their scopes
(memberships with their territories) and whether a second factor is enrolled.

Pages read both on every request; they change rarely (a membership granted or removed, a
territory renamed, an authenticator added or removed, an account switched off). The pair is
cached per user under two data versions (pial.figures' way): the user's own, renewed by a write to
their memberships or authenticators, and GENERATION, renewed by a territory's change or deletion.
A request reads both versions with the entry (one round trip) before it reads the database, and
stores what it read under the versions it read. The receivers below renew a version at once and
again after the writing transaction commits: a request that read the rows of before the commit
(the role still there) stored them under a version no later request reads. Values are random: a
version lost (evicted) and made again never matches an entry stored before. A Redis outage is a
miss (pial.cache): nothing is stored without a version.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import connections
from django.db.models.signals import post_delete, post_save

from pial import figures

CACHE_SECONDS = 3600
GENERATION = "access"  # a pial.figures version name


def _key(user_id: int) -> str:
    return f"pial:access:{user_id}"


def _version(user_id: int) -> str:
    return f"access:{user_id}"


def _stamped(found: dict, keys: tuple[str, ...]) -> tuple | None:
    """The versions under `keys` read in `found`, a missing one made (only then a cache call);
    None when one could not be made: the cache is down (or another request made it meanwhile:
    the next request reads it), and nothing is stored."""
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(key, version, None):
                return None
        versions.append(version)
    return tuple(versions)


def user_access(user) -> tuple[list, bool]:
    """(the user's scopes, whether they have a second factor — TOTP or passkey), from the cache (one round
    trip) or two queries."""
    from allauth.mfa.models import Authenticator

    from pial.scope import available_scopes

    if not user.is_authenticated:
        return [], False
    key = _key(user.pk)
    versions = (figures.PREFIX + GENERATION, figures.PREFIX + _version(user.pk))
    found = cache.get_many([*versions, key])  # the versions before the rows: a write after is seen
    stamped = _stamped(found, versions)
    tag = (stamped, user.is_active, user.is_superuser)
    cached = found.get(key)
    if stamped is not None and cached is not None and cached[0] == tag:
        return cached[1], cached[2]
    scopes = available_scopes(user)
    totp = Authenticator.objects.filter(  # a second factor: an authenticator app or a passkey
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).exists()
    if stamped is not None:
        cache.set(key, (tag, scopes, totp), CACHE_SECONDS)
    return scopes, totp


def _renew(name: str, using: str) -> None:
    """Now (the writing thread, its own transaction, sees the write) and after the commit (the
    other requests only see it then)."""
    figures.renew([name])
    if connections[using].in_atomic_block:
        figures.renew_after_commit(using, {name})


def forget(user_id: int | None, using: str = "default") -> None:
    if user_id is not None:
        _renew(_version(user_id), using)


def _forget_user(sender, instance, using="default", **kwargs):
    forget(getattr(instance, "user_id", None), using)


def _new_generation(sender, instance, created=False, using="default", **kwargs):
    if created:  # a new territory is in no one's cached scopes yet
        return
    _renew(GENERATION, using)


def connect() -> None:
    """Called once from PialConfig.ready()."""
    from allauth.mfa.models import Authenticator

    from pial.models import Circonscription, Departement, Membership, Pole

    for model in (Membership, Authenticator):
        post_save.connect(_forget_user, sender=model, dispatch_uid=f"access-{model.__name__}-save")
        post_delete.connect(_forget_user, sender=model, dispatch_uid=f"access-{model.__name__}-delete")
    for model in (Departement, Circonscription, Pole):  # the scopes carry these, with their names
        post_save.connect(_new_generation, sender=model, dispatch_uid=f"access-{model.__name__}-save")
        post_delete.connect(_new_generation, sender=model, dispatch_uid=f"access-{model.__name__}-delete")
