"""Table-driven tests of the contract and training rules (pure functions)."""

import datetime
from decimal import Decimal as D

import pytest

from aesh import rules

d = datetime.date


@pytest.mark.parametrize(
    ("weekly", "weeks", "base", "rounding", "expected"),
    [
        (D("24"), 41, 1607, "UP", D("62")),          # 61.2 % written 62 % on contracts
        (D("39.2"), 41, 1607, "UP", D("100")),       # 39 h 12 over 41 weeks: full time
        (D("24"), 45, 1607, "UP", D("68")),          # 45-week contract: 67.2 % → 68 %
        (D("24"), 41, 1593, "UP", D("62")),          # 1 593 h base: 61.8 % → 62 %
        (D("20"), 41, 1593, "UP", D("52")),          # 51.5 % → 52 %
        (D("24"), 41, 1607, "NEAREST", D("61")),
        (D("24"), 41, 1607, "NONE", D("61.2")),
        (D("19.6"), 41, 1607, "UP", D("51")),        # 50.006 % rounds up to 51 %
        (D("39.5"), 41, 1607, "UP", D("100")),       # never above 100 %
    ],
)
def test_computed_quotite(weekly, weeks, base, rounding, expected):
    assert rules.computed_quotite(weekly, weeks, base, rounding) == expected


@pytest.mark.parametrize(
    ("weekly", "weeks", "base", "rounding", "value", "sentence"),
    [
        (D("24"), 41, 1607, "UP", D("62"), "Quotité contractuelle calculée : 24 h × 41 semaines ÷ 1607 h = 62 % "
                                          "(61,2 %, arrondi au pourcent supérieur)."),
        (D("24.5"), 41, 1593, "NEAREST", D("63"), "Quotité contractuelle calculée : 24 h 30 × 41 semaines "
                                                 "÷ 1593 h = 63 % (63,1 %, arrondi au pourcent le plus proche)."),
        (D("24"), 41, 1607, "NONE", D("61.2"), "Quotité contractuelle calculée : 24 h × 41 semaines ÷ 1607 h "
                                              "= 61,2 %."),
        (D("39.2"), 41, 1607, "UP", D("100"), "Quotité contractuelle calculée : 39 h 12 × 41 semaines ÷ 1607 h "
                                             "= 100 %."),
    ],
)
def test_proposed_quotite_says_how_it_was_computed(weekly, weeks, base, rounding, value, sentence):
    assert rules.proposed_quotite(weekly, weeks, base, rounding) == (value, sentence)


@pytest.mark.parametrize(
    ("weekly", "weeks", "expected"),
    [(D("24"), 41, D("120")), (D("24"), 45, D("216")), (D("39.2"), 41, D("196")), (D("24"), 36, D("0"))],
)
def test_connexe_hours(weekly, weeks, expected):
    assert rules.connexe_hours(weekly, weeks, 36) == expected


def test_annual_hours():
    assert rules.annual_hours(D("24"), 41) == D("984")


@pytest.mark.parametrize(
    ("accompaniment", "referent", "ok"),
    [(D("62"), D("0.25"), True), (D("50"), D("0.5"), True), (D("62"), D("0.5"), False),
     (D("100"), D("0"), True), (D("76"), D("0.25"), False)],
)
def test_total_quotite(accompaniment, referent, ok):
    message = rules.total_quotite_error(accompaniment, referent)
    assert (message is None) == ok
    if not ok:
        assert "dépasse 100 %" in message


@pytest.mark.parametrize(
    ("value", "ok"),
    [(D("0"), True), (D("0.25"), True), (D("1"), True), (D("0.2"), False), (D("1.5"), False)],
)
def test_referent_quotite_bounds(value, ok):
    message = rules.referent_quotite_error(value, D("0.25"), D("1"))
    assert (message is None) == ok
    if not ok:
        assert "entre 0,25 et 1 ETP" in message


@pytest.mark.parametrize(("weeks", "ok"), [(41, True), (45, True), (40, False), (46, False)])
def test_weeks_bounds(weeks, ok):
    assert (rules.weeks_error(weeks, 41, 45) is None) == ok


def test_weekly_hours_beyond_full_time_is_rejected_in_french():
    assert rules.weekly_hours_error(D("39.2"), 1607, 41) is None
    message = rules.weekly_hours_error(D("42"), 1607, 41)
    assert "dépassent un temps plein" in message and "42 h" in message
    assert "positif" in rules.weekly_hours_error(D("0"), 1607, 41)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((d(2024, 9, 1), d(2027, 8, 31)), (d(2027, 9, 1), None), False),
        ((d(2024, 9, 1), d(2027, 8, 31)), (d(2027, 8, 31), None), True),
        ((d(2024, 9, 1), None), (d(2030, 1, 1), d(2031, 1, 1)), True),
        ((d(2024, 9, 1), d(2025, 8, 31)), (d(2023, 9, 1), d(2024, 9, 1)), True),
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(rules.Period(*a), rules.Period(*b)) == overlap
    message = rules.overlap_error(rules.Period(*a), [rules.Period(*b)])
    assert (message is not None) == overlap
    if overlap:
        assert "chevauche un autre contrat" in message


def test_end_before_start_is_rejected():
    assert "doit suivre" in rules.period_error(rules.Period(d(2025, 9, 1), d(2025, 8, 1)))


FIRST = rules.Period(d(2022, 9, 1), d(2023, 8, 31))  # one year of CDD


