"""Numbers read from a spreadsheet's cells: text or number cells, and what is not a number."""

import math
from decimal import Decimal

import pytest

from pial.spreadsheets import parse_decimal


@pytest.mark.parametrize(("cell", "expected"), [
    ("12,5", Decimal("12.5")), ("24 h", Decimal("24")), (12.5, Decimal("12.5")), (24, Decimal("24")),
    (Decimal("39.20"), Decimal("39.20")),
])
def test_numbers_are_read(cell, expected):
    assert parse_decimal(cell) == expected


@pytest.mark.parametrize("cell", [math.inf, -math.inf, math.nan, Decimal("Infinity"), Decimal("NaN"),
                                  "Infinity", "nan", True, "douze"])
def test_what_is_not_a_number_is_refused_in_french(cell):
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        parse_decimal(cell)
