"""Template filters of the hours: durations as people read them."""

from django import forms, template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

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


# --- The list of weeks (« Mes heures », an AESH's hours): written here, not a template per item --

def _week_item(week: dict) -> str:
    label = escape(capfirst(week["label"])) + (" (cette semaine)" if week.get("current") else "")
    url = week.get("url")
    link = f'<a class="pial-weeks__link" href="{escape(url)}">{label}</a>' if url \
        else f'<span class="pial-weeks__link">{label}</span>'
    sheet = week.get("sheet")
    if sheet:
        done = duration(sheet.accompaniment_minutes) or "0 h"
        connexe = f" · {escape(duration(sheet.connexe_minutes))} connexes" if sheet.connexe_minutes else ""
        state = (f"\n        {state_badge(sheet)}\n        <span class=\"fr-text--sm\">{escape(done)} d'accompagnement"
                 f"{connexe}</span>\n      ")
    elif week.get("off"):
        state = f'\n        <span class="fr-text--sm pial-weeks__off">{escape(week["off"])}</span>\n      '
    else:
        state = '\n        <span class="fr-badge fr-badge--sm fr-badge--no-icon">Pas encore ouverte</span>\n      '
    return f'\n    <li class="pial-weeks__item">\n      {link}\n      {state}\n    </li>\n  '


@register.simple_tag
def week_items(weeks) -> str:
    """The items of hours/_weeks.html's list (hours/tests/test_week_list_markup.py: the same bytes
    as the template's loop wrote)."""
    if not weeks:
        return mark_safe("\n    <li>Aucune semaine pour le moment.</li>\n  ")
    return mark_safe("".join(_week_item(week) for week in weeks))
