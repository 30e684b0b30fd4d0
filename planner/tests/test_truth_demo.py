"""Issue 20 on the demo's own data (`make run`), as each coordinator of the demo: the planner
agrees with the dashboard, every line it proposes is accepted, the absence page sees every slot."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from aesh.models import Absence, Aesh
from missions.models import TimeSlot
from pial.enums import Role
from pial.models import Membership
from pial.scope import SESSION_KEY, Scope
from pial.tests.factories import TotpFactory
from planner.tests import truth

pytestmark = pytest.mark.django_db


def _sign_in(client, membership) -> None:
    """As the demo's coordinator, second factor set up (the tests require it, as production)."""
    if not Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists():
        TotpFactory(user=membership.user)
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()


def test_the_demo_planner_agrees_with_the_dashboard_and_every_line_is_accepted(demo, client,
                                                                              django_capture_on_commit_callbacks):
    """As each coordinator of the demo: today = the dashboard; no line breaks a rule with the
    fixed slots; causes concern their student; accepting everything refuses nothing; the
    dashboard at the start date then says what the proposal said."""
    coordinators = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").order_by("pk")
    assert coordinators.count() == 3
    for membership in coordinators:
        _sign_in(client, membership)
        scope = Scope.of(membership)
        run = truth.start_run(client, django_capture_on_commit_callbacks)
        truth.check_today_equals_dashboard(client, scope, run)
        problem = truth.reload(scope, run)
        truth.check_every_rule_with_fixed_slots(problem, run)
        truth.check_causes(problem, run)
        view, _ = truth.proposal(client, run)
        assert truth.accept_everything(client, run) == [], membership.user.email
        truth.check_dashboard_at_start_shows_the_proposal(client, run, view)
        client.logout()


def test_the_demo_absence_page_sees_every_slot_and_names_the_replacement(demo, client):
    membership = Membership.objects.get(user__email="coordination@demo.pial.fr", role=Role.COORDINATOR)
    _sign_in(client, membership)
    busiest = max(Aesh.objects.filter(home_pole=membership.pole), key=lambda a: (a.time_slots.count(), a.pk))
    start = datetime.date.today() + datetime.timedelta(days=14)
    absence = Absence.objects.create(aesh=busiest, start_date=start, end_date=start + datetime.timedelta(days=4),
                                     reason="TRAINING")
    page = client.get(reverse("planner:absence", args=[absence.pk])).content.decode()
    assert "pas de créneau auprès d" not in page
    slots = TimeSlot.objects.filter(aesh=busiest).valid_on(start)
    for slot in slots:
        assert f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}" in page
    form = page.split('action="/missions/absences/')[1]
    unit = form.split('name="unit" value="')[1].split('"')[0]
    candidate = form.split('name="candidate" value="')[1].split('"')[0]
    client.post(reverse("planner:replace", args=[absence.pk]), {"unit": unit, "candidate": candidate})
    replacing = Aesh.objects.get(pk=candidate)
    page = client.get(reverse("planner:absence", args=[absence.pk])).content.decode()
    assert f"Couvert par {replacing}" in page
