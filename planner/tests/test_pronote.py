"""Reading ProNote iCal exports, matching them to students, deriving weekly and fortnightly
courses (pure: no database)."""

import datetime

import pytest

from planner import pronote
from planner.tests.pronote_files import WEEK_1, WEEK_2, WEEK_3, calendar, event, week_of_courses, zipped

T = datetime.time
ALICE = pronote.Candidate(id=1, last_name="Lefèvre", first_name="Alice", birth_date=datetime.date(2013, 4, 2))
ALINE = pronote.Candidate(id=2, last_name="Martin", first_name="Aline", birth_date=datetime.date(2013, 6, 9))
CANDIDATES = [ALICE, ALINE]


def two_weeks(name: str) -> bytes:
    return calendar(name, week_of_courses(WEEK_1, techno=True) + week_of_courses(WEEK_2, techno=False))


def test_utc_times_are_read_in_paris_time_and_courses_kept():
    export = pronote.read_file("LEFEVRE_Alice_02-04-2013.ics", two_weeks("LEFEVRE Alice"))
    first = export.courses[0]
    assert (first.start, first.end) == (datetime.datetime(2026, 9, 14, 8), datetime.datetime(2026, 9, 14, 9))
    assert first.subject == "FRANCAIS"
    assert export.birth_date == datetime.date(2013, 4, 2)
    assert export.name == "lefevre alice"


def test_matching_by_birth_date_with_a_misspelt_name():
    export = pronote.read_file("LEFEBVRE_Alisse_02-04-2013.ics", two_weeks("LEFEBVRE Alisse"))
    found = pronote.match(export, CANDIDATES)
    assert found.student_id == ALICE.id
    assert not found.doubtful
    assert "date de naissance et nom" in found.how


def test_a_wrong_birth_date_is_matched_by_name_only_and_flagged():
    export = pronote.read_file("LEFEVRE_Alice_03-04-2013.ics", two_weeks("LEFEVRE Alice"))
    found = pronote.match(export, CANDIDATES)
    assert found.student_id == ALICE.id
    assert found.doubtful
    assert "nom seul" in found.how and "03/04/2013" in found.how


def test_a_file_for_no_notified_student_is_reported():
    export = pronote.read_file("DURAND_Kevin_01-01-2012.ics", two_weeks("DURAND Kevin"))
    found = pronote.match(export, CANDIDATES)
    assert found.student_id is None and found.doubtful
    assert "aucun élève notifié" in found.how


def test_a_weekly_and_a_fortnightly_course_from_two_reference_weeks():
    export = pronote.read_file("x.ics", two_weeks("LEFEVRE Alice"))
    courses = pronote.derive(export, WEEK_1, WEEK_2)
    assert [(c.weekday, c.start, c.end, c.week, c.subject) for c in courses] == [
        (0, T(8), T(9), "", "FRANCAIS"), (0, T(9), T(10), "", "MATHEMATIQUES"),
        (1, T(10), T(11), "B", "SVT"), (1, T(10), T(11), "A", "TECHNOLOGIE"),
    ]
    swapped = {c.subject: c.week for c in pronote.derive(export, WEEK_1, WEEK_2, swap=True)}
    assert swapped["TECHNOLOGIE"] == "B" and swapped["SVT"] == "A" and swapped["FRANCAIS"] == ""


def test_the_proposed_weeks_are_the_consecutive_pair_where_most_files_have_courses():
    full = pronote.read_file("a.ics", calendar("A", week_of_courses(WEEK_2, techno=True)
                                               + week_of_courses(WEEK_3, techno=False)))
    partial = pronote.read_file("b.ics", calendar("B", week_of_courses(WEEK_1, techno=True)
                                                  + week_of_courses(WEEK_2, techno=False)
                                                  + week_of_courses(WEEK_3, techno=True)))
    assert pronote.proposed_weeks([full, partial]) == (WEEK_2, WEEK_3)


def test_non_course_events_are_listed_and_ignored():
    events = [
        *week_of_courses(WEEK_1, techno=True),
        event(WEEK_1, "13:00", "14:00", "Réservation salle 12", category="Réservation de salle"),
        event(WEEK_1 + datetime.timedelta(days=2), "08:00", "12:00", "Évaluations nationales 6e", category=None),
        event(WEEK_1 + datetime.timedelta(days=3), "08:00", "09:00", "ANGLAIS", status="CANCELLED"),
        event(WEEK_1 + datetime.timedelta(days=5), "09:00", "10:00", "MATHEMATIQUES"),  # a Saturday
    ]
    export = pronote.read_file("x.ics", calendar("LEFEVRE Alice", events))
    assert len(export.courses) == 3
    reasons = sorted(e.reason for e in export.others)
    assert len(reasons) == 4
    assert any("Réservation de salle" in r for r in reasons)
    assert any("evaluations nationales" in r for r in reasons)
    assert "cours annulé" in reasons
    assert any("lundi à vendredi" in r for r in reasons)
    assert all(c.week == "" for c in pronote.derive(export, WEEK_1, WEEK_1))


def test_real_world_quirks_bom_latin1_folded_lines_tzid_duplicates():
    text = calendar("LEFÈVRE Alice", [
        event(WEEK_1, "08:00", "09:00", "FRANCAIS", utc=False),
        event(WEEK_1, "08:00", "09:00", "FRANCAIS", utc=False, uid="again"),  # the same course twice
    ]).decode()
    text = text.replace("SUMMARY:FRANCAIS", "SUMMARY:FRANCAIS - Mme BÉRÉNICE DE LA\r\n  TOUR")  # a folded line
    export = pronote.read_file("x.ics", b"\xef\xbb\xbf" + text.encode("cp1252"))
    assert len(export.courses) == 1
    assert export.courses[0].start == datetime.datetime(2026, 9, 14, 8)
    assert export.name == "lefevre alice"


def test_a_zip_of_a_folder_is_read_and_other_files_skipped():
    archive = zipped({"EDT/LEFEVRE_Alice.ics": two_weeks("LEFEVRE Alice"), "EDT/lisezmoi.txt": b"x",
                      "__MACOSX/EDT/._LEFEVRE_Alice.ics": b"junk", "EDT/MARTIN_Aline.ics": two_weeks("MARTIN Aline")})
    exports = pronote.read_all([("export.zip", archive)])
    assert sorted(e.filename for e in exports) == ["LEFEVRE_Alice.ics", "MARTIN_Aline.ics"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"not a calendar at all", "n'est pas un calendrier iCal"),
    (calendar("X", [event(WEEK_1, "09:00", "08:00", "FRANCAIS")]), "événement n° 1 « FRANCAIS »"),
    (calendar("X", ["BEGIN:VEVENT\r\nSUMMARY:SVT\r\nUID:1\r\nEND:VEVENT"]), "n'a pas de début"),
])
def test_a_broken_file_refuses_the_whole_import_naming_file_and_event(content, expected):
    with pytest.raises(pronote.PronoteError) as error:
        pronote.read_all([("bon.ics", two_weeks("LEFEVRE Alice")), ("casse.ics", content)])
    assert "casse.ics" in str(error.value) and expected in str(error.value)
    assert "Rien n'a été importé" in str(error.value) or "rien n'a été importé" in str(error.value)


def test_an_unknown_file_kind_is_refused():
    with pytest.raises(pronote.PronoteError, match="seuls les calendriers"):
        pronote.read_all([("edt.pdf", b"%PDF")])
