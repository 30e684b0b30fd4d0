"""The week page's first read (hours.views._week_of), its statement compiled once for every AESH
(pial.sqlmemo.first): the same AESH, with the same context, as the ORM reads them — the week
opened or not, an absence or not, a current year or not — and each AESH their own record."""

import datetime

import pytest
from django.db.models import Model

from aesh.enums import AbsenceReason
from aesh.models import Absence, Aesh
from hours import services, views
from hours.tests.test_hours import WEEK_B, _pinned_now, crew, week_url  # noqa: F401  (fixtures)
from pial import sqlmemo
from pial.access import user_access
from pial.models import SchoolYear
from pial.scope import choose_scope
from pial.tests.helpers import count_queries

pytestmark = pytest.mark.django_db
CONTEXT = ("pole_zone", "week_id", "year_start", "absent_that_week")


def _values(aesh: Model) -> dict:
    return {**{f.attname: getattr(aesh, f.attname) for f in Aesh._meta.concrete_fields},
            **{name: getattr(aesh, name) for name in CONTEXT}}


def _read(world, key: str, monday=WEEK_B):
    scope = choose_scope(user_access(world.users[key])[0], None)
    values = (scope.membership_id, scope.membership.user_id, scope.pole_id, scope.circonscription_id,
              scope.departement_id, monday, monday + datetime.timedelta(days=4))
    memo = sqlmemo.first("hours:week-context", views._week_context, *values)
    orm = views._week_context(*values).first()
    return memo, orm


def _same(world, key: str, monday=WEEK_B) -> dict:
    memo, orm = _read(world, key, monday)
    assert memo is not None and not memo._state.adding and memo._state.db == orm._state.db
    assert _values(memo) == _values(orm)
    assert {type(getattr(memo, n)) for n in CONTEXT} == {type(getattr(orm, n)) for n in CONTEXT}
    return _values(memo)


def test_the_memo_reads_what_the_orm_reads(world, crew):  # noqa: F811
    sqlmemo.clear()
    lea = _same(world, "aesh_a")
    assert lea["id"] == crew["lea"].pk and lea["week_id"] is None and lea["absent_that_week"] is False
    assert isinstance(lea["year_start"], datetime.date)
    assert ("first", "hours:week-context", (False, False, False, True, True, False, False)) in sqlmemo._STATEMENTS
    assert sqlmemo._STATEMENTS[("first", "hours:week-context", (False, False, False, True, True, False, False))]
    noe = _same(world, "aesh_b")  # the statement compiled for Léa, Noé's values
    assert noe["id"] == crew["noe"].pk and noe["home_pole_id"] != lea["home_pole_id"]
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    Absence.objects.create(aesh=crew["lea"], start_date=WEEK_B, end_date=WEEK_B, reason=AbsenceReason.TRAINING)
    lea = _same(world, "aesh_a")
    assert lea["week_id"] == sheet.pk and lea["absent_that_week"] is True
    assert _same(world, "aesh_a", WEEK_B - datetime.timedelta(weeks=1))["week_id"] is None
    SchoolYear.objects.update(is_current=False)
    assert _same(world, "aesh_a")["year_start"] is None


def test_an_aesh_without_a_record_reads_nothing(world, crew):  # noqa: F811
    Aesh.objects.filter(pk=crew["lea"].pk).update(user=None)
    assert _read(world, "aesh_a") == (None, None)


def test_the_page_reads_the_aesh_in_one_query_still(client_as, crew):  # noqa: F811
    client = client_as("aesh_a")
    client.get(week_url(WEEK_B))
    sqlmemo.clear()
    compiled = count_queries(lambda: client.get(week_url(WEEK_B)))
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == compiled


def test_the_page_entries_read_through_the_memo_are_the_orms(client_as, crew):  # noqa: F811
    """selectors.with_page_entries: the lines (their school and slot, the slots' students) and the
    events of the week, set on it as prefetch_related() sets them: nothing read again after."""
    from django.db.models import prefetch_related_objects

    from hours import selectors
    from hours.models import TimeEntry, Timesheet

    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    services.entry_add(timesheet=sheet, kind="OUTING", day=WEEK_B, minutes=60, label="Musée", training_kind="")
    services.timesheet_submit(timesheet=sheet, user=None)  # an event
    sqlmemo.clear()
    for _ in range(2):  # compiled, then from the memo
        week = selectors.week_of(crew["lea"].pk, WEEK_B)
        assert week == sheet
        read = selectors.with_page_entries(week)
        assert count_queries(lambda read=read: [
            (e.school, e.slot, e.timesheet, list(e.slot.assignments.all()) if e.slot else None)
            for e in read.entries.all()] + list(read.events.all())) == 0
        orm = Timesheet.objects.get(pk=sheet.pk)
        prefetch_related_objects([orm], "events", "entries__school", "entries__slot__assignments__student")
        assert list(read.entries.all()) == list(orm.entries.order_by("day", "start_time", "pk"))
        assert list(read.events.all()) == list(orm.events.order_by("at", "pk")) and read.events.all()
        for mine, theirs in zip(read.entries.all(), orm.entries.order_by("day", "start_time", "pk"), strict=True):
            assert (mine.school, mine.slot, mine.minutes, mine.day) == (theirs.school, theirs.slot, theirs.minutes,
                                                                        theirs.day)
            if mine.slot:
                assert [a.target_label for a in mine.slot.assignments.all()] == \
                    [a.target_label for a in theirs.slot.assignments.all()] != []
    assert TimeEntry.objects.filter(timesheet=sheet, slot__isnull=True).exists()
    assert selectors.week_of(crew["lea"].pk, WEEK_B - datetime.timedelta(weeks=1)) is None
