"""Template filters of the hours: durations as people read them."""

from django import forms, template
from django.utils.html import format_html

from hours import markup, rules

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


# --- The week page's fields, written by hours.markup (no template per widget) ------------------

@register.filter
def field_tag(bound):
    """A field's widget: an input (text or hidden), a select or a textarea."""
    widget = bound.field.widget
    if isinstance(widget, forms.Select):
        return markup.select_tag(bound)
    if isinstance(widget, forms.Textarea):
        return markup.textarea_tag(bound)
    return markup.input_tag(bound)


@register.filter
def field_errors(bound):
    return markup.error_lines(bound)


@register.filter
def radios(bound):
    return markup.radio_elements(bound)


@register.filter
def field_group(bound):
    """Label, hint, widget and errors, as crispy_dsfr writes a field."""
    return markup.field_group(bound)


_BADGES = {"VALIDATED": " fr-badge--success", "SUBMITTED": " fr-badge--info", "RETURNED": " fr-badge--warning"}


@register.filter
def state_badge(sheet):
    """A week's state as a DSFR badge (one filter, not an include per week of a list)."""
    return format_html('<span class="fr-badge fr-badge--sm fr-badge--no-icon{}">{}</span>',
                       _BADGES.get(sheet.state, " fr-badge--new"), sheet.get_state_display())
