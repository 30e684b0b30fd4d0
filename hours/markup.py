"""The AESH's week page writes its fields' DSFR markup here, in Python: the same tags and
attributes as Django's widgets (`BoundField.build_widget_attrs`) and crispy_dsfr's field groups,
without a template per widget, per option and per field — on the page 140 000 AESH open every
week, the widget templates were most of its CPU. Values, errors and ids come from the bound
fields: validation stays the forms' (hours.forms). `hours/tests/test_markup.py` checks each
helper against Django's own rendering of the same field.
"""

from __future__ import annotations

from django.forms import BoundField
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from pial.cells import esc as escape  # django.utils.html.escape's text, without its lazy wrapper (~30 a line)


def conditional_escape(value) -> str:
    """django.utils.html.conditional_escape's text: what is safe as it is, the rest escaped."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else escape(value)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    return "".join(f" {name}" if value is True else f' {name}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False and value is not None)


def widget_attrs(bound: BoundField, described_by: str | None = None, *, with_id: bool = True) -> dict:
    """The widget's attributes as `BoundField.as_widget` builds them: the widget's own, then
    required, aria-invalid, aria-describedby (help text and error ids, or `described_by`), id."""
    widget = bound.field.widget
    attrs = dict(widget.attrs)
    if (widget.use_required_attribute(bound.initial) and bound.field.required
            and bound.form.use_required_attribute):
        attrs["required"] = True
    if bound.field.disabled:
        attrs["disabled"] = True
    errors = bound.errors
    if not widget.is_hidden and errors:
        attrs["aria-invalid"] = "true"
    if described_by is None and not widget.is_hidden and bound.auto_id and not widget.attrs.get("aria-describedby"):
        ids = ([f"{bound.auto_id}_helptext"] if bound.help_text else []) + (
            [f"{bound.auto_id}_error"] if errors else [])
        described_by = " ".join(ids)
    if described_by:
        attrs["aria-describedby"] = described_by
    if with_id and bound.auto_id and "id" not in widget.attrs:
        attrs["id"] = bound.auto_id
    return attrs


def input_tag(bound: BoundField, described_by: str | None = None) -> SafeString:
    """<input type="text|hidden" …> (django/forms/widgets/input.html)."""
    widget = bound.field.widget
    value = widget.format_value(bound.value())
    shown = "" if value is None else f' value="{escape(value)}"'
    return mark_safe(f'<input type="{widget.input_type}" name="{escape(bound.html_name)}"{shown}'
                     f"{_attrs(widget_attrs(bound, described_by))}>")


def textarea_tag(bound: BoundField) -> SafeString:
    """<textarea …> (django/forms/widgets/textarea.html)."""
    value = bound.field.widget.format_value(bound.value())
    return mark_safe(f'<textarea name="{escape(bound.html_name)}"{_attrs(widget_attrs(bound))}>\n'
                     f'{escape(value) if value else ""}</textarea>')


def _selected(bound: BoundField) -> set[str]:
    value = bound.value()
    values = value if isinstance(value, (list, tuple)) else [value]
    return {"" if v is None else str(v) for v in values}


def select_tag(bound: BoundField, described_by: str | None = None) -> SafeString:
    """<select …> and its options (django/forms/widgets/select.html): the first option equal to the
    value is selected."""
    wanted, found, options = _selected(bound), False, []
    for value, label in bound.field.choices:
        value = "" if value is None else str(value)
        chosen = not found and value in wanted
        found |= chosen
        options.append(f'<option value="{escape(value)}"{" selected" if chosen else ""}>'
                       f"{conditional_escape(label)}</option>")
    return mark_safe(f'<select name="{escape(bound.html_name)}"{_attrs(widget_attrs(bound, described_by))}>\n'
                     + "\n".join(options) + "\n</select>")


def radio_elements(bound: BoundField) -> SafeString:
    """One DSFR radio per choice, inline, each input with its label (ids `<id>_0`, `<id>_1`…)."""
    wanted = _selected(bound)
    attrs = widget_attrs(bound, with_id=False)
    attrs.pop("aria-describedby", None)  # a radio set is a fieldset: its legend describes it
    shared = _attrs(attrs)
    name = escape(bound.html_name)
    parts = []
    for index, (value, label) in enumerate(bound.field.choices):
        value = str(value)
        radio_id = f"{bound.auto_id}_{index}"
        parts.append(
            '<div class="fr-fieldset__element fr-fieldset__element--inline"><div class="fr-radio-group">'
            f'<input type="radio" name="{name}" value="{escape(value)}" id="{radio_id}"{shared}'
            f'{" checked" if value in wanted else ""}>'
            f'<label class="fr-label" for="{radio_id}">{conditional_escape(label)}</label></div></div>')
    return mark_safe("\n".join(parts))


def error_lines(bound: BoundField) -> SafeString:
    """The field's errors as DSFR error texts; the first carries the id aria-describedby names."""
    lines = []
    for index, error in enumerate(bound.errors):
        error_id = "" if index else f' id="{bound.auto_id}_error"'
        lines.append(f'<p class="fr-error-text"{error_id}>{conditional_escape(error)}</p>')
    return mark_safe("".join(lines))


