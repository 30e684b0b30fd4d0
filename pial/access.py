"""What a signed-in person may act as, read once and kept until it changes: their scopes
(memberships with their territories) and whether a TOTP authenticator is enrolled.

Pages read both on every request; they change rarely (a membership granted or removed, a
territory renamed, an authenticator added or removed, an account switched off). The pair is
cached per user with the generation that a territory's change or deletion bumps, and dropped by the
receivers below on every write that changes it; a Redis outage is a miss (pial.cache).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CACHE_SECONDS = 3600
GENERATION_KEY = "pial:access:generation"


def _key(user_id: int) -> str:
    return f"pial:access:{user_id}"


def user_access(user) -> tuple[list, bool]:
    """(the user's scopes, whether they have a second factor — TOTP or passkey), from the cache (one round
    trip) or two queries."""
    from allauth.mfa.models import Authenticator

    from pial.scope import available_scopes

    if not user.is_authenticated:
        return [], False
    key = _key(user.pk)
    found = cache.get_many([GENERATION_KEY, key])
    tag = (found.get(GENERATION_KEY, 0), user.is_active, user.is_superuser)
    cached = found.get(key)
    if cached is not None and cached[0] == tag:
        return cached[1], cached[2]
    scopes = available_scopes(user)
    totp = Authenticator.objects.filter(  # a second factor: an authenticator app or a passkey
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).exists()
    cache.set(key, (tag, scopes, totp), CACHE_SECONDS)
    return scopes, totp


def forget(user_id: int | None) -> None:
    if user_id is not None:
        cache.delete(_key(user_id))


def _forget_user(sender, instance, **kwargs):
    forget(getattr(instance, "user_id", None))


def _new_generation(sender, instance, created=False, **kwargs):
    if created:  # a new territory is in no one's cached scopes yet
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet
        cache.set(GENERATION_KEY, 1, None)


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
