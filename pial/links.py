"""URL building for lists: one reverse() per page, not one per row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARKER = 987654321987


def pk_urls(viewname: str) -> Callable[[int], str]:
    """`pk_urls("aesh:detail")(12)` == `reverse("aesh:detail", args=[12])`, for a route whose only
    argument is an `<int:pk>`: the route is reversed once, each row only formats its key."""
    head, tail = reverse(viewname, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{int(pk)}{tail}"
