"""pial.sqlmemo: the lists' statements compiled once per process, results read afresh."""

import datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aesh import selectors as aesh_selectors
from aesh.selectors import AeshFilters
from aesh.tests.factories import AeshFactory, ContractFactory, TrainingFactory
from aesh.views import _ROW_FIELDS as AESH_FIELDS
from aesh.views import _ROW_TERMS, _row_aesh
from eleves import selectors as eleves_selectors
from eleves.selectors import StudentFilters
from eleves.tests.factories import NotificationFactory, StudentFactory
from eleves.views import _ROW_FIELDS as STUDENT_FIELDS
from eleves.views import _ROW_MORE, _row_student
from pial import sqlmemo
from pial.access import user_access
from pial.scope import Scope, choose_scope
from pial.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

AESH_SHOWN = ["pk", "first_name", "last_name", "training_due_date", *_ROW_TERMS]
STUDENT_SHOWN = ["pk", "first_name", "last_name", "level", "level_raw", "class_name", "left_on",
                 "aid_kind_now", "notified_hours_now", "notification_end_now"]


def _scope(world, key) -> Scope:
    return choose_scope(user_access(world.users[key])[0], None)


def _aesh_memo(scope, filters, today):
    return sqlmemo.MemoList(
        ("test:aesh", sqlmemo.scope_key(scope), filters, today),
        lambda: aesh_selectors.aesh_list(scope, filters, today).prefetch_related(None),
        [*AESH_FIELDS, *_ROW_TERMS], _row_aesh)


@pytest.fixture
def people(world):
    today = timezone.localdate()
    for i in range(4):
        aesh = AeshFactory(home_pole=world.pole_a, last_name=f"Agent{i}",
                           training_due_date=today - datetime.timedelta(days=10 * i))
        ContractFactory(aesh=aesh, weekly_hours=Decimal(20 + i), referent_quotite=Decimal("0.25") * (i % 2))
        TrainingFactory(aesh=aesh, hours=Decimal("12.5"))
    AeshFactory(home_pole=world.pole_b, last_name="Ailleurs")
    for i in range(3):
        NotificationFactory(student=StudentFactory(school=world.schools_a[i], last_name=f"Eleve{i}",
                                                   class_name="CE1 B"))
    StudentFactory(school=world.schools_b[0], last_name="Autrepole")
    return today


@pytest.mark.parametrize("filters", [AeshFilters(), AeshFilters(sort="-fin", training_late=True),
                                     AeshFilters(search="agent1"), AeshFilters(referent=True, sort="heures")])
def test_the_memo_s_aesh_rows_are_the_orm_s_and_so_is_the_count(world, people, filters):
    sqlmemo.clear()
    scope = _scope(world, "coordinator_a")
    expected_qs = aesh_selectors.aesh_list(scope, filters, people)
    expected = [tuple(getattr(a, name) for name in AESH_SHOWN) for a in expected_qs[:3]]
    for _ in range(2):  # the miss, then the hit
        memo = _aesh_memo(scope, filters, people)
        assert memo.count() == expected_qs.count()
        got = [tuple(getattr(a, name) for name in AESH_SHOWN) for a in memo[0:3]]
        assert got == expected and all(type(value) is type(e) for row, e_row in zip(got, expected, strict=True)
                                       for value, e in zip(row, e_row, strict=True))
    assert expected or filters.search  # the cases are not vacuous


def test_rows_are_read_afresh_on_a_hit_only_the_statements_are_kept(world, people):
    sqlmemo.clear()
    scope = _scope(world, "coordinator_a")
    memo = _aesh_memo(scope, AeshFilters(), people)
    first = memo[0:25][0]
    assert memo.count() == 4 and str(first) == f"AGENT0 {first.first_name}"
    AeshFactory(home_pole=world.pole_a, last_name="Aaa")
    with CaptureQueriesContext(connection) as queries:
        memo = _aesh_memo(scope, AeshFilters(), people)
        assert memo.count() == 5 and memo[0:25][0].last_name == "Aaa"
    assert len(queries) == 2  # a hit still runs its count and its page


def test_the_key_keeps_scopes_apart(world, people):
    sqlmemo.clear()
    for key, pole in (("coordinator_a", world.pole_a), ("coordinator_b", world.pole_b)):
        scope = _scope(world, key)
        rows = _aesh_memo(scope, AeshFilters(), people)[0:25]
        assert rows and all(
            aesh_selectors.Aesh.objects.get(pk=a.pk).home_pole_id == pole.pk for a in rows)


def test_a_scope_that_sees_nothing_runs_no_query(world, people):
    sqlmemo.clear()
    for _ in range(2):
        memo = _aesh_memo(Scope.nobody(), AeshFilters(), people)
        with CaptureQueriesContext(connection) as queries:
            assert memo.count() == 0 and memo[0:25] == []
        assert len(queries) == 0


def test_the_memo_s_students_are_the_orm_s(world, people):
    sqlmemo.clear()
    scope = _scope(world, "coordinator_a")
    expected = [(tuple(getattr(s, n) for n in STUDENT_SHOWN), s.school.name, s.ulis)
                for s in eleves_selectors.student_list(scope, StudentFilters(), people)]
    for _ in range(2):
        memo = sqlmemo.MemoList(
            ("test:eleves", sqlmemo.scope_key(scope), people),
            lambda: eleves_selectors.student_list(scope, StudentFilters(), people).select_related(None),
            [*STUDENT_FIELDS, *_ROW_MORE], _row_student)
        page = Paginator(memo, 25).get_page(1)
        assert [(tuple(getattr(s, n) for n in STUDENT_SHOWN), s.school.name, s.ulis) for s in page] == expected
    assert len(expected) == 3


@pytest.mark.parametrize("url", ["aesh:list", "eleves:list"])
def test_a_hit_runs_the_queries_of_a_miss(client_as, world, people, url):
    client = client_as("coordinator_a")
    client.get(reverse(url))  # the session's first request reads the user's access once
    sqlmemo.clear()
    counts = []
    for _ in range(2):  # the miss, then the hit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("form_class", ["aesh.forms.AeshFilterForm", "eleves.forms.StudentFilterForm"])
def test_the_filters_school_options_read_as_values_are_the_model_s(world, form_class):
    from django.utils.module_loading import import_string

    from pial.models import School

    scope = _scope(world, "coordinator_a")
    form_class = import_string(form_class)
    sqlmemo.clear()
    for new_name in ("A d'abord", "B ensuite"):  # the miss, then the hit: a new school shows
        SchoolFactory(pole=world.pole_a, name=new_name)
        options = [(str(value), label) for value, label in form_class(None, scope=scope).fields["school"].choices]
        schools = School.objects.visible_to(scope).order_by("name")
        assert options == [("", "Tous"), *((str(s.pk), str(s)) for s in schools)] and len(options) > 4
    chosen = schools.last()
    bound = form_class({"school": str(chosen.pk)}, scope=scope)
    assert bound.is_valid() and bound.cleaned_data["school"] == chosen
    outside = School.objects.exclude(pk__in=schools.values("pk")).first()
    assert not form_class({"school": str(outside.pk)}, scope=scope).is_valid()
