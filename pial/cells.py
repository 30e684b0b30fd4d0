"""Table cells written in Python (list rows): the template filters' output, without their
per-call machinery (lazy-string checks, DateFormat objects, choice flattening)."""

from __future__ import annotations

import datetime
import html


def esc(value) -> str:
    """`{{ value }}` for text: django.utils.html.escape without its lazy-argument wrapper."""
    return html.escape(str(value))


def dmy(value: datetime.date | None) -> str:
    """`{{ value|date:"d/m/Y" }}` for a date: « 05/09/2026 »; empty for nothing."""
    return value.strftime("%d/%m/%Y") if value else ""


def choice_labels(model, field_name: str) -> dict:
    """{value: label} of a model field's choices, for `get_FOO_display()` once per page, not per row."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
