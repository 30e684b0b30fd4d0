"""Pure rules about AESH contracts and training: no ORM, no settings.

Forms, the admin, imports, tasks and the planner all call these, passing
the configured values (pial.conf) explicitly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from pial.durations import format_hours

HUNDRED = Decimal(100)
ONE_DAY = datetime.timedelta(days=1)


# --- Quotité ---------------------------------------------------------------

def annual_hours(weekly_hours: Decimal, weeks: int) -> Decimal:
    """Hours paid per year: the weekly timetable times the contract's weeks."""
    return Decimal(weekly_hours) * weeks


def exact_quotite(weekly_hours: Decimal, weeks: int, annual_base: int) -> Decimal:
    """Quotité in percent, unrounded: 24 h × 41 w / 1 607 h = 61.23…"""
    return annual_hours(weekly_hours, weeks) * HUNDRED / Decimal(annual_base)


def computed_quotite(
    weekly_hours: Decimal, weeks: int, annual_base: int, rounding: str = "UP"
) -> Decimal:
    """Quotité in whole percent as written on contracts, never above 100 %.

    rounding: UP (common practice: 61.2 % → 62 %), NEAREST, or NONE (one decimal).
    """
    exact = exact_quotite(weekly_hours, weeks, annual_base)
    if rounding == "UP":
        value = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).to_integral_value(ROUND_CEILING)
    elif rounding == "NEAREST":
        value = exact.to_integral_value(ROUND_HALF_UP)
    else:
        value = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return min(value, HUNDRED)


ROUNDING_WORDS = {"UP": "arrondi au pourcent supérieur", "NEAREST": "arrondi au pourcent le plus proche"}


