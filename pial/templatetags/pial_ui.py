"""Presentation helpers shared by every app's templates."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def width_class(percent) -> str:
    """A bar's width as a class (`pial-w-0` … `pial-w-100`, in pial.css): the CSP allows no style attribute."""
    try:
        value = Decimal(str(percent).replace(",", "."))
    except (InvalidOperation, ValueError):
        return "pial-w-0"
    if not value.is_finite():
        return "pial-w-0"
    return f"pial-w-{min(max(int(value.to_integral_value()), 0), 100)}"


@register.filter
def minutes_h(minutes) -> str:
    """Weekly minutes as « 12 h », « 7 h 30 »."""
    try:
        total = round(float(minutes))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@register.simple_tag(takes_context=True)
def allowed_url(context, url_name: str, *args) -> str:
    """`{% allowed_url 'hours:aesh' aesh.pk as url %}`: the URL, or "" when the reader's role may not
    follow it (the rule registered by the app owning the page) — never show a link ending in a refusal."""
    from django.urls import reverse

    from pial.navigation import link_allowed

    scope = getattr(context.get("request"), "scope", None)
    if scope is None or not link_allowed(url_name, scope):
        return ""
    return reverse(url_name, args=args)
