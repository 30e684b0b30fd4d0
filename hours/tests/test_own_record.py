"""« Mes heures » reads the AESH's own record through compiled statements (hours.memo): the same
rows aesh_for_detail gives, the scope's own AESH only, and figures read afresh on every request."""

import datetime
from decimal import Decimal

from django.urls import reverse

from aesh.models import Amendment, Training
from aesh.selectors import aesh_for_detail
from hours import memo, selectors, services
from hours.tests import test_hours
from hours.tests.test_hours import WEEK_A, WEEK_B, _pinned_now, slot_entry, text  # noqa: F401  (the pinned clock)
from pial.scope import Scope

D = datetime.date
crew = test_hours.crew  # the same fixture: Léa, her timetable, pôle A


def _scope(world, key):
    return Scope.of(world.users[key].memberships.get())


def _shape(aesh):
    return {
        "pk": aesh.pk, "name": str(aesh), "zone": aesh.pole_zone,
        "schools": sorted(s.pk for s in aesh.schools.all()),
        "contracts": [(c.pk, c.start_date, c.weekly_hours, [(a.pk, a.state, a.weekly_hours, a.referent_quotite,
                                                             sorted(s.pk for s in a.schools.all()))
                                                            for a in c.amendments.all()]) for c in aesh.contracts.all()],
        "trainings": sorted((t.pk, t.kind, t.hours) for t in aesh.trainings.all()),
    }


def test_own_record_reads_what_aesh_for_detail_reads(crew, world):
    lea = crew["lea"]
    lea.schools.set(world.schools_a[:2])
    contract = lea.contracts.get()
    accepted = Amendment.objects.create(contract=contract, proposed_on=D(2026, 9, 1), effective_date=D(2026, 9, 15),
                                        state="ACCEPTED", answered_on=D(2026, 9, 5), weekly_hours=20,
                                        referent_quotite=Decimal("0.20"), changes_schools=True)
    accepted.schools.set(world.schools_a[:1])
    Amendment.objects.create(contract=contract, proposed_on=D(2026, 11, 1), effective_date=D(2026, 12, 15),
                             weekly_hours=12)
    Training.objects.create(aesh=lea, date=D(2026, 9, 10), hours=6, title="Accueil", kind="ADAPTATION")
    scope = _scope(world, "aesh_a")
    for _ in range(2):  # the statements compiled, then run again
        with_memo = memo.own_record(scope)
        expected = selectors.with_pole_zone(aesh_for_detail(scope)).order_by("pk").first()
        assert _shape(with_memo) == _shape(expected)
        today = D(2026, 11, 25)
        assert selectors.balance(with_memo, None, today) == selectors.balance(expected, None, today)


def test_own_record_is_the_scopes_own_aesh_only(crew, world):
    assert memo.own_record(_scope(world, "aesh_a")).pk == crew["lea"].pk
    assert memo.own_record(_scope(world, "aesh_b")).pk == crew["noe"].pk
    assert memo.own_record(Scope.nobody()) is None


def test_my_hours_says_at_once_what_a_week_changed(client_as, crew, world):
    """Only statements are kept, never rows: a week submitted, then validated, shows on the next
    request."""
    client = client_as("aesh_a")
    assert "Semaines transmises ou validées : 0, dont 0 validée" in text(client.get(reverse("hours:my_hours")))
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    assert "Semaines transmises ou validées : 1, dont 0 validée" in text(client.get(reverse("hours:my_hours")))
    services.timesheet_validate(timesheet=sheet, user=world.users["coordinator_a"])
    html = text(client.get(reverse("hours:my_hours")))
    assert "Semaines transmises ou validées : 1, dont 1 validée" in html
    gap = services.timesheet_open(aesh=crew["lea"], monday=WEEK_A)
    services.timesheet_save(timesheet=gap, slots={slot_entry(gap, WEEK_A).pk: services.SlotAnswer("DONE", 60)},
                            connexe={"PREPARATION": 45}, comment="", version=0)
    services.timesheet_submit(timesheet=gap, user=world.users["aesh_a"])
    html = text(client.get(reverse("hours:my_hours")))
    assert "Semaines transmises ou validées : 2, dont 1 validée" in html and "Préparation : 45 min" in html


def test_the_queue_says_at_once_what_a_week_changed(client_as, crew, world):
    coordinator = client_as("coordinator_a")
    assert "Aucune semaine dans cet état." in text(coordinator.get(reverse("hours:queue")))
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.timesheet_submit(timesheet=sheet, user=world.users["aesh_a"])
    assert f'id="lot-{sheet.pk}"' in text(coordinator.get(reverse("hours:queue")))
    assert "Aucune semaine dans cet état." in text(client_as("coordinator_b").get(reverse("hours:queue")))
    coordinator = client_as("coordinator_a")  # the same test client, signed in again
    services.timesheet_validate(timesheet=sheet, user=world.users["coordinator_a"])
    assert "Aucune semaine dans cet état." in text(coordinator.get(reverse("hours:queue")))
    assert f'id="lot-{sheet.pk}"' not in text(coordinator.get(reverse("hours:queue") + "?etat=VALIDATED"))
    assert "MARTIN Léa" in text(coordinator.get(reverse("hours:queue") + "?etat=VALIDATED"))


def test_the_bound_aesh_scope_compiles_as_the_aesh_s_own_scope(crew, world):
    """One statement serves every AESH (their ids bound): the stand-in scope must compile to the
    SQL and parameters of the real one, whatever Aesh.objects.visible_to reads of a scope."""
    from aesh.models import Aesh

    for key in ("aesh_a", "aesh_b"):
        scope = _scope(world, key)
        membership = scope.membership
        stand_in = memo._aesh_scope(membership.user_id, membership.pole_id)

        def compiled(s):
            query = selectors.with_pole_zone(Aesh.objects.visible_to(s)).order_by("pk").query
            return query.get_compiler("default").as_sql()

        assert compiled(stand_in) == compiled(scope)
        assert memo._own_row(scope)[0][0] == (crew["lea"] if key == "aesh_a" else crew["noe"]).pk


def test_one_statement_per_read_for_every_aesh(crew, world):
    from pial import sqlmemo

    sqlmemo.clear()
    for key in ("aesh_a", "aesh_b"):
        aesh = memo.own_record(_scope(world, key))
        selectors.balance(aesh, None, D(2026, 11, 25))
        selectors.open_weeks(aesh, None, D(2026, 11, 25))
        kept = dict(sqlmemo._STATEMENTS)
    # The AESH, their schools, contracts, avenants (Léa's one contract; Noé's too), trainings, the
    # balance's two sums, the weeks.
    assert len(kept) == 8 and all(statement is not None for statement in kept.values())
