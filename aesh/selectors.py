"""Reads about AESH that feed pages and reports. Each starts from the acting scope."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, replace
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from aesh import rules
from aesh.enums import AmendmentState, ContractKind, TrainingKind
from aesh.models import Aesh, Amendment, Contract, Training
from pial.conf import setting, setting_date
from pial.models import School, SchoolYear
from pial.scope import Scope

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=6, decimal_places=2))

SORTS = {
    "nom": ("last_name", "first_name"),
    "-nom": ("-last_name", "-first_name"),
    "fin": ("contract_end_now", "last_name"),
    "-fin": ("-contract_end_now", "last_name"),
    "heures": ("weekly_hours_now", "last_name"),
    "-heures": ("-weekly_hours_now", "last_name"),
}


def _in_force(day: datetime.date) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(aesh=OuterRef("pk")).in_force_on(day).order_by("-start_date")
    )


def _latest_amended(field: str, day: datetime.date) -> QuerySet[Amendment]:
    """Value of `field` from the latest accepted amendment in force on `day`."""
    return (
        Amendment.objects.filter(
            contract__aesh=OuterRef("pk"), contract__start_date__lte=day,
            state=AmendmentState.ACCEPTED, effective_date__lte=day, **{f"{field}__isnull": False},
        )
        .filter(Q(contract__end_date__isnull=True) | Q(contract__end_date__gte=day))
        .order_by("-effective_date", "-pk")
        .values(field)[:1]
    )


def with_current_terms(queryset: QuerySet[Aesh], day: datetime.date) -> QuerySet[Aesh]:
    """Annotates each AESH with the contract in force on `day` and its amended terms,
    and their adaptation training hours: one query, whatever the number of AESH."""
    return queryset.annotate(**_current_terms(day))


@functools.lru_cache(maxsize=16)
def _current_terms(day: datetime.date) -> dict:
    """The annotations of `with_current_terms`, built once per day: building their eight
    subqueries cost more than compiling them. Unresolved expressions, never changed in place
    (annotate() resolves a copy), so each queryset that uses them gets the same SQL."""
    in_force = _in_force(day)
    decimal = DecimalField(max_digits=6, decimal_places=2)
    adaptation = (
        Training.objects.filter(aesh=OuterRef("pk"), kind=TrainingKind.ADAPTATION)
        .values("aesh").annotate(total=Sum("hours")).values("total")
    )
    return {
        "contract_id_now": Subquery(in_force.values("pk")[:1]),
        "contract_kind_now": Subquery(in_force.values("kind")[:1]),
        "contract_end_now": Subquery(in_force.values("end_date")[:1]),
        "weekly_hours_now": Coalesce(
            Subquery(_latest_amended("weekly_hours", day)),
            Subquery(in_force.values("weekly_hours")[:1]), output_field=decimal,
        ),
        "referent_now": Coalesce(
            Subquery(_latest_amended("referent_quotite", day)),
            Subquery(in_force.values("referent_quotite")[:1]), output_field=decimal,
        ),
        "adaptation_hours": Coalesce(Subquery(adaptation, output_field=decimal), ZERO),
    }


def with_current_quotite(queryset: QuerySet[Aesh], day: datetime.date) -> QuerySet[Aesh]:
    """Annotates the contractual quotité (percent) in force on `day`, amendments applied."""
    return queryset.annotate(quotite_now=Coalesce(
        Subquery(_latest_amended("contractual_quotite", day)),
        Subquery(_in_force(day).values("contractual_quotite")[:1]),
        output_field=DecimalField(max_digits=5, decimal_places=2),
    ))


@dataclass(frozen=True)
class AeshFilters:
    search: str = ""
    school_id: int | None = None
    ending_within_months: int | None = None
    training_late: bool = False
    referent: bool = False
    without_contract: bool = False
    sort: str = "nom"


def aesh_list(scope: Scope, filters: AeshFilters, today: datetime.date) -> QuerySet[Aesh]:
    """The AESH list of a coordinator: filtered, sorted, with current terms annotated."""
    queryset = with_current_terms(Aesh.objects.visible_to(scope), today)
    if filters.search:
        for word in filters.search.split():
            queryset = queryset.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
            )
    if filters.school_id:
        queryset = queryset.filter(schools=filters.school_id)
    if filters.ending_within_months:
        horizon = today + relativedelta(months=filters.ending_within_months)
        queryset = queryset.filter(contract_end_now__gte=today, contract_end_now__lte=horizon)
    if filters.training_late:
        queryset = queryset.filter(
            training_due_date__lt=today, adaptation_hours__lt=setting("ADAPTATION_TRAINING_HOURS")
        )
    if filters.referent:
        queryset = queryset.filter(referent_now__gt=0)
    if filters.without_contract:
        queryset = queryset.filter(contract_id_now__isnull=True)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["nom"])).prefetch_related("schools")


def aesh_for_detail(scope: Scope) -> QuerySet[Aesh]:
    """AESH with everything their page shows, prefetched (constant queries)."""
    amendments = Amendment.objects.prefetch_related("schools").order_by("effective_date", "pk")
    contracts = Contract.objects.prefetch_related(
        Prefetch("amendments", queryset=amendments)
    ).order_by("-start_date")
    return (
        Aesh.objects.visible_to(scope)
        .select_related("home_pole", "user")
        .prefetch_related(
            "schools",
            Prefetch("contracts", queryset=contracts),
            Prefetch("trainings", queryset=Training.objects.order_by("-date")),
        )
    )


def terms_of(contract: Contract, day: datetime.date, base_school_ids: frozenset[int]) -> rules.Terms:
    """What `contract` says on `day`: its accepted amendments applied (prefetched)."""
    changes = [
        a.change(frozenset(s.pk for s in a.schools.all()))
        for a in contract.amendments.all()
        if a.effective_state(day) == AmendmentState.ACCEPTED
    ]
    base = replace(contract.base_terms(), school_ids=base_school_ids)
    return rules.terms_on(base, changes, day)


def contract_on(aesh: Aesh, day: datetime.date) -> Contract | None:
    """The contract of `aesh` in force on `day` (from prefetched contracts)."""
    return next((c for c in aesh.contracts.all() if c.period.contains(day)), None)


@dataclass(frozen=True)
class ContractFigures:
    contract: Contract
    terms: rules.Terms
    annual_hours: Decimal
    computed_quotite: Decimal
    exact_quotite: Decimal
    quotite_gap: Decimal
    connexe_hours: Decimal
    cdi: rules.CdiEligibility | None
    renewal_notice: datetime.date | None

    @property
    def total_quotite(self) -> Decimal:
        return self.terms.contractual_quotite + self.terms.referent_quotite * 100


def contract_figures(aesh: Aesh, contract: Contract, day: datetime.date) -> ContractFigures:
    """Quotité, connexe hours, CDI eligibility and renewal notice of a contract on `day`."""
    school_ids = frozenset(s.pk for s in aesh.schools.all())
    terms = terms_of(contract, max(day, contract.start_date), school_ids)
    computed = terms.computed_quotite(setting("QUOTITE_ROUNDING"))
    cdi = renewal = None
    if contract.kind == ContractKind.CDD and contract.end_date:
        cdi = rules.cdi_at_renewal(
            [c.period for c in aesh.contracts.all()], contract.period,
            reform_date=setting_date("CDI_REFORM_DATE"), years=setting("CDI_SERVICE_YEARS"),
            years_before_reform=setting("CDI_SERVICE_YEARS_BEFORE_REFORM"),
            max_gap_months=setting("CONTINUITY_MAX_GAP_MONTHS"),
        )
        renewal = rules.renewal_notice_date(
            contract.end_date, renewal_is_cdi=cdi.required,
            months=setting("RENEWAL_NOTICE_MONTHS"), months_cdi=setting("RENEWAL_NOTICE_MONTHS_CDI"),
        )
    return ContractFigures(
        contract=contract, terms=terms,
        annual_hours=rules.annual_hours(terms.weekly_hours, terms.weeks),
        computed_quotite=computed,
        exact_quotite=rules.exact_quotite(terms.weekly_hours, terms.weeks, terms.annual_base),
        quotite_gap=rules.quotite_gap(terms.contractual_quotite, computed),
        connexe_hours=rules.connexe_hours(terms.weekly_hours, terms.weeks, setting("SCHOOL_WEEKS")),
        cdi=cdi, renewal_notice=renewal,
    )


def training_progress(aesh: Aesh, day: datetime.date) -> rules.TrainingProgress:
    done = sum(
        (t.hours for t in aesh.trainings.all() if t.kind == TrainingKind.ADAPTATION), Decimal(0)
    )
    return rules.TrainingProgress(
        done=done, required=Decimal(setting("ADAPTATION_TRAINING_HOURS")),
        due=aesh.training_due_date, today=day,
    )


def adaptation_due_for(first_contract_start: datetime.date) -> datetime.date:
    """Due date of the 60 hours for an AESH whose first contract starts then."""
    year = (
        SchoolYear.objects.filter(start_date__lte=first_contract_start + relativedelta(months=1),
                                  end_date__gte=first_contract_start)
        .order_by("start_date").first()
    )
    return rules.adaptation_due_date(
        first_contract_start, setting("ADAPTATION_TRAINING_DUE"),
        year.end_date if year else None,
    )


def contracts_ending(scope: Scope, today: datetime.date, months: int) -> QuerySet[Contract]:
    """Contracts in the scope ending between today and `months` months from now."""
    return (
        Contract.objects.visible_to(scope)
        .filter(end_date__gte=today, end_date__lte=today + relativedelta(months=months))
        .select_related("aesh", "aesh__home_pole")
        .order_by("end_date")
    )


def schools_of(aesh, day: datetime.date) -> QuerySet[School]:
    """Where the AESH works: their schools of exercise, and the schools of their assignments and
    time slots in force (reverse lookups: the timetables live upstairs)."""
    current_slot = Q(time_slots__aesh=aesh, time_slots__valid_from__lte=day) & (
        Q(time_slots__valid_until__isnull=True) | Q(time_slots__valid_until__gte=day))
    in_force = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    assignment_ids = aesh.assignments.filter(in_force).values("pk")
    return (School.objects.filter(
        Q(aesh=aesh) | current_slot | Q(students__assignments__in=assignment_ids)
        | Q(ulis_units__assignments__in=assignment_ids))
        .filter(pole_id=aesh.home_pole_id).select_related("circonscription", "pole__circonscription")
        .distinct().order_by("name"))
