"""pial.sqlmemo's bound ids: one statement for every person, their ids put in its parameters."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aesh.models import Aesh, Contract
from aesh.tests.factories import AeshFactory, ContractFactory
from pial import sqlmemo

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    today = timezone.localdate()
    for i in range(4):
        aesh = AeshFactory(home_pole=world.pole_a, last_name=f"Agent{i}",
                           training_due_date=today - datetime.timedelta(days=10 * i))
        ContractFactory(aesh=aesh, weekly_hours=Decimal(20 + i))
    return today


def _contracts_of(aesh_id):
    return Contract.objects.filter(aesh_id=aesh_id).order_by("-start_date", "pk")


def test_a_bound_id_keeps_one_statement_for_every_person(world, people):
    sqlmemo.clear()
    everyone = list(Aesh.objects.filter(home_pole=world.pole_a).order_by("pk"))
    for _ in range(2):  # the miss, then the hits
        for aesh in everyone:
            rows = sqlmemo.MemoList(("test:contracts",), _contracts_of, ["pk", "weekly_hours"], tuple, (aesh.pk,))
            assert rows[0:None] == list(_contracts_of(aesh.pk).values_list("pk", "weekly_hours"))
            assert rows[0:None] and all(Contract.objects.get(pk=pk).aesh_id == aesh.pk for pk, _ in rows[0:None])
    assert len(sqlmemo._STATEMENTS) == 1  # not one per AESH
    # Several bound ids (an IN list): one statement per count of ids.
    ids = [a.pk for a in everyone]
    for chosen in (ids[:2], ids[1:3], ids[:3]):
        rows = sqlmemo.MemoList(("test:in",), lambda *i: Contract.objects.filter(aesh_id__in=i).order_by("pk"),
                                ["aesh_id"], tuple, chosen)[0:None]
        assert sorted({a for (a,) in rows}) == sorted(chosen)
    assert len(sqlmemo._STATEMENTS) == 3


@pytest.mark.parametrize("build", [
    lambda a: Contract.objects.filter(aesh_id=a + 1).order_by("pk"),  # transformed
    lambda a: Contract.objects.extra(where=[f"aesh_id = {int(a)}"]).order_by("pk"),  # noqa: S610  (inlined, an int)
], ids=["transformed", "inlined"])
def test_a_bound_id_the_statement_does_not_carry_as_given_is_compiled_each_time(world, people, build):
    sqlmemo.clear()
    for aesh in Aesh.objects.filter(home_pole=world.pole_a).order_by("pk"):
        rows = sqlmemo.MemoList(("test:untrusted",), build, ["pk"], tuple, (aesh.pk,))[0:None]
        assert rows == list(build(aesh.pk).values_list("pk"))
    assert not sqlmemo._STATEMENTS
