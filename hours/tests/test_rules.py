"""The pure rules of a declared week, table-driven."""

import datetime

import pytest

from hours import rules
from hours.enums import Attendance, EntryKind
from missions import rules as timetable_rules

D = datetime.date
T = datetime.time


@pytest.mark.parametrize(("typed", "minutes"), [
    ("", 0), ("0", 0), ("2", 120), ("2,5", 150), ("2.25", 135), ("2h", 120), ("2 h 30", 150), ("2h30", 150),
    ("2:45", 165), ("45 min", 45), ("90min", 90), ("1,75 h", 105), ("10 h", 600), (" 3\u00a0h ", 180),
])
def test_durations_are_read_as_people_type_them(typed, minutes):
    assert rules.parse_duration(typed) == minutes


@pytest.mark.parametrize(("typed", "message"), [
    ("-1", "ne peut pas être négative"), ("-0,5", "ne peut pas être négative"), ("deux heures", "n'est pas une durée"),
    ("2h75", "les minutes vont de 0 à 59"), ("1.2.3", "n'est pas une durée"),
    # Digits of other scripts are digits to Python's \d, not to a person filling in hours.
    ("٣", "n'est pas une durée"), ("𝟑", "n'est pas une durée"), ("３", "n'est pas une durée"),
    ("2h٣0", "n'est pas une durée"), ("٣ min", "n'est pas une durée"), ("١,٥", "n'est pas une durée"),
])
def test_bad_durations_are_refused_in_french(typed, message):
    with pytest.raises(rules.DurationError, match=message):
        rules.parse_duration(typed)


@pytest.mark.parametrize(("minutes", "text"), [(0, "0 h"), (45, "45 min"), (60, "1 h"), (135, "2 h 15"),
                                               (-90, "−1 h 30")])
def test_durations_are_written_in_french(minutes, text):
    assert rules.format_duration(minutes) == text


def test_weeks_slugs_labels_and_months():
    monday = D(2026, 11, 16)
    assert rules.week_slug(monday) == "2026-S47" and rules.parse_week_slug("2026-S47") == monday
    assert rules.parse_week_slug("2026-S99") is None and rules.parse_week_slug("x") is None
    # One address per week: digits of other scripts (full-width ２０２６) are not a week.
    assert rules.parse_week_slug("２０２６-S47") is None and rules.parse_week_slug("2026-S４７") is None
    assert rules.week_label(monday) == "semaine du 16 au 20 novembre 2026"
    assert rules.week_label(D(2026, 11, 30)) == "semaine du 30 novembre au 4 décembre 2026"
    assert rules.week_label(D(2026, 12, 28)) == "semaine du 28 décembre 2026 au 1 janvier 2027"
    # A week belongs to the month of its Thursday: 30/11–4/12 is December's.
    assert rules.month_of_week(D(2026, 11, 30)) == (2026, 12)
    assert rules.weeks_of_month(2026, 11) == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23)]
    assert D(2026, 11, 30) in rules.weeks_of_month(2026, 12)


def _slot(weekday, start, end, week="", valid_from=None, valid_until=None, school_id=1, slot_id=None):
    return timetable_rules.Slot(weekday=weekday, start=T(*start), end=T(*end), school_id=school_id, week=week,
                                valid_from=valid_from, valid_until=valid_until, id=slot_id)


def test_occurrences_apply_week_parity_validity_and_days_off():
    monday = D(2026, 11, 9)  # Wednesday 11 November is a public holiday
    slots = [
        _slot(0, (8, 30), (11, 30), slot_id=1),
        _slot(2, (8, 30), (11, 30), slot_id=2),                          # the holiday
        _slot(3, (13, 30), (16, 30), week="A", slot_id=3),
        _slot(3, (8, 30), (11, 30), week="B", slot_id=4),                # not this week
        _slot(4, (8, 30), (11, 30), valid_from=D(2026, 11, 14), slot_id=5),  # not yet valid
        _slot(1, (8, 30), (11, 30), valid_until=D(2026, 11, 9), slot_id=6),  # ended the day before
    ]
    found = rules.occurrences(slots, monday, "A", lambda day, school: day == D(2026, 11, 11))
    assert [(day, slot.id) for day, slot in found] == [(D(2026, 11, 9), 1), (D(2026, 11, 12), 3)]