@pytest.mark.parametrize(
    ("second", "required", "days"),
    [
        # Gap of 3 months: service stays continuous, 1 + 2 years = 3 years → CDI.
        (rules.Period(d(2023, 12, 1), d(2025, 11, 30)), True, 365 + 731),
        # Gap of 5 months: service starts again, only 2 years → CDD possible.
        (rules.Period(d(2024, 2, 1), d(2026, 1, 31)), False, 731),
        # Gap of exactly 4 months: still continuous.
        (rules.Period(d(2023, 12, 31), d(2025, 12, 30)), True, 365 + 731),
    ],
)
def test_cdi_at_renewal_with_gaps(second, required, days):
    result = rules.cdi_at_renewal([FIRST, second], second, reform_date=d(2023, 9, 1))
    assert result.required is required
    assert result.service_days == days
    assert ("ne peut être qu'un CDI" in result.reason) is required


def test_before_the_reform_six_years_were_needed():
    three_years = rules.Period(d(2019, 9, 1), d(2022, 8, 31))
    result = rules.cdi_at_renewal([three_years], three_years, reform_date=d(2023, 9, 1))
    assert result.required is False and result.threshold_years == 6
    after = rules.Period(d(2023, 9, 1), d(2026, 8, 31))
    assert rules.cdi_at_renewal([after], after, reform_date=d(2023, 9, 1)).required is True


def test_part_time_counts_in_full():
    # Periods carry no quotité: a 50 % CDD of 3 years is 3 years of service.
    half_time = rules.Period(d(2023, 9, 1), d(2026, 8, 31))
    assert rules.cdi_at_renewal([half_time], half_time, reform_date=d(2023, 9, 1)).required


@pytest.mark.parametrize(
    ("end", "cdi", "expected"),
    [(d(2026, 8, 31), False, d(2026, 6, 30)), (d(2026, 8, 31), True, d(2026, 5, 31))],
)
def test_renewal_notice_date(end, cdi, expected):
    assert rules.renewal_notice_date(end, renewal_is_cdi=cdi) == expected


def test_default_cdd_lasts_three_years():
    assert rules.default_cdd_end(d(2025, 9, 1)) == d(2028, 8, 31)


def test_terms_on_applies_amendments_in_force_in_date_order():
    base = rules.Terms(weekly_hours=D("24"), weeks=41, annual_base=1607, contractual_quotite=D("62"))
    changes = [
        rules.Change(effective_date=d(2026, 1, 5), referent_quotite=D("0.25")),
        rules.Change(effective_date=d(2025, 11, 3), weekly_hours=D("20"), contractual_quotite=D("52")),
        rules.Change(effective_date=d(2026, 9, 1), weekly_hours=D("30")),
    ]
    on = rules.terms_on(base, changes, d(2026, 2, 1))
    assert (on.weekly_hours, on.contractual_quotite, on.referent_quotite) == (D("20"), D("52"), D("0.25"))
    assert rules.terms_on(base, changes, d(2025, 10, 1)) == base


def test_terms_errors_name_the_field():
    terms = rules.Terms(weekly_hours=D("24"), weeks=41, annual_base=1607,
                        contractual_quotite=D("62"), referent_quotite=D("0.5"))
    errors = rules.terms_errors(terms, weeks_bounds=(41, 45), referent_bounds=(D("0.25"), D("1")))
    assert errors and errors[0][0] == "referent_quotite" and "100 %" in errors[0][1]


@pytest.mark.parametrize(
    ("start", "rule", "year_end", "expected"),
    [
        (d(2025, 9, 1), "END_OF_FIRST_SCHOOL_YEAR", d(2026, 7, 4), d(2026, 7, 4)),
        (d(2025, 9, 1), "END_OF_FIRST_SCHOOL_YEAR", None, d(2026, 8, 31)),
        (d(2026, 2, 2), "END_OF_FIRST_SCHOOL_YEAR", None, d(2026, 8, 31)),
        (d(2025, 9, 1), "12", None, d(2026, 9, 1)),
    ],
)
def test_adaptation_due_date(start, rule, year_end, expected):
    assert rules.adaptation_due_date(start, rule, year_end) == expected


@pytest.mark.parametrize(
    ("done", "today", "late", "percent"),
    [(D("60"), d(2027, 1, 1), False, 100), (D("30"), d(2026, 6, 1), False, 50),
     (D("30"), d(2026, 9, 1), True, 50), (D("72"), d(2027, 1, 1), False, 100)],
)
def test_training_progress(done, today, late, percent):
    progress = rules.TrainingProgress(done=done, required=D("60"), due=d(2026, 8, 31), today=today)
    assert progress.late is late and progress.percent == percent
    if late:
        assert "En retard" in progress.label and "30 h restantes" in progress.label


def test_amendment_answer_deadline_is_one_month():
    assert rules.amendment_answer_deadline(d(2026, 1, 31)) == d(2026, 2, 28)


def test_an_overlap_with_an_open_ended_contract_says_from_when():
    d = datetime.date
    message = rules.overlap_error(rules.Period(d(2031, 1, 1), None), [rules.Period(d(2030, 9, 1), None)])
    assert message == ("Ce contrat chevauche un autre contrat du même AESH (à partir du 01/09/2030, "
                       "sans date de fin).")
    message = rules.overlap_error(rules.Period(d(2031, 1, 1), None), [rules.Period(d(2030, 9, 1), d(2031, 8, 31))])
    assert message == "Ce contrat chevauche un autre contrat du même AESH (du 01/09/2030 au 31/08/2031)."
