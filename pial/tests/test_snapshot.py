"""The test snapshot (pial.tests.snapshot): the demo and the permission tests' territory are built
once per process and replayed; the replay must be the same database as a fresh build."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from pial.models import Membership, School, User
from pial.tests import fixtures, snapshot
from pial.tests.factories import SchoolFactory


def _counts() -> dict[str, int]:
    return {m._meta.db_table: m._base_manager.count()
            for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy}


def _identity() -> dict:
    return {"users": sorted(User.objects.values_list("email", flat=True)),
            "schools": sorted(School.objects.values_list("uai", "name")),
            "memberships": sorted(Membership.objects.values_list("user__email", "role"))}


@pytest.mark.django_db
def test_the_replayed_demo_is_the_seeded_demo(settings):
    settings.DEBUG = True
    with transaction.atomic():
        fixtures._seed_demo()
        fresh_counts, fresh_identity = _counts(), _identity()
        transaction.set_rollback(True)
    assert fresh_counts["pial_school"] > 10  # the seed really ran
    taken = fixtures._DEMO_SNAPSHOT or snapshot.take(fixtures._seed_demo)  # what the `demo` fixture replays
    with transaction.atomic():
        snapshot.replay(taken)
        assert _counts() == fresh_counts
        assert _identity() == fresh_identity
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_replayed_world_has_the_built_keys_and_fresh_objects(world):
    coordinator = world.users["coordinator_a"]
    assert User.objects.get(pk=coordinator.pk).email == "coordinator_a@ac-test.fr"
    assert Membership.objects.get(user=coordinator).pole_id == world.pole_a.pk
    assert {s.pk for s in world.schools_a} == set(School.objects.filter(pole=world.pole_a).values_list("pk", flat=True))


@pytest.mark.django_db
def test_rows_made_after_a_replay_get_keys_of_their_own(world):
    newest = max(School.objects.values_list("pk", flat=True))
    school = SchoolFactory(pole=world.pole_a)
    assert school.pk > newest


@pytest.mark.django_db
def test_a_builder_that_changes_a_migrated_row_is_refused():
    def edit():
        ContentType.objects.filter(app_label="pial", model="school").update(model="ecole")

    with pytest.raises(snapshot.SnapshotError, match="django_content_type"):
        snapshot.take(edit)
    assert ContentType.objects.filter(app_label="pial", model="school").exists()  # rolled back


@pytest.mark.django_db
def test_a_replay_whose_rows_point_nowhere_fails_at_once():
    taken = snapshot.take(SchoolFactory)  # a school and the pôle it belongs to, rolled back
    schools_only = snapshot.Snapshot(tables=[t for t in taken.tables if t.table == "pial_school"],
                                     models=[School])
    assert schools_only.row_count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        snapshot.replay(schools_only)
