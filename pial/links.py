"""URL building for lists: one reverse() per page, not one per row."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 987654321987


def pk_urls(viewname: str) -> Callable[[int], str]:
    """`pk_urls("aesh:detail")(12)` == `reverse("aesh:detail", args=[12])`, for a route whose only
    argument is an `<int:pk>`: the route is reversed once, each row only formats its key."""
    head, tail = reverse(viewname, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{int(pk)}{tail}"


_FIXED: dict[tuple, str] = {}


def fixed_url(viewname: str) -> str:
    """`reverse(viewname)` for a route without arguments (the menu's), reversed once per URLconf
    and script prefix in this process: the header asks for the same dozen on every request."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname)
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(viewname)
    return url


@receiver(setting_changed)
def _forget_fixed_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _FIXED.clear()
