"""The validation queue's filters and rows, written in Python (the template engine per option
and per cell was most of the page's CPU): the same bytes hours/queue.html wrote in its loops
(hours/tests/test_queue_markup.py compares them). Every value is escaped here (pial.cells.esc)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from hours.enums import TimesheetState
from hours.models import Timesheet
from hours.templatetags.hours import _BADGES, duration
from pial.cells import dmy, esc
from pial.links import pk_urls

_STATE_LABELS = {value: str(label) for value, label in TimesheetState.choices}
_NO_SCHOOL = "Sans établissement (aucun créneau prévu)"
_UNFINISHED = ('<p class="fr-text--sm fr-mb-1v pial-anomaly"><span class="fr-icon-time-line fr-icon--sm" '
               'aria-hidden="true"></span> Semaine pas encore finie : elle se valide une fois passé son dernier '
               "jour de classe.</p>")


def options(choices: Iterable[tuple[object, str]], selected) -> SafeString:
    """`<option value="{{ value }}"{% if value == selected %} selected{% endif %}>{{ label }}</option>`
    for each choice."""
    return mark_safe("".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>{esc(label)}</option>'
        for value, label in choices))


def _row(sheet: Timesheet, can_validate: bool, url) -> str:
    anomalies = sheet.anomalies
    box = ""
    if can_validate:
        if sheet.state == TimesheetState.SUBMITTED and not anomalies and not sheet.unfinished:
            aesh = esc(sheet.aesh)
            box = (f'<td><div class="fr-checkbox-group fr-checkbox-group--sm pial-nowrap"><input type="checkbox" '
                   f'name="timesheet" value="{sheet.pk}" id="lot-{sheet.pk}"><label class="fr-label" '
                   f'for="lot-{sheet.pk}">Valider<span class="fr-sr-only"> la semaine de {aesh}</span></label></div>'
                   f'<input type="hidden" name="clean" value="{sheet.pk}"></td>')
        else:
            box = "<td></td>"
    badge = (f'<span class="fr-badge fr-badge--sm fr-badge--no-icon{_BADGES.get(sheet.state, " fr-badge--new")}">'
             f"{esc(_STATE_LABELS.get(sheet.state, sheet.state))}</span>")
    absence = esc(duration(sheet.absence_minutes)) if sheet.absence_minutes else "—"
    connexe = (esc(duration(sheet.connexe_minutes + sheet.training_minutes))
               if sheet.connexe_minutes or sheet.training_minutes else "—")
    look = _UNFINISHED if sheet.unfinished else ""
    look += "".join(f'<p class="fr-text--sm fr-mb-1v pial-anomaly"><span class="fr-icon-warning-line fr-icon--sm" '
                    f'aria-hidden="true"></span> {esc(a)}</p>' for a in anomalies)
    if not anomalies and not sheet.unfinished:
        look = '<span class="fr-text--sm">Rien</span>'
    css = ' class="pial-row--anomaly"' if anomalies else ""
    return (f"\n            <tr{css}>"
            f"\n              {box}"
            f'\n              <th scope="row"><a href="{esc(url(sheet.pk))}">{esc(sheet.aesh)}</a></th>'
            f"\n              <td>{dmy(sheet.week_start)}</td>"
            f"\n              <td>{badge}</td>"
            f"\n              <td>{esc(duration(sheet.planned_minutes))}</td>"
            f"\n              <td>{esc(duration(sheet.accompaniment_minutes + sheet.travel_minutes))}</td>"
            f"\n              <td>{absence}</td>"
            f"\n              <td>{connexe}</td>"
            f"\n              <td>{look}</td>"
            "\n            </tr>\n          ")


def groups(sheets: list[Timesheet], can_validate: bool) -> SafeString:
    """The table's bodies: one per main school, in the list's order (as `{% regroup %}` did)."""
    url = pk_urls("hours:timesheet")
    colspan = 9 if can_validate else 8
    bodies, index = [], 0
    while index < len(sheets):
        school_id = sheets[index].main_school_id
        end = index
        while end < len(sheets) and sheets[end].main_school_id == school_id:
            end += 1
        school = sheets[index].main_school
        name = esc(school.name if school is not None and school.name else _NO_SCHOOL)
        rows = "".join(_row(sheet, can_validate, url) for sheet in sheets[index:end])
        bodies.append(f'\n        <tbody>\n          <tr class="pial-group"><th scope="colgroup" colspan="{colspan}">'
                      f"{name}</th></tr>\n          {rows}\n        </tbody>\n      ")
        index = end
    return mark_safe("".join(bodies))
