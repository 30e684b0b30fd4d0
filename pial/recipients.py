"""Who receives the e-mails of a territory: coordinators, gestionnaires, enseignants référents.

A job builds one Recipients per run: each pôle, département or school is looked
up once, however many reminders concern it.
"""

from functools import cache

from pial.enums import Role
from pial.models import Membership


def _emails(**filters) -> list[str]:
    return sorted(set(Membership.objects.filter(user__is_active=True, **filters)
                      .values_list("user__email", flat=True)))


class Recipients:
    @cache  # noqa: B019 — one instance per job run, dropped afterwards
    def coordinators_of(self, pole_id: int) -> list[str]:
        return _emails(role=Role.COORDINATOR, pole_id=pole_id)

    @cache  # noqa: B019
    def gestionnaires_of(self, departement_id: int) -> list[str]:
        return _emails(role=Role.GESTIONNAIRE, departement_id=departement_id)

    @cache  # noqa: B019
    def referents_of_school(self, school_id: int) -> list[str]:
        return _emails(role=Role.ENSEIGNANT_REFERENT, schools=school_id)
