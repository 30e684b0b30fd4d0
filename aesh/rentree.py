"""The AESH's side of the rentrée: contracts ending before or at it (the decision to take, the
legal notice date, CDI where the law requires it), the AESH's own wishes, the hours available."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch

from aesh import rules
from aesh.enums import ContractDecisionKind, ContractKind
from aesh.models import Aesh, Contract, ContractDecision, Wish
from aesh.selectors import with_current_terms
from pial.conf import setting, setting_date
from pial.models import Pole, SchoolYear

RENEWING = frozenset({ContractDecisionKind.RENEW_CDD, ContractDecisionKind.RENEW_CDI, ContractDecisionKind.AMEND})


@dataclass
class ContractLine:
    contract: Contract
    cdi: rules.CdiEligibility
    notice_date: datetime.date
    decision: ContractDecision | None

    @property
    def proposal(self) -> str:
        """What the law leaves: a CDI after 3 years of CDD, else a CDD or a CDI."""
        return ContractDecisionKind.RENEW_CDI if self.cdi.required else ContractDecisionKind.RENEW_CDD

    @property
    def proposal_label(self) -> str:
        return ContractDecisionKind(self.proposal).label

    @property
    def choices(self) -> list[tuple[str, str]]:
        """A CDD the law makes a CDI cannot be renewed as a CDD."""
        excluded = ContractDecisionKind.RENEW_CDD if self.cdi.required else None
        return [(v, label) for v, label in ContractDecisionKind.choices if v != excluded]


def eligibility(contract: Contract) -> tuple[rules.CdiEligibility, datetime.date]:
    cdi = rules.cdi_at_renewal(
        [c.period for c in contract.aesh.contracts.all()], contract.period,
        reform_date=setting_date("CDI_REFORM_DATE"), years=setting("CDI_SERVICE_YEARS"),
        years_before_reform=setting("CDI_SERVICE_YEARS_BEFORE_REFORM"),
        max_gap_months=setting("CONTINUITY_MAX_GAP_MONTHS"))
    notice = rules.renewal_notice_date(contract.end_date, renewal_is_cdi=cdi.required,
                                       months=setting("RENEWAL_NOTICE_MONTHS"),
                                       months_cdi=setting("RENEWAL_NOTICE_MONTHS_CDI"))
    return cdi, notice


def contracts_to_decide(pole: Pole, current: SchoolYear, year: SchoolYear) -> list[ContractLine]:
    """CDD of the pôle ending during year N, up to the rentrée of `year`, not yet followed by a
    new contract."""
    successor = Contract.objects.filter(aesh=OuterRef("aesh"), start_date__gt=OuterRef("end_date"))
    contracts = (Contract.objects.filter(aesh__home_pole=pole, kind=ContractKind.CDD,
                                         end_date__gte=current.start_date, end_date__lte=year.start_date)
                 .annotate(renewed=Exists(successor)).filter(renewed=False)
                 .select_related("aesh")
                 .prefetch_related(Prefetch("aesh__contracts", queryset=Contract.objects.order_by("start_date")),
                                   Prefetch("decisions", queryset=ContractDecision.objects.filter(year=year),
                                            to_attr="for_year"))
                 .order_by("end_date", "aesh__last_name", "pk"))
    lines = []
    for contract in contracts:
        cdi, notice = eligibility(contract)
        lines.append(ContractLine(contract=contract, cdi=cdi, notice_date=notice,
                                  decision=contract.for_year[0] if contract.for_year else None))
    return lines


def wishes_of(pole: Pole, year: SchoolYear) -> list[Wish]:
    return list(Wish.objects.filter(aesh__home_pole=pole, year=year).select_related("aesh")
                .prefetch_related("schools").order_by("aesh__last_name", "aesh__first_name", "pk"))


def hours_available(pole: Pole, year: SchoolYear, lines: list[ContractLine]) -> Decimal:
    """Weekly hours of the pôle's contracts in force at the rentrée, their accepted avenants
    applied (as the dashboard reads them, one query), plus those renewed by a decision."""
    day = year.start_date
    in_force = (with_current_terms(Aesh.objects.filter(home_pole=pole), day)
                .filter(contract_id_now__isnull=False)
                .exclude(contract_id_now__in=[line.contract.pk for line in lines])
                .values_list("weekly_hours_now", flat=True))
    renewed = sum((line.contract.weekly_hours for line in lines
                   if line.decision and line.decision.decision in RENEWING), Decimal(0))
    return sum(in_force, Decimal(0)) + renewed


def aesh_of_user(user, pole_id) -> Aesh | None:
    return Aesh.objects.filter(user=user, home_pole_id=pole_id).first()
