"""ProNote-like iCal exports for the tests: what a collège's export holds (UTC times, CRLF,
folded lines, categories), with helpers to write them."""

from __future__ import annotations

import datetime
import io
import zipfile

# Two reference weeks of the year 2026–2027 (Mondays), and the one after.
WEEK_1 = datetime.date(2026, 9, 14)
WEEK_2 = datetime.date(2026, 9, 21)
WEEK_3 = datetime.date(2026, 9, 28)


def event(day: datetime.date, start: str, end: str, summary: str, *, category: str | None = "Cours",
          subject: str | None = None, status: str = "", uid: str = "", utc: bool = True) -> str:
    """One VEVENT; times are Paris times, written in UTC (as ProNote does) unless utc=False."""
    def stamp(hhmm: str) -> str:
        hour, minute = (int(x) for x in hhmm.split(":"))
        if utc:  # September: Paris is UTC+2
            moment = datetime.datetime.combine(day, datetime.time(hour, minute)) - datetime.timedelta(hours=2)
            return f":{moment:%Y%m%dT%H%M%S}Z"
        return f";TZID=Europe/Paris:{day:%Y%m%d}T{hour:02d}{minute:02d}00"
    lines = ["BEGIN:VEVENT", f"UID:{uid or f'{day}{start}{summary}'}", "DTSTAMP:20260901T080000Z",
             f"DTSTART{stamp(start)}", f"DTEND{stamp(end)}", f"SUMMARY:{summary}"]
    if category:
        lines.append(f"CATEGORIES:{category}")
    if subject:
        lines.append(f"DESCRIPTION:Matière : {subject}\\nProfesseur : M. PROF\\nSalle : 101")
    if status:
        lines.append(f"STATUS:{status}")
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def calendar(name: str, events: list[str]) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Index Education//PRONOTE//FR", "CALSCALE:GREGORIAN",
            f"X-WR-CALNAME:Emploi du temps de {name}"]
    return ("\r\n".join([*head, *events, "END:VCALENDAR"]) + "\r\n").encode()


def week_of_courses(monday: datetime.date, *, techno: bool) -> list[str]:
    """Monday French and maths every week; Tuesday 10–11 technology (week A) or SVT (week B)."""
    tuesday = monday + datetime.timedelta(days=1)
    return [
        event(monday, "08:00", "09:00", "FRANCAIS - M. PROF", subject="FRANCAIS"),
        event(monday, "09:00", "10:00", "MATHEMATIQUES - Mme PROF", subject="MATHEMATIQUES"),
        event(tuesday, "10:00", "11:00", "TECHNOLOGIE" if techno else "SVT"),
    ]


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
