"""with_current_terms builds its annotations once per day: the SQL and the results stay those of
a fresh build, for every kind of caller (lists, missions, hours, reports chain onto it)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q

from aesh import selectors
from aesh.models import Aesh
from aesh.tests.factories import AeshFactory, ContractFactory, TrainingFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def _fresh(queryset, day):
    """with_current_terms as it was written: the annotations built anew."""
    return queryset.annotate(**selectors._current_terms.__wrapped__(day))


SHAPES = {
    "list": lambda qs: qs.order_by("contract_end_now", "last_name"),
    "missions": lambda qs: qs.filter(contract_id_now__isnull=False).order_by("pk"),
    "late": lambda qs: qs.filter(Q(adaptation_hours__lt=60) | Q(referent_now__gt=0)).order_by("-weekly_hours_now", "pk"),
    "values": lambda qs: qs.values_list("pk", "contract_kind_now", "weekly_hours_now").order_by("pk"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_the_sql_and_rows_are_those_of_a_fresh_build(world, shape):
    for i in range(3):
        aesh = AeshFactory(home_pole=world.pole_a, last_name=f"Agent{i}")
        ContractFactory(aesh=aesh, start_date=DAY - datetime.timedelta(days=30), weekly_hours=Decimal(20 + i),
                        referent_quotite=Decimal("0.25") * (i % 2))
        TrainingFactory(aesh=aesh, hours=Decimal(10 * i + 5))
    AeshFactory(home_pole=world.pole_a, last_name="Sanscontrat")
    selectors._current_terms.cache_clear()
    build = SHAPES[shape]
    fresh = build(_fresh(Aesh.objects.all(), DAY))
    for _ in range(3):  # the first build, then the kept annotations, reused
        kept = build(selectors.with_current_terms(Aesh.objects.all(), DAY))
        assert str(kept.query) == str(fresh.query)
        assert _rows(kept) == _rows(fresh) and len(_rows(fresh)) >= 3
    other_day = build(selectors.with_current_terms(Aesh.objects.all(), DAY + datetime.timedelta(days=1)))
    assert str(other_day.query) != str(fresh.query)  # the day is a parameter of the statement


def _rows(queryset):
    if queryset._fields is not None or queryset._iterable_class.__name__ != "ModelIterable":
        return list(queryset)
    return [(a.pk, a.contract_id_now, a.contract_kind_now, a.contract_end_now, a.weekly_hours_now,
             a.referent_now, a.adaptation_hours) for a in queryset]
