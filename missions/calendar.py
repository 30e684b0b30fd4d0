"""The private iCal feed of an AESH's timetable.

Events are listed day by day (no RRULE), so school holidays of the school's
zone and public holidays are simply left out. Events name the school, never a
student: calendar apps often sync to third-party clouds.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from icalendar import Calendar, Event

from missions.models import CalendarFeed, TimeSlot
from pial.calendar import is_day_off, school_holidays_known
from pial.conf import setting, setting_date

__all__ = ["build_calendar", "calendar_feed", "is_day_off", "week_letter"]

PARIS = ZoneInfo("Europe/Paris")
SLOT_TITLES = {"CLASS": "Accompagnement", "LUNCH": "Pause méridienne (accompagnement)", "TRAVEL": "Trajet"}


def week_letter(day: datetime.date) -> str:
    monday = day - datetime.timedelta(days=day.weekday())
    weeks = (monday - setting_date("WEEK_A_REFERENCE")).days // 7
    return "A" if weeks % 2 == 0 else "B"


def build_calendar(slots: list[TimeSlot], start: datetime.date, end: datetime.date, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//pial//emploi du temps AESH//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    day = start
    while day <= end:
        for slot in slots:
            if slot.weekday != day.weekday() or day < slot.valid_from or (slot.valid_until and day > slot.valid_until):
                continue
            if slot.week and slot.week != week_letter(day):
                continue
            if is_day_off(day, slot.school.zone):
                continue
            event = Event()
            event.add("uid", f"slot-{slot.pk}-{day:%Y%m%d}@pial")
            event.add("summary", f"{SLOT_TITLES.get(slot.kind, 'Créneau')} — {slot.school.name}")
            event.add("location", f"{slot.school.name}, {slot.school.city}".strip(", "))
            event.add("dtstart", datetime.datetime.combine(day, slot.start_time, tzinfo=PARIS))
            event.add("dtend", datetime.datetime.combine(day, slot.end_time, tzinfo=PARIS))
            event.add("dtstamp", timezone.now())
            calendar.add_component(event)
        day += datetime.timedelta(days=1)
    return calendar.to_ical()


@login_not_required
@never_cache
def calendar_feed(request, token: str):
    """Public by design (calendar apps cannot log in), protected by an unguessable, revocable token."""
    feed = CalendarFeed.objects.select_related("aesh").filter(token=token).first()
    if feed is None:
        raise Http404
    today = timezone.localdate()
    slots = list(TimeSlot.objects.filter(aesh=feed.aesh).select_related("school")
                 .exclude(valid_until__lt=today - datetime.timedelta(days=7)))
    # Days past the school-holiday data are left out rather than guessed (the system check warns).
    end = min(today + datetime.timedelta(days=setting("CALENDAR_DAYS_AHEAD")), school_holidays_known()[1])
    content = build_calendar(slots, today - datetime.timedelta(days=7), end,
                             f"pial — {feed.aesh.first_name}")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="emploi-du-temps.ics"'
    return response
