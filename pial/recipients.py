"""Who receives the e-mails of a territory: coordinators, gestionnaires, enseignants référents."""

from pial.enums import Role
from pial.models import Membership


def coordinators_of(pole_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(role=Role.COORDINATOR, pole_id=pole_id, user__is_active=True)
                      .values_list("user__email", flat=True)))


def gestionnaires_of(departement_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(role=Role.GESTIONNAIRE, departement_id=departement_id,
                                                user__is_active=True).values_list("user__email", flat=True)))


def referents_of_school(school_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(role=Role.ENSEIGNANT_REFERENT, schools=school_id,
                                                user__is_active=True).values_list("user__email", flat=True)))
