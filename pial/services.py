"""Writes on people and roles: keyword-only, validated, e-mails sent after commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from pial.enums import Role
from pial.models import Circonscription, Departement, Membership, Pole, School, User
from pial.perms import invitable_roles
from pial.queue import enqueue
from pial.scope import Scope
from pial.tasks import send_invitation_email


@transaction.atomic
def membership_invite(
    *,
    scope: Scope,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    pole: Pole | None = None,
    circonscription: Circonscription | None = None,
    departement: Departement | None = None,
    schools: list[School] | tuple = (),
) -> Membership:
    """Gives `role` to the person with this e-mail, creating their account if new.

    The person receives an e-mail: a link to choose their password for a new
    account, a notice of the new role otherwise.
    """
    if role not in invitable_roles(scope):
        raise ValidationError({"role": "Vous ne pouvez pas attribuer ce rôle."})
    _check_territory_in_scope(scope, pole, circonscription, departement, schools)

    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
    membership = Membership(
        user=user, role=role, pole=pole, circonscription=circonscription, departement=departement
    )
    membership.full_clean()
    membership.save()
    if role == Role.ENSEIGNANT_REFERENT:
        membership.schools.set(schools)


    # If the broker is down the invitation is not sent; a warning is logged and « Inviter »
    # sends it again (its link is made at sending time, so it is never stored).
    transaction.on_commit(lambda: enqueue(send_invitation_email, membership.pk))
    return membership


def user_sessions_end(*, user: User) -> None:
    """Ends every open session of the account (each is refused at its next request: see
    User.get_session_auth_hash); the person signs in again with their password."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def _check_territory_in_scope(scope, pole, circonscription, departement, schools) -> None:
    errors = {}
    if pole and not Pole.objects.visible_to(scope).filter(pk=pole.pk).exists():
        errors["pole"] = "Ce pôle n'est pas dans votre périmètre."
    if circonscription and not Circonscription.objects.visible_to(scope).filter(
        pk=circonscription.pk
    ).exists():
        errors["circonscription"] = "Cette circonscription n'est pas dans votre périmètre."
    if departement and not Departement.objects.visible_to(scope).filter(pk=departement.pk).exists():
        errors["departement"] = "Ce département n'est pas dans votre périmètre."
    school_ids = {s.pk for s in schools}
    if school_ids:
        visible = set(
            School.objects.visible_to(scope).filter(pk__in=school_ids).values_list("pk", flat=True)
        )
        if visible != school_ids:
            errors["schools"] = "Certains établissements ne sont pas dans votre périmètre."
        elif departement and School.objects.filter(pk__in=school_ids).exclude(
            departement=departement
        ).exists():
            errors["schools"] = "Les établissements doivent être dans le département choisi."
    if errors:
        raise ValidationError(errors)
