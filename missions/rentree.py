"""« Préparer la rentrée »: everything a pôle's coordination works out from April for year N+1,
and the dry-run summary (the figures the DSDEN needs for recruitment)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from aesh.enums import ContractDecisionKind
from aesh.models import Wish
from aesh.rentree import RENEWING, ContractLine, contracts_to_decide, hours_available, wishes_of
from eleves.enums import TransferState
from eleves.models import Notification, Transfer
from eleves.rentree import (
    LEAVES,
    MOVES,
    STAYS,
    UNKNOWN,
    StudentLine,
    incoming_transfers,
    renewals_to_follow,
    students_of,
)
from missions.models import MissionLetter
from pial.models import Pole, SchoolYear


@dataclass
class Preparation:
    pole: Pole
    current: SchoolYear
    year: SchoolYear
    students: list[StudentLine]
    incoming: list[Transfer]
    renewals: list[Notification]
    contracts: list[ContractLine]
    wishes: list[Wish]
    letters: list[MissionLetter]
    summary: dict = field(default_factory=dict)


def summarize(students: list[StudentLine], incoming: list[Transfer], renewals: list[Notification],
              contracts: list[ContractLine], available: Decimal) -> dict:
    outcomes = [p.outcome for p in students]
    accepted_in = [t for t in incoming if t.state in (TransferState.ACCEPTED, TransferState.DONE)]
    hours_in = sum((sum((n.weekly_hours or Decimal(0) for n in t.student.at_rentree
                         if n.aid_kind == "INDIVIDUELLE"), Decimal(0)) for t in accepted_in), Decimal(0))
    notified = sum((p.hours for p in students if p.outcome == STAYS or p.outcome == UNKNOWN), Decimal(0)) + hours_in
    decided = [c for c in contracts if c.decision]
    return {
        "staying": outcomes.count(STAYS),
        "moving_in": len(accepted_in),
        "moving_in_proposed": sum(1 for t in incoming if t.state == TransferState.PROPOSED),
        "moving_out": outcomes.count(MOVES),
        "leaving": outcomes.count(LEAVES),
        "unknown_school": outcomes.count(UNKNOWN),
        "contracts_ending": len(contracts),
        "contracts_renewed": sum(1 for c in decided if c.decision.decision in RENEWING),
        "contracts_ended": sum(1 for c in decided if c.decision.decision == ContractDecisionKind.END),
        "contracts_to_decide": len(contracts) - len(decided),
        "renewals": len(renewals),
        "hours_available": available,
        "hours_notified": notified,
        "hours_gap": notified - available,
        # How many pupils the notified hours are of (under the secret statistique above the pôle).
        "hours_students": sum(1 for p in students if p.outcome in (STAYS, UNKNOWN) and p.hours)
        + sum(1 for t in accepted_in if any(n.aid_kind == "INDIVIDUELLE" and n.weekly_hours
                                            for n in t.student.at_rentree)),
    }


def preparation(pole: Pole, current: SchoolYear, year: SchoolYear, today: datetime.date) -> Preparation:
    """The whole page in a fixed number of queries, whatever the number of students."""
    students = students_of(pole, year)
    incoming = incoming_transfers(pole, year)
    renewals = renewals_to_follow(pole, today, year)
    contracts = contracts_to_decide(pole, current, year)
    wishes = wishes_of(pole, year)
    letters = letters_to_renew(pole, current, year)
    summary = summarize(students, incoming, renewals, contracts, hours_available(pole, year, contracts))
    return Preparation(pole=pole, current=current, year=year, students=students, incoming=incoming, renewals=renewals,
                       contracts=contracts, wishes=wishes, letters=letters, summary=summary)


def letters_to_renew(pole: Pole, current: SchoolYear, year: SchoolYear) -> list[MissionLetter]:
    """Référent mission letters of year N whose référent has none for N+1 yet."""
    renewed = MissionLetter.objects.filter(school_year=year).values("referent_id")
    return list(MissionLetter.objects.filter(pole=pole, school_year=current).exclude(referent_id__in=renewed)
                .select_related("referent").order_by("referent__last_name", "pk"))
