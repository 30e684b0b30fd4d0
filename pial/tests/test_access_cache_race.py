"""pial.access's cache and a write's transaction: what a request reads while a role or a second
factor is being removed (or added) is not kept once the write commits.

The first two tests are the adversarial pass's reproductions (branch `breaker`,
pial/tests/test_breaker_findings.py), taken as they were written."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_role_removed_while_its_holder_browses_is_not_kept_in_the_cache(world):
    """pial.access drops a user's cached scopes from post_delete/post_save, i.e. *inside* the
    writing transaction (ATOMIC_REQUESTS), before it commits. A request of that user landing
    between the signal and the commit misses the cache, reads the memberships as committed (the
    role still there) and stores them for CACHE_SECONDS (an hour); the commit forgets nothing
    more. The person whose role was just removed keeps it — every student of the pôle — for an
    hour. Here the concurrent request is played by storing what it would read (the scopes of
    before the removal, as user_access stored them); test_..._two_connections plays it for real
    on PostgreSQL. Expected: the scopes are forgotten (again) once the removal commits."""
    from django.core.cache import cache
    from django.db import transaction

    from pial import access

    user = world.users["coordinator_b"]
    membership = user.memberships.get()
    removed = membership.pk
    access.user_access(user)  # the member browses: their scopes are cached
    committed = cache.get(access._key(user.pk))  # what a read of the committed rows stores
    with transaction.atomic():  # the people page's request: the role removed
        membership.delete()  # post_delete: the entry is forgotten now, before the commit
        cache.set(access._key(user.pk), committed, access.CACHE_SECONDS)  # the member's request, meanwhile
    scopes, _ = access.user_access(user)
    assert removed not in [s.membership_id for s in scopes]


@pytest.mark.django_db(transaction=True)
def test_a_role_removed_while_its_holder_browses_two_connections(world, postgres_db):
    """The same race with two real connections (PostgreSQL, READ COMMITTED): the removal's
    transaction is held open after its DELETE; the member's request (another connection, the
    middleware's user_access) runs then; the removal commits. The member's next request still
    acts as coordinator of pôle B and reads its student list."""
    import threading

    from django.db import connection, transaction

    from eleves.tests.factories import StudentFactory
    from pial import access

    StudentFactory(school=world.schools_b[0], first_name="Zoé", last_name="Secret")
    user = world.users["coordinator_b"]
    membership = user.memberships.get()
    member = Client()
    member.force_login(user)
    assert member.get("/eleves/").status_code == 200  # scopes cached
    deleted, resume = threading.Event(), threading.Event()

    def remove():
        try:
            with transaction.atomic():
                membership.delete()
                deleted.set()
                resume.wait(10)
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    assert deleted.wait(10)
    access.user_access(user)  # the member's request meanwhile: reads the committed rows
    resume.set()
    remover.join(10)
    assert not user.memberships.exists()  # the removal committed
    response = member.get("/eleves/")
    assert response.status_code == 403 and "SECRET" not in response.content.decode()


# --- The same race, played after the write (the versions renewed at commit) ---------------------

def _a_read_meanwhile(user, entry) -> None:
    """What a request of `user` on another connection stores while the write is not committed:
    it reads the versions as they are now, then the committed rows (those of `entry`)."""
    from django.core.cache import cache

    from pial import access, figures

    versions = (figures.PREFIX + access.GENERATION, figures.PREFIX + access._version(user.pk))
    found = cache.get_many(versions)
    tag = (tuple(found[v] for v in versions), user.is_active, user.is_superuser)
    cache.set(access._key(user.pk), (tag, *entry[1:]), access.CACHE_SECONDS)


@pytest.mark.django_db(transaction=True)  # the commit for real: the renewal after it
def test_a_role_removed_is_forgotten_at_commit_whatever_was_read_after_the_delete(world):
    from django.core.cache import cache
    from django.db import transaction

    from pial import access

    user = world.users["coordinator_b"]
    membership = user.memberships.get()
    removed = membership.pk
    access.user_access(user)
    before = cache.get(access._key(user.pk))
    with transaction.atomic():
        membership.delete()
        _a_read_meanwhile(user, before)  # after the delete's own renewal: only the commit's remains
    assert removed not in [s.membership_id for s in access.user_access(user)[0]]


@pytest.mark.django_db(transaction=True)  # the commit for real: the renewal after it
def test_a_second_factor_removed_while_its_holder_browses_is_not_kept(world):
    """An MFA reset (the lost phone): a request of the holder meanwhile read their authenticator
    still there. Once the reset commits, their next request must enrol a new factor."""
    from allauth.mfa.models import Authenticator
    from django.core.cache import cache
    from django.db import transaction

    from pial import access

    user = world.users["coordinator_b"]
    assert access.user_access(user)[1] is True
    before = cache.get(access._key(user.pk))
    with transaction.atomic():
        Authenticator.objects.filter(user=user).delete()
        _a_read_meanwhile(user, before)
    assert access.user_access(user)[1] is False
    member = Client()
    member.force_login(user)
    assert member.get("/eleves/")["Location"].startswith("/comptes/")  # to the enrolment


@pytest.mark.django_db(transaction=True)  # the commit for real: the renewal after it
def test_a_second_factor_added_while_its_holder_browses_is_not_asked_again(world):
    """An authenticator app enrolled: a request meanwhile read none. Once the enrolment commits,
    the person is not sent back to enrol (for an hour)."""
    from allauth.mfa.models import Authenticator
    from django.core.cache import cache
    from django.db import transaction

    from pial import access
    from pial.tests.factories import TotpFactory

    user = world.users["coordinator_b"]
    Authenticator.objects.filter(user=user).delete()
    assert access.user_access(user)[1] is False
    before = cache.get(access._key(user.pk))
    with transaction.atomic():
        TotpFactory(user=user)
        _a_read_meanwhile(user, before)
    assert access.user_access(user)[1] is True


@pytest.mark.django_db(transaction=True)  # the commit for real: the renewal after it
def test_a_pole_renamed_while_its_members_browse_shows_its_new_name(world):
    from django.core.cache import cache
    from django.db import transaction

    from pial import access

    user = world.users["coordinator_b"]
    access.user_access(user)
    before = cache.get(access._key(user.pk))
    pole = user.memberships.get().pole
    with transaction.atomic():
        pole.name = "PIAL renommé"
        pole.save()
        _a_read_meanwhile(user, before)
    assert access.user_access(user)[0][0].membership.pole.name == "PIAL renommé"


def _held_open(write):
    """Runs `write` in a transaction of another connection, held open after it until `release()`."""
    import threading

    from django.db import connection, transaction

    written, resume = threading.Event(), threading.Event()

    def run():
        try:
            with transaction.atomic():
                write()
                written.set()
                resume.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(10)

    def release():
        resume.set()
        thread.join(10)
        assert not thread.is_alive()

    return release


@pytest.mark.django_db(transaction=True)
def test_a_second_factor_removed_while_its_holder_browses_two_connections(world, postgres_db):
    """The MFA reset's race with two real connections (PostgreSQL): the holder's request between
    the DELETE and the commit reads the authenticator still there."""
    from allauth.mfa.models import Authenticator

    from pial import access

    user = world.users["coordinator_b"]
    member = Client()
    member.force_login(user)
    assert member.get("/eleves/").status_code == 200  # second factor cached
    release = _held_open(lambda: Authenticator.objects.filter(user=user).delete())
    assert access.user_access(user)[1] is True  # the member's request meanwhile: the committed rows
    release()
    assert not Authenticator.objects.filter(user=user).exists()
    assert member.get("/eleves/")["Location"].startswith("/comptes/")  # to the enrolment


@pytest.mark.django_db(transaction=True)
def test_a_second_factor_added_while_its_holder_browses_two_connections(world, postgres_db):
    from allauth.mfa.models import Authenticator

    from pial import access
    from pial.tests.factories import TotpFactory

    user = world.users["coordinator_b"]
    Authenticator.objects.filter(user=user).delete()
    member = Client()
    member.force_login(user)
    assert member.get("/eleves/").status_code == 302  # to the enrolment
    release = _held_open(lambda: TotpFactory(user=user))
    assert access.user_access(user)[1] is False
    release()
    assert member.get("/eleves/").status_code == 200
