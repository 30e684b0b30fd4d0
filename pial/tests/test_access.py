"""pial.access: scopes and TOTP state read once, then from the cache until they change."""

import pytest
from allauth.mfa.models import Authenticator

from pial.access import user_access
from pial.enums import Role
from pial.tests.factories import MembershipFactory, PoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_read_once_then_from_the_cache(django_assert_num_queries):
    user = MembershipFactory(role=Role.COORDINATOR).user
    with django_assert_num_queries(2):  # memberships with territories, the TOTP check
        scopes, totp = user_access(user)
    assert [s.role for s in scopes] == [Role.COORDINATOR] and totp is True
    with django_assert_num_queries(0):
        assert user_access(user) == (scopes, totp)


def test_a_membership_granted_or_removed_shows_on_the_next_read():
    user = UserFactory()
    assert user_access(user)[0] == []
    membership = MembershipFactory(user=user, role=Role.AESH)
    assert [s.role for s in user_access(user)[0]] == [Role.AESH]
    membership.delete()
    assert user_access(user)[0] == []


def test_totp_enrolled_or_removed_shows_on_the_next_read():
    user = MembershipFactory(role=Role.COORDINATOR, user=UserFactory(with_totp=False)).user
    assert user_access(user)[1] is False
    authenticator = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert user_access(user)[1] is True
    authenticator.delete()
    assert user_access(user)[1] is False


def test_a_renamed_pole_and_a_deactivated_account_show_on_the_next_read():
    pole = PoleFactory(name="PIAL Ancien")
    user = MembershipFactory(role=Role.COORDINATOR, pole=pole).user
    assert user_access(user)[0][0].membership.pole.name == "PIAL Ancien"
    pole.name = "PIAL Nouveau"
    pole.save()
    assert user_access(user)[0][0].membership.pole.name == "PIAL Nouveau"
    user.is_active = False
    assert user_access(user)[0] == []


def test_a_cache_that_keeps_nothing_is_a_miss(monkeypatch, django_assert_num_queries):
    """Redis down without a fallback (pial.cache: reads miss, writes are skipped): every read
    is the database's, nothing is stored without a version."""
    from pial import access

    class Down:
        stored = []

        def get_many(self, keys):
            return {}

        def add(self, *args):
            return False

        def set(self, *args):
            self.stored.append(args)

    user = MembershipFactory(role=Role.COORDINATOR).user
    monkeypatch.setattr(access, "cache", Down())
    for _ in range(2):
        with django_assert_num_queries(2):
            assert [s.role for s in user_access(user)[0]] == [Role.COORDINATOR]
    assert Down.stored == []
