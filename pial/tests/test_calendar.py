"""Days off: public holidays for any year, school holidays only where the data knows them."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from pial.calendar import SchoolCalendarUnknown, is_day_off, school_day_on_or_after, school_holidays_known
from pial.checks import school_holidays_cover_the_year

D = datetime.date


def test_public_and_school_holidays_within_the_data():
    assert is_day_off(D(2026, 11, 11), "") is True          # armistice, any school
    assert is_day_off(D(2026, 10, 21), "B") is True         # Toussaint, zone B
    assert is_day_off(D(2026, 11, 17), "B") is False
    assert school_day_on_or_after(D(2026, 10, 17), "B") == D(2026, 11, 2)


def test_a_day_past_the_data_fails_loudly_instead_of_becoming_a_school_day():
    _first, last = school_holidays_known()
    after = last + datetime.timedelta(days=60)
    assert is_day_off(after.replace(month=12, day=25), "B") is True  # public holidays need no data
    with pytest.raises(SchoolCalendarUnknown) as raised:
        is_day_off(after, "B")
    assert f"jusqu'au {last:%d/%m/%Y}" in str(raised.value)
    assert "Mettez ce paquet à jour" in str(raised.value)
    assert is_day_off(after, "") is False  # no zone: only public holidays apply


def test_the_system_check_warns_months_ahead_then_errs():
    _first, last = school_holidays_known()
    assert school_holidays_cover_the_year() == [] or last - datetime.date.today() < datetime.timedelta(days=180)
    with time_machine.travel(last - datetime.timedelta(days=90), tick=False):
        [warning] = school_holidays_cover_the_year()
        assert warning.id == "pial.W001" and "jusqu'au" in warning.msg
    with time_machine.travel(last + datetime.timedelta(days=1), tick=False):
        [error] = school_holidays_cover_the_year()
        assert error.id == "pial.E001"
        with pytest.raises(SystemCheckError):
            call_command("check")
