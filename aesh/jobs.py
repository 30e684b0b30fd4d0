"""Reminder jobs about AESH: the 60-hour training, contract renewals and ends."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from aesh import rules
from aesh.enums import ContractKind, TrainingKind
from aesh.models import Aesh, Contract
from pial.conf import setting, setting_date
from pial.durations import format_hours
from pial.recipients import Recipients
from pial.reminders import Draft


def _fr_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def late_on_training(today: datetime.date):
    """AESH whose due date has passed with fewer than the required adaptation hours."""
    return _with_adaptation_hours(Aesh.objects.filter(training_due_date__lt=today)).filter(
        adaptation__lt=setting("ADAPTATION_TRAINING_HOURS"))


def _with_adaptation_hours(queryset):
    return queryset.annotate(adaptation=Coalesce(
        Sum("trainings__hours", filter=Q(trainings__kind=TrainingKind.ADAPTATION)),
        Value(Decimal(0)), output_field=DecimalField(max_digits=6, decimal_places=2)))


def training_due(today: datetime.date) -> list[Draft]:
    """90, 30 and 7 days (settings) before the due date, to the AESH and the coordinators."""
    thresholds = sorted(setting("REMINDER_TRAINING_DAYS"))
    required = setting("ADAPTATION_TRAINING_HOURS")
    candidates = _with_adaptation_hours(Aesh.objects.filter(
        training_due_date__gte=today, training_due_date__lte=today + datetime.timedelta(days=thresholds[-1]),
    )).filter(adaptation__lt=required).select_related("home_pole")
    drafts, people = [], Recipients()
    for aesh in candidates:
        days_left = (aesh.training_due_date - today).days
        threshold = min(t for t in thresholds if days_left <= t)
        remaining = Decimal(required) - aesh.adaptation
        common = {
            "subject": f"Formation d'adaptation : {format_hours(remaining)} restantes avant le "
                       f"{_fr_date(aesh.training_due_date)}",
            "sections": [],
        }
        recipients = people.coordinators_of(aesh.home_pole_id)
        for email in ([aesh.email] if aesh.email else []) + recipients:
            own = email == aesh.email
            context = {**common, "paragraphs": [
                (f"Il vous reste {format_hours(remaining)}" if own else f"Il reste {format_hours(remaining)} "
                 f"à {aesh.first_name} {aesh.last_name.upper()}")
                + f" de formation d'adaptation à l'emploi à suivre d'ici le {_fr_date(aesh.training_due_date)} "
                  f"({format_hours(aesh.adaptation)} suivies sur {format_hours(required)}).",
            ], "link": reverse("aesh:me") if own else reverse("aesh:detail", args=[aesh.pk]),
                "link_label": "Voir la formation"}
            drafts.append(Draft("training_due", f"aesh:{aesh.pk}", str(threshold),
                                aesh.training_due_date.isoformat(), email, "notice", context))
    return drafts


def _has_successor():
    return Exists(Contract.objects.filter(aesh=OuterRef("aesh"), start_date__gt=OuterRef("end_date")))


def contract_renewal(today: datetime.date) -> list[Draft]:
    """The renewal-notice date is reached (2 months before the end, 3 for a CDI): gestionnaire and coordinator."""
    horizon = today + relativedelta(months=setting("RENEWAL_NOTICE_MONTHS_CDI"))
    contracts = (Contract.objects.filter(kind=ContractKind.CDD, end_date__gte=today, end_date__lte=horizon)
                 .annotate(renewed=_has_successor()).filter(renewed=False)
                 .select_related("aesh", "aesh__home_pole").prefetch_related("aesh__contracts"))
    drafts, people = [], Recipients()
    for contract in contracts:
        periods = [c.period for c in contract.aesh.contracts.all()]
        cdi = rules.cdi_at_renewal(
            periods, contract.period, reform_date=setting_date("CDI_REFORM_DATE"),
            years=setting("CDI_SERVICE_YEARS"), years_before_reform=setting("CDI_SERVICE_YEARS_BEFORE_REFORM"),
            max_gap_months=setting("CONTINUITY_MAX_GAP_MONTHS"))
        notice = rules.renewal_notice_date(contract.end_date, renewal_is_cdi=cdi.required,
                                           months=setting("RENEWAL_NOTICE_MONTHS"),
                                           months_cdi=setting("RENEWAL_NOTICE_MONTHS_CDI"))
        if today < notice:
            continue
        aesh = contract.aesh
        context = {
            "subject": f"Renouvellement : le contrat de {aesh} se termine le {_fr_date(contract.end_date)}",
            "paragraphs": [
                f"Le {contract} de {aesh.first_name} {aesh.last_name.upper()} ({aesh.home_pole}) se termine le "
                f"{_fr_date(contract.end_date)}. L'intention de renouvellement était à notifier au plus tard le "
                f"{_fr_date(notice)}.",
                cdi.reason,
            ],
            "sections": [], "link": reverse("aesh:detail", args=[aesh.pk]), "link_label": "Voir la fiche",
        }
        for email in people.gestionnaires_of(aesh.home_pole.departement_id) + people.coordinators_of(aesh.home_pole_id):
            drafts.append(Draft("contract_renewal", f"contract:{contract.pk}", "notice",
                                contract.end_date.isoformat(), email, "notice", context))
    return drafts


def contract_ended(today: datetime.date) -> list[Draft]:
    """Contracts ended without a following one, in the last weeks: gestionnaire and coordinator."""
    since = today - datetime.timedelta(days=setting("REMINDER_CONTRACT_ENDED_LOOKBACK_DAYS"))
    contracts = (Contract.objects.filter(end_date__lt=today, end_date__gte=since)
                 .annotate(renewed=_has_successor()).filter(renewed=False)
                 .select_related("aesh", "aesh__home_pole"))
    drafts, people = [], Recipients()
    for contract in contracts:
        aesh = contract.aesh
        context = {
            "subject": f"Contrat terminé sans renouvellement : {aesh}",
            "paragraphs": [f"Le {contract} de {aesh.first_name} {aesh.last_name.upper()} ({aesh.home_pole}) s'est "
                           "terminé et aucun nouveau contrat n'est enregistré. Ses affectations sont à revoir."],
            "sections": [], "link": reverse("aesh:detail", args=[aesh.pk]), "link_label": "Voir la fiche",
        }
        for email in people.gestionnaires_of(aesh.home_pole.departement_id) + people.coordinators_of(aesh.home_pole_id):
            drafts.append(Draft("contract_ended", f"contract:{contract.pk}", "ended", contract.end_date.isoformat(),
                                email, "notice", context))
    return drafts
