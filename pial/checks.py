"""System checks (`manage.py check`, run at each release): data that runs out must be seen before it does."""

from __future__ import annotations

import datetime

from django.core import checks
from django.utils import timezone

from pial.calendar import school_holidays_known, unknown_message
from pial.conf import setting

WARN_DAYS_BEFORE = 180


@checks.register()
def school_holidays_cover_the_year(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The school-holiday data must reach beyond the days the pages compute (weeks, calendar feeds)."""
    today = timezone.localdate()
    _first, last = school_holidays_known()
    if today > last:
        return [checks.Error(unknown_message(today), id="pial.E001")]
    horizon = today + datetime.timedelta(days=max(WARN_DAYS_BEFORE, setting("CALENDAR_DAYS_AHEAD")))
    if horizon > last:
        return [checks.Warning(unknown_message(last + datetime.timedelta(days=1)),
                               hint=f"Les semaines au-delà du {last:%d/%m/%Y} ne pourront pas être calculées.",
                               id="pial.W001")]
    return []
