"""Template filters of the hours: durations as people read them."""

from django import template

from hours import rules

register = template.Library()


@register.filter
def duration(minutes) -> str:
    """« 2 h 30 » from minutes; empty for nothing."""
    if minutes in (None, ""):
        return ""
    return rules.format_duration(int(minutes))


@register.filter
def percent_of(part, whole) -> int:
    """A bar's width in percent (0–100), for the balance charts."""
    try:
        return max(0, min(100, round(100 * float(part) / float(whole)))) if whole else 0
    except (TypeError, ValueError):
        return 0