TUESDAY = D(2026, 11, 17)


def line(key="1", kind=EntryKind.SLOT, day=TUESDAY, planned=180, minutes=180, attendance=Attendance.DONE,
         reason="", **extra):
    return rules.Line(key=key, kind=kind, day=day, planned=planned, minutes=minutes, attendance=attendance,
                      reason=reason, start=T(8, 30), end=T(11, 30), **extra)


def test_a_day_of_10_h_15_is_refused_naming_the_day():
    lines = [line("1", minutes=180), line("2", minutes=180), line("3", kind=EntryKind.OUTING, planned=0, minutes=255)]
    assert rules.day_errors(lines) == ["Mardi 17/11 : 10 h 15 de travail déclarées, au-delà de 10 h par jour."]
    assert rules.day_errors([*lines[:2], line("3", kind=EntryKind.OUTING, planned=0, minutes=240)]) == []


@pytest.mark.parametrize(("the_line", "message"), [
    (line(minutes=70), "Mardi 17/11, créneau 08:30–11:30 : 1 h 10 n'est pas un nombre entier de quarts d'heure"),
    (line(minutes=-15), "ne peut pas être négative"),
    (line(attendance=Attendance.AESH_ABSENT, minutes=0), "indiquez le motif de votre absence"),
    (line(kind=EntryKind.LUNCH, planned=0, minutes=0), "Mardi 17/11, pause méridienne (accompagnement) : indiquez"),
    (line(kind=EntryKind.CONNEXE, day=None, planned=0, minutes=1215), "c'est plus que 20 h par semaine"),
])
def test_line_errors(the_line, message):
    assert any(message in error for error in rules.line_errors(the_line))


def test_a_timetabled_odd_duration_is_kept_as_planned():
    assert rules.line_errors(line(planned=50, minutes=50)) == []
    assert rules.line_errors(line(planned=50, minutes=45)) == []


def test_an_absence_left_at_the_planned_time_means_the_whole_slot():
    absent = rules.normalized(line(attendance=Attendance.AESH_ABSENT, reason="STRIKE"))
    assert absent.minutes == 0
    assert rules.normalized(line(reason="STRIKE")).reason == ""


def test_totals_and_anomalies():
    lines = [
        line("1", minutes=180),                                                         # done
        line("2", attendance=Attendance.AESH_ABSENT, reason="SICK_LEAVE", minutes=0),  # 3 h explained
        line("3", attendance=Attendance.STUDENT_ABSENT, minutes=180),                     # still worked
        line("4", minutes=120),                                                         # 1 h unexplained
        line("5", planned=15, minutes=15, slot_kind=timetable_rules.TRAVEL),
        line("6", kind=EntryKind.LUNCH, planned=0, minutes=45),
        line("7", kind=EntryKind.TRAINING, planned=0, minutes=120),
        line("8", kind=EntryKind.CONNEXE, day=None, planned=0, minutes=90, category="PREPARATION"),
    ]
    totals = rules.week_totals(lines)
    assert totals == rules.WeekTotals(planned=735, accompaniment=525, travel=15, extra=45, absence=180,
                                      unexplained=60, connexe=90, training=120)
    assert totals.worked == 525 + 15 + 90 + 120
    assert rules.anomalies(totals) == [
        "Absence sans motif : 1 h de moins que l'emploi du temps.",
        "Déclaré ≠ prévu : 12 h déclarées (dont 3 h d'absences motivées, dont 45 min ajoutées hors emploi du "
        "temps) pour 12 h 15 à l'emploi du temps.",
    ]
    clean = rules.week_totals([line("1"), line("2", attendance=Attendance.AESH_ABSENT, reason="STRIKE", minutes=0)])
    assert rules.anomalies(clean) == []


def test_main_school_is_where_most_time_is_planned():
    assert rules.main_school([(1, 180), (2, 120), (2, 120), (None, 500)]) == 2
    assert rules.main_school([]) is None