def proposed_quotite(
    weekly_hours: Decimal, weeks: int, annual_base: int, rounding: str = "UP"
) -> tuple[Decimal, str]:
    """The quotité a contract takes when the field is left blank, and the French sentence that
    shows the computation: « Quotité contractuelle calculée : 24 h × 41 semaines ÷ 1607 h = 62 % »."""
    value = computed_quotite(weekly_hours, weeks, annual_base, rounding)
    sentence = (
        f"Quotité contractuelle calculée : {format_hours(weekly_hours)} × {weeks} semaines "
        f"÷ {annual_base} h = {_fr(value)} %"
    )
    exact = exact_quotite(weekly_hours, weeks, annual_base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounding in ROUNDING_WORDS and exact != value:
        sentence += f" ({_fr(exact)} %, {ROUNDING_WORDS[rounding]})"
    return value, sentence + "."


def connexe_hours(weekly_hours: Decimal, weeks: int, school_weeks: int = 36) -> Decimal:
    """Yearly 'invisible' hours: the weeks paid beyond the school weeks (activités connexes)."""
    return Decimal(weekly_hours) * max(weeks - school_weeks, 0)


def quotite_gap(contractual: Decimal, computed: Decimal) -> Decimal:
    """Contractual minus computed quotité, in points; non-zero means the page flags it."""
    return Decimal(contractual) - Decimal(computed)


def weeks_error(weeks: int, minimum: int, maximum: int) -> str | None:
    if weeks is None or not minimum <= weeks <= maximum:
        return f"Un contrat compte entre {minimum} et {maximum} semaines."
    return None


def annual_base_error(annual_base: int | None) -> str | None:
    """The hours of a full-time year divide every quotité: never zero."""
    if not annual_base or annual_base <= 0:
        return "La base annuelle d'un temps plein doit être un nombre d'heures positif (1 607 h en général)."
    return None


def weekly_hours_error(weekly_hours: Decimal, annual_base: int, weeks: int) -> str | None:
    """Weekly hours must be positive and fit a full-time year."""
    if weekly_hours is None or weekly_hours <= 0:
        return "Le nombre d'heures hebdomadaires doit être positif."
    if exact_quotite(weekly_hours, weeks, annual_base) > Decimal("100.5"):
        full = (Decimal(annual_base) / weeks).quantize(Decimal("0.01"))
        return (
            f"{format_hours(weekly_hours)} par semaine sur {weeks} semaines dépassent un temps plein "
            f"({format_hours(full)} par semaine)."
        )
    return None


def referent_quotite_error(value: Decimal, minimum: Decimal, maximum: Decimal) -> str | None:
    """Référent time is 0 (none) or between the bounds, in ETP."""
    if value is None or value == 0:
        return None
    if not minimum <= value <= maximum:
        return (
            f"La quotité de référent doit être comprise entre {_fr(minimum)} et "
            f"{_fr(maximum)} ETP (reçu : {_fr(value)})."
        )
    return None


def total_quotite_error(accompaniment_percent: Decimal, referent_etp: Decimal) -> str | None:
    """Accompaniment plus référent time never exceeds 100 %."""
    referent_percent = Decimal(referent_etp or 0) * HUNDRED
    total = Decimal(accompaniment_percent) + referent_percent
    if total > HUNDRED:
        return (
            f"La quotité totale dépasse 100 % : accompagnement {_fr(accompaniment_percent)} % "
            f"+ référent {_fr(referent_percent)} % = {_fr(total)} %."
        )
    return None


# --- Periods, continuity, CDI --------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date | None  # None: open-ended (CDI)

    def days(self, until: datetime.date | None = None) -> int:
        last = self.end if until is None else min(self.end or until, until)
        return max((last - self.start).days + 1, 0) if last else 0

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def periods_overlap(a: Period, b: Period) -> bool:
    a_end = a.end or datetime.date.max
    b_end = b.end or datetime.date.max
    return a.start <= b_end and b.start <= a_end


def period_error(period: Period) -> str | None:
    if period.end is not None and period.end <= period.start:
        return "La date de fin doit suivre la date de début."
    return None


def overlap_error(new: Period, others: Iterable[Period]) -> str | None:
    for other in others:
        if periods_overlap(new, other):
            period = (f"du {_date_fr(other.start)} au {_date_fr(other.end)}" if other.end
                      else f"à partir du {_date_fr(other.start)}, sans date de fin")
            return f"Ce contrat chevauche un autre contrat du même AESH ({period})."
    return None


def continuous_chains(periods: Iterable[Period], max_gap_months: int = 4) -> list[list[Period]]:
    """Groups contracts into continuous service: a gap of at most `max_gap_months`
    between two contracts keeps the service continuous."""
    chains: list[list[Period]] = []
    for period in sorted(periods, key=lambda p: p.start):
        if chains:
            previous_end = chains[-1][-1].end
            limit = None if previous_end is None else previous_end + relativedelta(months=max_gap_months)
            if limit is None or period.start <= limit + ONE_DAY:
                chains[-1].append(period)
                continue
        chains.append([period])
    return chains


def service_days(chain: Sequence[Period], until: datetime.date | None = None) -> int:
    """Days of service in a chain; part-time counts as full time."""
    return sum(p.days(until) for p in chain)


@dataclass(frozen=True)
class CdiEligibility:
    required: bool
    service_days: int
    threshold_years: int
    reason: str


def cdi_at_renewal(
    periods: Iterable[Period],
    current: Period,
    *,
    reform_date: datetime.date,
    years: int = 3,
    years_before_reform: int = 6,
    max_gap_months: int = 4,
) -> CdiEligibility:
    """Whether renewing `current` (a CDD) can only be done as a CDI.

    Since 1 Sept 2023, a renewal after 3 years of continuous service in CDD is a
    CDI (6 years before). Part-time counts in full; gaps of at most 4 months
    keep the service continuous.
    """
    if current.end is None:
        return CdiEligibility(False, 0, years, "Le contrat est déjà un CDI.")
    renewal = current.end + ONE_DAY
    threshold = years if renewal >= reform_date else years_before_reform
    chain = next(
        (c for c in continuous_chains(periods, max_gap_months) if current in c), [current]
    )
    served = service_days(chain, until=current.end)
    required = served >= 365 * threshold
    years_served = Decimal(served) / Decimal(365)
    reason = (
        f"{_fr(years_served.quantize(Decimal('0.1')))} an(s) de service continu à la fin du contrat "
        f"(seuil : {threshold} ans) : "
        + ("le renouvellement ne peut être qu'un CDI." if required else "renouvellement possible en CDD.")
    )
    return CdiEligibility(required, served, threshold, reason)


def renewal_notice_date(
    end: datetime.date, *, renewal_is_cdi: bool, months: int = 2, months_cdi: int = 3
) -> datetime.date:
    """Date by which the employer states its intention to renew (2 months, 3 for a CDI)."""
    return end - relativedelta(months=months_cdi if renewal_is_cdi else months)


def default_cdd_end(start: datetime.date, years: int = 3) -> datetime.date:
    return start + relativedelta(years=years) - ONE_DAY


# --- Amendments (avenants) ---------------------------------------------------

def amendment_answer_deadline(proposed_on: datetime.date, months: int = 1) -> datetime.date:
    """The agent has one month to answer; silence is refusal."""
    return proposed_on + relativedelta(months=months)


@dataclass(frozen=True)
class Terms:
    """What a contract says on a given day, once its accepted amendments apply."""

    weekly_hours: Decimal
    weeks: int
    annual_base: int
    contractual_quotite: Decimal
    referent_quotite: Decimal = Decimal(0)
    lunch_duty: bool = False
    school_ids: frozenset[int] = field(default_factory=frozenset)

    def computed_quotite(self, rounding: str = "UP") -> Decimal:
        return computed_quotite(self.weekly_hours, self.weeks, self.annual_base, rounding)


@dataclass(frozen=True)
class Change:
    """The fields an amendment changes (None: unchanged)."""

    effective_date: datetime.date
    weekly_hours: Decimal | None = None
    weeks: int | None = None
    contractual_quotite: Decimal | None = None
    referent_quotite: Decimal | None = None
    lunch_duty: bool | None = None
    school_ids: frozenset[int] | None = None


def terms_on(base: Terms, changes: Iterable[Change], day: datetime.date) -> Terms:
    """The contract's terms on `day`: the base overlaid by changes in force, in date order."""
    terms = base
    for change in sorted(changes, key=lambda c: c.effective_date):
        if change.effective_date > day:
            break
        updates = {
            name: getattr(change, name)
            for name in ("weekly_hours", "weeks", "contractual_quotite", "referent_quotite",
                         "lunch_duty", "school_ids")
            if getattr(change, name) is not None
        }
        terms = replace(terms, **updates)
    return terms


def terms_errors(terms: Terms, *, weeks_bounds: tuple[int, int],
                 referent_bounds: tuple[Decimal, Decimal]) -> list[tuple[str, str]]:
    """Every rule a set of terms must respect, as (field, French message) pairs."""
    errors = []
    if message := weeks_error(terms.weeks, *weeks_bounds):
        errors.append(("weeks", message))
    elif message := annual_base_error(terms.annual_base):
        errors.append(("annual_base", message))
    elif message := weekly_hours_error(terms.weekly_hours, terms.annual_base, terms.weeks):
        errors.append(("weekly_hours", message))
    message = referent_quotite_error(terms.referent_quotite, *referent_bounds) or total_quotite_error(
        terms.contractual_quotite, terms.referent_quotite
    )
    if message:
        errors.append(("referent_quotite", message))
    if not Decimal(0) < Decimal(terms.contractual_quotite) <= HUNDRED:
        errors.append(("contractual_quotite", "La quotité contractuelle doit être comprise entre 1 et 100 %."))
    return errors


# --- Adaptation training (60 hours) ------------------------------------------------

def adaptation_due_date(
    first_contract_start: datetime.date, rule: str, school_year_end: datetime.date | None = None
) -> datetime.date:
    """Due date of the adaptation training.

    rule "END_OF_FIRST_SCHOOL_YEAR": end of the school year in which the first
    contract started (given, or 31 August by default); a number: that many
    months after the first contract's start.
    """
    if str(rule).isdigit():
        return first_contract_start + relativedelta(months=int(rule))
    if school_year_end is not None:
        return school_year_end
    year = first_contract_start.year + (1 if first_contract_start.month >= 9 else 0)
    return datetime.date(year, 8, 31)


@dataclass(frozen=True)
class TrainingProgress:
    done: Decimal
    required: Decimal
    due: datetime.date | None
    today: datetime.date

    @property
    def remaining(self) -> Decimal:
        return max(self.required - self.done, Decimal(0))

    @property
    def complete(self) -> bool:
        return self.done >= self.required

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return int(min(self.done / self.required, 1) * 100)

    @property
    def late(self) -> bool:
        return not self.complete and self.due is not None and self.today > self.due

    @property
    def label(self) -> str:
        if self.complete:
            return "Formation d'adaptation terminée"
        if self.late:
            return f"En retard : {format_hours(self.remaining)} restantes, échéance dépassée le {_date_fr(self.due)}"
        due = f" avant le {_date_fr(self.due)}" if self.due else ""
        return f"{format_hours(self.remaining)} restantes{due}"


# --- French formatting -----------------------------------------------------------

def _fr(value: Decimal) -> str:
    """12.50 → '12,5'; 62.00 → '62'."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _date_fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
