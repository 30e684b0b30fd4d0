"""Writes on AESH, contracts, amendments and training: validated, locked, keyword-only."""

from __future__ import annotations

import datetime

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aesh import rules
from aesh.enums import AmendmentState
from aesh.models import Aesh, Amendment, Contract, MfaReset, Training
from aesh.selectors import adaptation_due_for, terms_of
from pial import figures
from pial.conf import setting, setting_decimal
from pial.enums import Role
from pial.models import School, User
from pial.reminders import Draft, schedule
from pial.scope import Scope
from pial.services import membership_invite, user_sessions_end


def _check_schools(aesh: Aesh, schools) -> None:
    outside = [s for s in schools if s.pole_id != aesh.home_pole_id]
    if outside:
        names = ", ".join(s.name for s in outside)
        raise ValidationError({"schools": f"Ces établissements ne sont pas dans le pôle de l'AESH : {names}."})


@transaction.atomic
def aesh_save(*, aesh: Aesh, schools: list[School] | None = None) -> Aesh:
    aesh.full_clean()
    if schools is not None:
        _check_schools(aesh, schools)
    aesh.save()
    if schools is not None:
        aesh.schools.set(schools)
    return aesh


@transaction.atomic
def contract_save(*, contract: Contract) -> Contract:
    """Saves a contract after re-checking, under a lock on the AESH, that it overlaps
    no other contract: two people saving at once cannot both succeed."""
    Aesh.objects.select_for_update().get(pk=contract.aesh_id)
    contract.full_clean()
    contract.save()
    aesh = contract.aesh
    if aesh.training_due_date is None:
        first = Contract.objects.filter(aesh=aesh).order_by("start_date").first()
        aesh.training_due_date = adaptation_due_for(first.start_date)
        if aesh.first_hire_date is None:
            aesh.first_hire_date = first.start_date
        aesh.save(update_fields=["training_due_date", "first_hire_date", "updated_at"])
    return contract


@transaction.atomic
def amendment_save(*, amendment: Amendment, schools: list[School] | None = None) -> Amendment:
    """Saves an avenant after checking the terms it leads to on its effective date."""
    contract = Contract.objects.select_related("aesh").get(pk=amendment.contract_id)
    Aesh.objects.select_for_update().get(pk=contract.aesh_id)
    amendment.full_clean()
    if amendment.changes_schools:
        _check_schools(contract.aesh, schools or [])
    _check_resulting_terms(contract, amendment, schools)
    amendment.save()
    if schools is not None:
        amendment.schools.set(schools if amendment.changes_schools else [])
    return amendment


def _check_resulting_terms(contract: Contract, amendment: Amendment, schools) -> None:
    base_ids = frozenset(contract.aesh.schools.values_list("pk", flat=True))
    terms = terms_of(contract, amendment.effective_date, base_ids)
    new_ids = frozenset(s.pk for s in schools or [])
    terms = rules.terms_on(terms, [amendment.change(new_ids)], amendment.effective_date)
    errors = rules.terms_errors(
        terms,
        weeks_bounds=(setting("CONTRACT_WEEKS_MIN"), setting("CONTRACT_WEEKS_MAX")),
        referent_bounds=(setting_decimal("REFERENT_QUOTITE_MIN"), setting_decimal("REFERENT_QUOTITE_MAX")),
    )
    if errors:
        collected: dict[str, list[str]] = {}
        for field, message in errors:
            collected.setdefault(field, []).append(message)
        raise ValidationError(collected)


@transaction.atomic
def amendment_answer(*, amendment: Amendment, accepted: bool, on: datetime.date) -> Amendment:
    """Records the agent's answer, within the month they have."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != AmendmentState.PROPOSED:
        raise ValidationError("Cet avenant a déjà reçu une réponse.")
    if accepted and on > amendment.answer_deadline:
        raise ValidationError(
            f"Le délai de réponse a expiré le {amendment.answer_deadline:%d/%m/%Y} : "
            "le silence de l'agent vaut refus."
        )
    amendment.state = AmendmentState.ACCEPTED if accepted else AmendmentState.REFUSED
    amendment.answered_on = on
    amendment.full_clean()
    amendment.save(update_fields=["state", "answered_on"])
    return amendment


def training_add(*, training: Training) -> Training:
    training.full_clean()
    with figures.writes(aesh_ids=[training.aesh_id]):  # the reports of the AESH's pôle only
        training.save()
    return training


@transaction.atomic
def aesh_mfa_reset(*, scope: Scope, aesh: Aesh) -> MfaReset | None:
    """The AESH lost their device: deletes every allauth authenticator of their account
    (passkeys, authenticator app, recovery codes), ends their open sessions, journals who did
    it, and tells the AESH by e-mail. At their next sign-in (password) they register a new
    factor. None when the account has no factor left (a second click): nothing done.

    Only a plain AESH account: one that holds another role (or the admin) is reset by the
    national administration, or a coordinator could lower a colleague's protection."""
    if aesh.user_id is None:
        raise ValidationError("Cet AESH n'a pas de compte.")
    user = User.objects.select_for_update().get(pk=aesh.user_id)  # two clicks: one reset
    if user.is_staff or user.is_superuser or user.memberships.exclude(role=Role.AESH).exists():
        raise ValidationError("Ce compte a aussi un autre rôle : seule l'administration nationale "
                              "peut réinitialiser sa double authentification.")
    factors = Authenticator.objects.filter(user=user)
    count = factors.count()
    if not count:
        return None
    factors.delete()  # one by one with their signals: the access cache forgets the factor
    user_sessions_end(user=user)
    acting = scope.membership.user
    reset = MfaReset.objects.create(
        aesh=aesh, aesh_name=str(aesh), user_email=user.email, pole_id=aesh.home_pole_id,
        by=acting, by_email=acting.email, factors=count,
    )
    schedule([Draft(
        job="mfa_reset", target=f"mfa_reset:{reset.pk}", threshold="", period="", recipient=user.email,
        template="notice", context={
            "subject": "Votre double authentification a été réinitialisée",
            "paragraphs": [
                f"{acting.get_full_name() or acting.email}, de la coordination du "
                f"{aesh.home_pole}, a réinitialisé la double authentification de votre compte pial le "
                f"{timezone.localtime(reset.at):%d/%m/%Y à %H:%M} : vos clés d'accès, votre application "
                "d'authentification et vos codes de secours ne fonctionnent plus, et vos sessions "
                "ouvertes ont été fermées.",
                "À votre prochaine connexion, avec votre mot de passe, pial vous demandera d'enregistrer "
                "une nouvelle clé d'accès (empreinte ou visage sur votre téléphone) ou une application "
                "d'authentification.",
                "Si vous n'avez rien demandé, prévenez votre coordination sans attendre.",
            ],
            "sections": [], "link": reverse("account_login"), "link_label": "Se connecter",
        },
    )])
    return reset


@transaction.atomic
def aesh_invite(*, scope: Scope, aesh: Aesh):
    """Opens an account for the AESH (role AESH in their pôle) and links it to the record."""
    if not aesh.email:
        raise ValidationError({"email": "Renseignez l'e-mail professionnel de l'AESH pour l'inviter."})
    if aesh.user_id:
        raise ValidationError("Cet AESH a déjà un compte.")
    membership = membership_invite(
        scope=scope, email=aesh.email, first_name=aesh.first_name, last_name=aesh.last_name,
        role=Role.AESH, pole=aesh.home_pole,
    )
    aesh.user = membership.user
    aesh.save(update_fields=["user", "updated_at"])
    return membership
