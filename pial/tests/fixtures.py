"""A small territory with one person per role, shared by the permission tests."""

import copy
import io
import sys
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from pial.enums import Role
from pial.models import Membership, Pole, School, User
from pial.tests import snapshot
from pial.tests.factories import (
    CirconscriptionFactory,
    DepartementFactory,
    MembershipFactory,
    PoleFactory,
    SchoolFactory,
    UserFactory,
)


@dataclass
class World:
    pole_a: Pole
    pole_b: Pole
    schools_a: list[School]
    schools_b: list[School]
    users: dict[str, User] = field(default_factory=dict)


def build_world() -> World:
    """Two pôles of one département, in two circonscriptions, and one user per role.

    Users: coordinator_a, coordinator_b, pilot_a, aesh_a, aesh_b, inspector_a
    (circonscription of pôle A), referent_a (schools of pôle A), gestionnaire,
    gestionnaire_other (another département), admin (superuser), norole.
    """
    dep = DepartementFactory(code="35", name="Ille-et-Vilaine")
    circ_a = CirconscriptionFactory(departement=dep, name="Rennes Nord")
    circ_b = CirconscriptionFactory(departement=dep, name="Rennes Sud")
    pole_a = PoleFactory(name="PIAL Alpha", departement=dep, circonscription=circ_a)
    pole_b = PoleFactory(name="PIAL Bêta", departement=dep, circonscription=circ_b)
    schools_a = [SchoolFactory(pole=pole_a, name=f"École Alpha {i}") for i in range(3)]
    schools_b = [SchoolFactory(pole=pole_b, name=f"École Bêta {i}") for i in range(2)]
    w = World(pole_a=pole_a, pole_b=pole_b, schools_a=schools_a, schools_b=schools_b)

    def member(key, role, **scope):
        membership = MembershipFactory(user__email=f"{key}@ac-test.fr", role=role, **scope)
        w.users[key] = membership.user
        return membership

    member("coordinator_a", Role.COORDINATOR, pole=pole_a)
    member("coordinator_b", Role.COORDINATOR, pole=pole_b)
    member("pilot_a", Role.PILOT, pole=pole_a)
    member("aesh_a", Role.AESH, pole=pole_a)
    member("aesh_b", Role.AESH, pole=pole_b)
    member("inspector_a", Role.INSPECTOR, pole=None, circonscription=circ_a)
    referent = member("referent_a", Role.ENSEIGNANT_REFERENT, pole=None, departement=dep)
    referent.schools.set(schools_a)
    member("gestionnaire", Role.GESTIONNAIRE, pole=None, departement=dep)
    other_dep = DepartementFactory(code="29", name="Finistère")
    member("gestionnaire_other", Role.GESTIONNAIRE, pole=None, departement=other_dep)
    w.users["admin"] = UserFactory(email="admin@ac-test.fr", is_superuser=True, is_staff=True,
                                   with_totp=True)
    w.users["norole"] = UserFactory(email="norole@ac-test.fr")
    return w


_WORLD: tuple[snapshot.Snapshot, World] | None = None


@pytest.fixture
def world(db) -> World:
    """`build_world()`, built once per test process and replayed in each test's transaction (a
    few milliseconds instead of a hundred factories): same rows, same keys, fresh Python objects."""
    global _WORLD
    if _WORLD is None:
        _WORLD = snapshot.take_with_result(build_world)
    rows, built = _WORLD
    snapshot.replay(rows)
    return copy.deepcopy(built)


@pytest.fixture
def client_as(client, world):
    """client_as("coordinator_a") returns the test client logged in as that user."""

    def login(key: str):
        client.force_login(world.users[key])
        return client

    return login


def memberships_of(user) -> list[Membership]:
    return list(user.memberships.all())


_DEMO_SNAPSHOT: snapshot.Snapshot | None = None


def _seed_demo():
    call_command("seed_demo", stdout=io.StringIO())


def demo_snapshot() -> snapshot.Snapshot:
    """The demo's rows, seeded once per test process (the database must be reachable)."""
    global _DEMO_SNAPSHOT
    if _DEMO_SNAPSHOT is None:
        _DEMO_SNAPSHOT = snapshot.take(_seed_demo)
    return _DEMO_SNAPSHOT


def replay_demo() -> None:
    """The demo's rows written into the tables as `seed_demo` leaves them (a transactional test:
    they are committed, and emptied with every table after the test)."""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                           CELERY_TASK_ALWAYS_EAGER=True):
        snapshot.replay(demo_snapshot())


@pytest.fixture(scope="module")
def _demo_module(django_db_setup, django_db_blocker):
    """The demo, seeded once per test process (a snapshot of its rows) and replayed once per test
    module inside a transaction that is rolled back after the module's last test: every test of
    the module reads it (each in its own savepoint, as usual), no other module sees it. Not for
    transactional tests (they would empty the tables): those call `replay_demo()`."""
    from pial.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # as every test has it (root conftest)
    with django_db_blocker.unblock(), override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", CELERY_TASK_ALWAYS_EAGER=True):
        try:
            demo = demo_snapshot()
            outer = transaction.atomic()
            outer.__enter__()
            try:
                snapshot.replay(demo)
            except BaseException:
                outer.__exit__(*sys.exc_info())
                raise
        finally:
            celery_app.conf.task_always_eager = eager
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_module, db, settings):
    """The demo's own data (`make run`), read-only by convention: what a test adds is rolled back."""
    settings.DEBUG = True
