"""Reads that feed the territory pages. Each starts from the acting scope."""

from django.db.models import Count, Prefetch, Q, QuerySet

from pial.enums import Role
from pial.models import Circonscription, Departement, Membership, Pole, School
from pial.scope import Scope


def schools_for(scope: Scope) -> QuerySet[School]:
    return School.objects.visible_to(scope).select_related("circonscription", "pole").order_by(
        "name"
    )


def poles_for(scope: Scope) -> QuerySet[Pole]:
    return (
        Pole.objects.visible_to(scope)
        .select_related("circonscription")
        .annotate(school_count=Count("schools", distinct=True))
        .order_by("name")
    )


def circonscriptions_for(scope: Scope) -> QuerySet[Circonscription]:
    return (
        Circonscription.objects.visible_to(scope)
        .annotate(school_count=Count("schools", distinct=True))
        .order_by("name")
    )


def departements_for(scope: Scope) -> QuerySet[Departement]:
    return Departement.objects.visible_to(scope).annotate(
        school_count=Count("schools", distinct=True),
        pole_count=Count("poles", distinct=True),
    )


def people_for(scope: Scope) -> QuerySet[Membership]:
    return (
        Membership.objects.visible_to(scope)
        .select_related("user", "pole", "circonscription", "departement")
        .order_by("user__last_name", "user__first_name", "role")
    )


def pole_team(pole_id: int) -> QuerySet[Membership]:
    """Coordinators and pilots of a pôle: the people an AESH or a school contacts."""
    return (
        Membership.objects.filter(pole_id=pole_id, role__in=[Role.COORDINATOR, Role.PILOT])
        .select_related("user")
        .order_by("role", "user__last_name")
    )


def home_summary(scope: Scope) -> dict:
    """What the home page shows of the acting scope's territory (constant queries)."""
    summary: dict = {"scope": scope}
    if scope.is_nobody:
        return summary
    if scope.is_national or scope.role == Role.GESTIONNAIRE:
        summary["departements"] = departements_for(scope)
        summary["circonscriptions"] = circonscriptions_for(scope).select_related("departement")
        summary["poles"] = poles_for(scope)
        summary["people_count"] = people_for(scope).values("user").distinct().count()
        summary["school_count"] = School.objects.visible_to(scope).count()
        return summary
    if scope.role == Role.INSPECTOR:
        summary["poles"] = poles_for(scope)
        summary["schools"] = schools_for(scope)
        return summary
    if scope.role == Role.ENSEIGNANT_REFERENT:
        summary["schools"] = schools_for(scope)
        return summary
    # Pôle roles: coordinator, pilot, AESH.
    summary["pole"] = (
        Pole.objects.filter(pk=scope.pole_id)
        .select_related("circonscription", "departement")
        .prefetch_related(
            Prefetch("memberships", queryset=pole_team(scope.pole_id), to_attr="team")
        )
        .annotate(aesh_count=Count("memberships", filter=Q(memberships__role=Role.AESH)))
        .get()
    )
    summary["schools"] = schools_for(scope)
    return summary
