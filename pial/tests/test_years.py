"""School years: current, next, the one `?annee=` names, the preparation's opening day."""

import datetime

import pytest

from pial.models import SchoolYear
from pial.years import next_year, preparation_is_open, preparation_opens, previous_year, year_from_param


@pytest.fixture
def years(db):
    n = SchoolYear.objects.create(name="2026-2027", start_date=datetime.date(2026, 9, 1),
                                  end_date=datetime.date(2027, 7, 3), is_current=True)
    n1 = SchoolYear.objects.create(name="2027-2028", start_date=datetime.date(2027, 9, 1),
                                   end_date=datetime.date(2028, 7, 5))
    old = SchoolYear.objects.create(name="2025-2026", start_date=datetime.date(2025, 9, 1),
                                    end_date=datetime.date(2026, 7, 4))
    return old, n, n1


def test_next_and_previous(years):
    old, n, n1 = years
    assert next_year() == n1 and next_year(n1) is None and previous_year(n) == old


@pytest.mark.parametrize("value, expected", [(None, 1), ("", 1), ("2025-2026", 0), ("1999-2000", 1),
                                             ("<script>", 1), ("2027-2028x" * 50, 1)])
def test_year_from_param(years, value, expected):
    assert year_from_param(value) == years[expected]


def test_preparation_opens_from_the_setting(years, settings):
    _old, _n, n1 = years
    assert preparation_opens(n1) == datetime.date(2027, 4, 1)
    assert not preparation_is_open(n1, datetime.date(2027, 3, 31))
    assert preparation_is_open(n1, datetime.date(2027, 4, 1))
    assert not preparation_is_open(n1, datetime.date(2027, 9, 1))
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": "05-15"}
    assert not preparation_is_open(n1, datetime.date(2027, 5, 14))
