"""One table-driven test per timetable rule: each violation, its French message, each edge."""

import datetime
from decimal import Decimal as D

import pytest

from missions import rules
from missions.rules import Limits, Slot

t = datetime.time
LIMITS = Limits()


def slot(day, start, end, school=1, **kw):
    kw.setdefault("student_ids", frozenset({1}))
    return Slot(weekday=day, start=t(*start), end=t(*end), school_id=school, school_name=f"École {school}", **kw)


def test_slot_label_names_day_hours_and_school():
    assert slot(0, (8, 30), (11, 30)).label == "lundi 08:30–11:30, École 1"
    assert slot(1, (8, 0), (9, 0), week="A").label == "mardi 08:00–09:00 (semaine A), École 1"


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        (slot(0, (8, 30), (11, 30)), slot(0, (11, 0), (12, 0), school=2), True),
        (slot(0, (8, 30), (11, 30)), slot(0, (11, 30), (12, 0)), False),            # touching is fine
        (slot(0, (8, 30), (11, 30)), slot(1, (8, 30), (11, 30)), False),            # another day
        (slot(0, (8, 30), (11, 30), week="A"), slot(0, (9, 0), (10, 0), week="B"), False),
        (slot(0, (8, 30), (11, 30), week="A"), slot(0, (9, 0), (10, 0)), True),    # every week includes A
        (slot(0, (8, 30), (11, 30), valid_until=datetime.date(2026, 12, 18)),
         slot(0, (9, 0), (10, 0), valid_from=datetime.date(2027, 1, 4)), False),  # successive periods
    ],
)
def test_never_in_two_places_at_once(a, b, clash):
    errors = rules.overlap_errors([a, b])
    assert bool(errors) == clash
    if clash:
        assert "deux endroits à la fois" in errors[0] and "lundi 08:30–11:30" in errors[0]


@pytest.mark.parametrize(
    ("students", "exclusive", "ok"),
    [(frozenset({1}), True, True), (frozenset({1, 2}), True, False), (frozenset({1, 2}), False, True)],
)
def test_individuelle_is_exclusive(students, exclusive, ok):
    errors = rules.slot_shape_errors(slot(0, (8, 30), (10, 0), student_ids=students, exclusive=exclusive))
    assert (not errors) == ok
    if not ok:
        assert "un seul élève sur le créneau" in errors[0]


@pytest.mark.parametrize(("hours", "ok"), [(D("24"), True), (D("23.5"), False), (D("30"), True)])
def test_weekly_hours_within_contract(hours, ok):
    week = [slot(d, (8, 30), (11, 30)) for d in range(4)] + [slot(d, (13, 30), (16, 30)) for d in range(4)]  # 24 h
    errors = rules.contract_hours_errors(week, hours)
    assert (not errors) == ok
    if not ok:
        assert "Emploi du temps de 24 h, au-delà des 23 h 30 hebdomadaires du contrat" in errors[0]


def test_week_a_and_b_are_counted_separately():
    week = [slot(0, (8, 0), (12, 0), week="A"), slot(0, (8, 0), (12, 0), week="B", school=2)]
    assert rules.weekly_minutes(week) == {"A": 240, "B": 240}
    assert not rules.contract_hours_errors(week, D("4"))


def test_no_contract_blocks():
    assert "Aucun contrat en cours" in rules.contract_hours_errors([slot(0, (8, 0), (9, 0))], None)[0]


@pytest.mark.parametrize(("notified", "ok"), [(D("6"), True), (D("5.5"), False)])
def test_individuelle_hours_within_notified(notified, ok):
    week = [slot(0, (8, 30), (11, 30), exclusive=True), slot(1, (8, 30), (11, 30), exclusive=True)]  # 6 h
    errors = rules.notified_hours_errors(week, {1: notified})
    assert (not errors) == ok
    if not ok:
        assert "Aide individuelle de 6 h par semaine, au-delà des 5 h 30 notifiées" in errors[0]


@pytest.mark.parametrize(
    ("day", "fragment"),
    [
        # Exactly 10 h of work with proper breaks: allowed.
        ([((7, 30), (11, 30)), ((12, 30), (15, 30)), ((16, 0), (19, 0))], None),
        # 10 h 30: too much.
        ([((7, 30), (11, 30)), ((12, 30), (15, 30)), ((16, 0), (19, 30))], "de travail, au-delà de 10 h"),
        # Amplitude 12 h 30 with 8 h of work.
        ([((7, 0), (11, 0)), ((15, 30), (19, 30))], "amplitude de 12 h 30"),
        # 6 h in a row without a 20-minute break.
        ([((8, 0), (14, 0))], "6 h de travail d'affilée depuis 08:00"),
        # 5 h 55 in a row: fine.
        ([((8, 5), (14, 0))], None),
        # A 15-minute gap is not a break: 8:00–11:00 + 11:15–14:15 reaches 6 h.
        ([((8, 0), (11, 0)), ((11, 15), (14, 15))], "d'affilée"),
        # A 20-minute gap is a break.
        ([((8, 0), (11, 0)), ((11, 20), (13, 20))], None),
    ],
)
def test_daily_limits(day, fragment):
    slots = [slot(0, start, end) for start, end in day]
    errors = [e for e in rules.daily_errors(slots, LIMITS, lunch_duty=True) if "déjeuner" not in e]
    if fragment is None:
        assert errors == []
    else:
        assert any(fragment in e for e in errors), errors


