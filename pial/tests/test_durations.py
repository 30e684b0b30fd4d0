"""One way to write a duration: « 39 h 12 », « 30 min », never « 39,20 » nor « 37,2 h »."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from pial import durations

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(("minutes", "text"), [
    (0, "0 h"), (30, "30 min"), (60, "1 h"), (105, "1 h 45"), (2352, "39 h 12"), (-90, "−1 h 30"),
    (60 * 1234, "1\u202f234 h"),
])
def test_minutes_are_written_one_way(minutes, text):
    assert durations.format_minutes(minutes) == text


@pytest.mark.parametrize(("hours", "text"), [
    (Decimal("39.20"), "39 h 12"), (Decimal("37.2"), "37 h 12"), (Decimal("60"), "60 h"),
    (Decimal("0.5"), "30 min"), ("24", "24 h"), (Decimal("1.75"), "1 h 45"),
])
def test_decimal_hours_are_written_as_durations(hours, text):
    assert durations.format_hours(hours) == text


def test_the_filters_write_durations():
    html = Template("{% load pial_ui %}{{ a|hours }}|{{ m|duration }}|{{ none|hours }}").render(
        Context({"a": Decimal("39.20"), "m": 30, "none": None}))
    assert html == "39 h 12|30 min|"


def test_signed_durations():
    assert durations.format_minutes(150, signed=True) == "+2 h 30"
    assert durations.format_minutes(0, signed=True) == "0 h"


def test_no_template_writes_hours_as_a_decimal_number():
    """A decimal before « h » (floatformat, widthratio … 60) is how « 39,20 » and « 0 h » came back."""
    decimal_hours = re.compile(r"floatformat[^}]*\}\}\s*(h\b|/ \{\{[^}]*\}\} h\b|h sur)|widthratio \S+ 60\b")
    offenders = [f"{path.relative_to(TEMPLATES)}:{n}" for path in TEMPLATES.rglob("*.html")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if decimal_hours.search(line)]
    assert offenders == [], "écrire les durées avec |hours ou |duration : " + ", ".join(offenders)
