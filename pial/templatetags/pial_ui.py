"""Presentation helpers shared by every app's templates."""

from decimal import Decimal, InvalidOperation

from django import template

from pial import durations, french

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
def duration(minutes) -> str:
    """Minutes as pial writes a duration: « 7 h 30 », « 30 min », « 0 h »; empty for nothing."""
    if minutes in (None, ""):
        return ""
    try:
        return durations.format_minutes(minutes)
    except (TypeError, ValueError):
        return ""


# The planner's name for the same filter.
minutes_h = register.filter("minutes_h", duration)


@register.filter
def hours(value) -> str:
    """Decimal hours (a contract's 39.20) as a duration: « 39 h 12 »; empty for nothing."""
    if value in (None, ""):
        return ""
    return durations.format_hours(value)


@register.filter
def de(word) -> str:
    """« de mars », « d’octobre »: « Relevé {{ label|de }} »."""
    return french.de(word)


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
