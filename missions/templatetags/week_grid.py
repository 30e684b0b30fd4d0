"""The weekly grid of templates/missions/week.html written in Python (« Ma semaine » and the
coordinators' AESH and student weeks): the markup the template's loops wrote, byte for byte
(missions/tests/test_week_markup.py compares), escaped, without the per-variable template
machinery. URLs: one reverse() a render (pial.links)."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from missions.models import SlotKind, TimeSlot, WeekParity
from pial.cells import esc
from pial.links import pk_urls

register = template.Library()

_KINDS = {value: str(label) for value, label in SlotKind.choices}
_WEEKS = {value: str(label) for value, label in WeekParity.choices}
_WEEKDAYS = {value: str(label) for value, label in TimeSlot._meta.get_field("weekday").flatchoices}


def _hm(value) -> str:
    """`{{ value|time:"H:i" }}` for a time; empty for nothing."""
    return f"{value:%H:%M}" if value else ""


def _span(slot) -> str:
    return f"<strong>{_hm(slot.start_time)}–{_hm(slot.end_time)}</strong>"


def _where(slot) -> str:
    return esc(slot.school.name) + (f" · sem. {esc(slot.week)}" if slot.week else "")


@register.simple_tag
def week_style(days, hours) -> str:
    """The grid's positions (inside the page's <style>, which carries the request's nonce)."""
    out = [f".pial-week .pial-h-{i}{{top:{esc(h['top'])}%}}" for i, h in enumerate(hours, 1)]
    for di, day in enumerate(days, 1):
        out.extend(f"\n#pial-g-{di}-{gi}{{top:{esc(g.top)}%;height:{esc(g.height)}%;background:{esc(g.colour)}}}"
                   for gi, g in enumerate(day["slots"], 1))
    return mark_safe("".join(out))


@register.simple_tag
def week_hours(hours) -> str:
    return mark_safe("".join(f'<span class="pial-h-{i}">{esc(h["label"])}</span>' for i, h in enumerate(hours, 1)))


@register.simple_tag
def week_columns(days, hours) -> str:
    """One column a day: the hour lines, then the slots placed by the style above."""
    lines = "".join(f'<span class="pial-week__line pial-h-{i}"></span>' for i in range(1, len(hours) + 1))
    out = []
    for di, day in enumerate(days, 1):
        out.append(f'\n      <div class="pial-week__day">\n        <p class="pial-week__name">{esc(day["name"])}</p>'
                   f'\n        <div class="pial-week__column">\n          {lines}\n          ')
        for gi, g in enumerate(day["slots"], 1):
            travel = " pial-week__slot--travel" if g.slot.kind == "TRAVEL" else ""
            out.append(f'\n            <div id="pial-g-{di}-{gi}" class="pial-week__slot{travel}">'
                       f"\n              {_span(g.slot)} {esc(g.title)}"
                       f"\n              <span>{_where(g.slot)}</span>\n            </div>\n          ")
        out.append("\n        </div>\n      </div>\n    ")
    return mark_safe("".join(out))


@register.simple_tag
def week_days(days) -> str:
    """The same week, one day under the other (phones)."""
    out = []
    for day in days:
        out.append(f'\n      <section class="pial-week-days__day">\n        <p class="pial-week-days__name">'
                   f'{esc(day["name"])}</p>\n        ')
        for g in day["slots"]:
            travel = " pial-week-days__slot--travel" if g.slot.kind == "TRAVEL" else ""
            out.append(f'\n          <p class="pial-week-days__slot{travel}">{_span(g.slot)} {esc(g.title)}<br>'
                       f"<span>{_where(g.slot)}</span></p>\n        ")
        if not day["slots"]:
            out.append('\n          <p class="pial-week-days__none pial-muted">Aucun créneau.</p>\n        ')
        out.append("\n      </section>\n    ")
    return mark_safe("".join(out))


_NOT_PROVIDED = "NOTPROVIDED"  # what the context processor gives a request without a token


def _csrf_input(value) -> str:
    """`{% csrf_token %}`'s markup."""
    if not value or value == _NOT_PROVIDED:
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(value)}">'


@register.simple_tag(takes_context=True)
def week_rows(context, slots) -> str:
    """The list's rows: the slot, whom it serves (linked on the AESH's own week), its actions."""
    student, own, can_edit = context.get("student"), context.get("own"), context.get("can_edit")
    if can_edit:
        update, delete = pk_urls("missions:slot_update"), pk_urls("missions:slot_delete")
        csrf = _csrf_input(context.get("csrf_token"))
    out = []
    for s in slots:
        if student:
            whom = esc(s.aesh)
        else:
            names = [f'<a href="{esc(a.student.detail_url)}">{esc(a.target_label)}</a>' if own and a.student_id
                     else esc(a.target_label) for a in s.assignments.all()]
            whom = ", ".join(names) or "—"
        out.append(f"\n          <tr>\n            <td>{esc(_WEEKDAYS.get(s.weekday, s.weekday))}</td>"
                   f"<td>{_hm(s.start_time)}–{_hm(s.end_time)}</td>\n            <td>{esc(s.school.name)}</td>"
                   f"<td>{esc(_KINDS.get(s.kind, s.kind))}</td>\n            <td>{whom}</td>"
                   f"\n            <td>{esc(_WEEKS.get(s.week, s.week))}</td>\n            ")
        if can_edit:
            out.append(f'<td class="pial-actions"><a class="fr-link fr-link--sm" href="{update(s.pk)}">Modifier</a>'
                       f'\n              <form method="post" action="{delete(s.pk)}">{csrf}<button class="fr-btn '
                       f'fr-btn--sm fr-btn--tertiary-no-outline" type="submit">Supprimer</button></form></td>')
        out.append("\n          </tr>\n        ")
    return mark_safe("".join(out))