@pytest.mark.parametrize(
    ("day", "lunch_duty", "fragment"),
    [
        ([((8, 30), (12, 0)), ((12, 45), (16, 0))], False, None),              # exactly 45 min: fine
        ([((8, 30), (12, 0)), ((12, 40), (16, 0))], False, "pause déjeuner de 40 min"),
        ([((8, 30), (11, 30)), ((13, 30), (16, 30))], False, None),
        ([((8, 30), (16, 0))], False, "pause déjeuner de 0 min"),
    ],
)
def test_lunch_break(day, lunch_duty, fragment):
    errors = rules._lunch_errors("lundi", [slot(0, s, e) for s, e in day], LIMITS, lunch_duty)
    assert (errors == []) if fragment is None else fragment in errors[0]


@pytest.mark.parametrize(("lunch_duty", "ok"), [(True, True), (False, False)])
def test_lunch_slot_needs_lunch_duty_in_contract(lunch_duty, ok):
    day = [slot(0, (8, 30), (11, 45)), slot(0, (11, 45), (12, 45), kind="LUNCH"), slot(0, (13, 30), (16, 0))]
    errors = rules._lunch_errors("lundi", day, LIMITS, lunch_duty)
    assert (not errors) == ok
    if not ok:
        assert "n'est prévu ni au contrat ni par avenant" in errors[0]


@pytest.mark.parametrize(
    ("gap_end", "travel", "ok"),
    [((11, 45), {}, True),                           # default 15 min, exactly enough
     ((11, 44), {}, False),                          # one minute short
     ((11, 54), {frozenset({1, 2}): 25}, False),     # the pair's own travel time
     ((11, 55), {frozenset({1, 2}): 25}, True),
     ((11, 40), {frozenset({1, 2}): 10}, True)],
)
def test_travel_between_schools(gap_end, travel, ok):
    day = [slot(0, (8, 30), (11, 30), school=1), slot(0, gap_end, (12, 30), school=2)]
    errors = rules.travel_errors(day, travel, LIMITS)
    assert (not errors) == ok
    if not ok:
        assert "Trajet de École 1 à École 2" in errors[0] and "min nécessaires" in errors[0]


def test_travel_exactly_enough_with_pair_setting():
    day = [slot(0, (8, 30), (11, 30), school=1), slot(0, (11, 55), (12, 30), school=2)]
    assert rules.travel_errors(day, {frozenset({1, 2}): 25}, LIMITS) == []


def test_rest_between_days():
    late = [slot(0, (17, 0), (21, 0)), slot(1, (7, 0), (9, 0))]
    assert "10 h de repos" in rules.rest_errors(late, LIMITS)[0]
    assert rules.rest_errors([slot(0, (8, 0), (16, 0)), slot(1, (8, 0), (16, 0))], LIMITS) == []


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fragment"),
    [
        (datetime.date(2026, 9, 1), datetime.date(2027, 6, 30), None),
        (datetime.date(2026, 8, 1), datetime.date(2027, 6, 30), "avant l'affectation"),
        (datetime.date(2026, 9, 1), None, "au-delà de l'affectation"),
        (datetime.date(2026, 9, 1), datetime.date(2027, 8, 1), "au-delà de l'affectation"),
    ],
)
def test_slot_inside_the_assignment(valid_from, valid_until, fragment):
    s = slot(0, (8, 0), (9, 0), valid_from=valid_from, valid_until=valid_until)
    errors = rules.period_errors(s, datetime.date(2026, 9, 1), datetime.date(2027, 7, 3), "l'affectation")
    assert (errors == []) if fragment is None else fragment in errors[0]


def test_check_timetable_separates_errors_and_warnings():
    week = [slot(0, (8, 30), (11, 30), exclusive=True)]
    check = rules.check_timetable(week, contract_weekly_hours=D("24"), lunch_duty=False, notified={1: D("6")},
                                  travel_minutes={}, limits=LIMITS)
    assert check.ok and "Couverture partielle : 3 h assurées sur 6 h" in check.warnings[0]


def test_coverage_cause():
    assert rules.coverage_cause(360, 0, False) == "aucun AESH affecté"
    assert rules.coverage_cause(360, 180, True) == "couverture partielle"
    assert rules.coverage_cause(360, 360, True) == ""
    assert rules.coverage_cause(None, 0, True) == ""
    # Assigned, but nothing on the timetable yet: the next step is the timetable, not an AESH.
    assert rules.coverage_cause(360, 0, True) == "AESH désigné·e, aucun créneau"


d = datetime.date


@pytest.mark.parametrize(
    ("contract_end", "notification_end", "collective", "end", "fragment"),
    [
        (d(2027, 8, 31), d(2028, 7, 4), False, d(2027, 8, 31),
         "Fin de l'affectation fixée au 31/08/2027 : la fin du contrat de l'AESH, qui vient avant celle de la "
         "notification de l'élève (04/07/2028)."),
        (d(2028, 8, 31), d(2027, 7, 4), False, d(2027, 7, 4),
         "Fin de l'affectation fixée au 04/07/2027 : la fin de la notification de l'élève, qui vient avant celle "
         "du contrat de l'AESH (31/08/2028)."),
        (None, d(2027, 7, 4), False, d(2027, 7, 4), "la fin de la notification de l'élève (le contrat de l'AESH "
                                                    "est sans fin, CDI)."),
        (d(2027, 8, 31), None, True, d(2027, 8, 31), "la fin du contrat de l'AESH (une aide collective à une ULIS "
                                                     "n'a pas de notification)."),
        (d(2027, 8, 31), d(2027, 8, 31), False, d(2027, 8, 31), "qui est aussi celle de la notification"),
        (None, None, True, None, ""),
    ],
)
def test_default_assignment_end_is_the_earliest_and_says_why(contract_end, notification_end, collective, end,
                                                             fragment):
    taken, note = rules.default_assignment_end(contract_end, notification_end, collective=collective)
    assert taken == end
    assert fragment in note
    assert bool(note) == bool(end)