def field_group(bound: BoundField, *, optional_mark: bool = True) -> SafeString:
    """A whole field as crispy_dsfr writes it: label (« (Optionnel) » when not required), hint,
    widget, errors — for a text input or a select."""
    widget = bound.field.widget
    group = "fr-select-group" if widget.input_type == "select" else "fr-input-group"
    error_id = f"{bound.auto_id}-desc-error"
    errors = bound.errors
    label = conditional_escape(bound.label)
    if optional_mark and not bound.field.required:
        label = f"{label} (Optionnel)"
    hint = (f' <span class="fr-hint-text" id="{bound.auto_id}_helptext">{conditional_escape(bound.help_text)}</span>'
            if bound.help_text else "")
    tag = select_tag if widget.input_type == "select" else input_tag
    shown = tag(bound, error_id if errors else None)
    error = (f' <div id="{error_id}"> <ul class="errorlist" id="{bound.auto_id}_error">'
             + "".join(f"<li>{conditional_escape(e)}</li>" for e in errors) + "</ul> </div>") if errors else ""
    return mark_safe(f'<div class="{group}{f" {group}--error" if errors else ""}"> '
                     f'<label for="{bound.auto_id}" class="fr-label">{label}{hint}</label> {shown}{error} </div>')


def slot_fields(fields: dict[str, BoundField], key: str, legend: str, planned: str, travel: bool) -> SafeString:
    """A timetabled line's fields on the week page: how it went (radios in a fieldset named by
    `legend`; a trip is always « assuré »), the duration done with its planned time as hint, and
    the reason of an absence (not for a trip)."""
    attendance, minutes, reason = fields["attendance"], fields["minutes"], fields["reason"]
    if travel:
        head = f'<input type="hidden" name="{escape(attendance.html_name)}" value="DONE">'
    else:
        head = (f'<fieldset class="fr-fieldset fr-mb-0" aria-labelledby="ligne-{key}-deroulement">'
                f'<legend class="fr-fieldset__legend fr-fieldset__legend--regular fr-sr-only" '
                f'id="ligne-{key}-deroulement">{escape(legend)}</legend>\n{radio_elements(attendance)}</fieldset>')
    minutes_id = minutes.auto_id
    parts = [head, '<div class="pial-line__fields">',
             f'<div class="fr-input-group{" fr-input-group--error" if minutes.errors else ""}">'
             f'<label class="fr-label" for="{minutes_id}">Durée réalisée <span class="fr-hint-text" '
             f'id="{minutes_id}_helptext">Prévu : {escape(planned)}</span></label>\n'
             f"{input_tag(minutes)}{error_lines(minutes)}</div>"]
    if not travel:
        parts.append(f'<div class="fr-select-group{" fr-select-group--error" if reason.errors else ""}">'
                     f'<label class="fr-label" for="{reason.auto_id}">Motif, si vous étiez absent·e</label>\n'
                     f"{select_tag(reason)}{error_lines(reason)}</div>")
    parts.append("</div>")
    return mark_safe("\n".join(parts))
