"""« Ma semaine »: as many queries whatever the number of students and slots, each student's
school and link on the page."""

import datetime

from django.urls import reverse

from eleves.tests.factories import StudentFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from missions.tests.conftest import YEAR_END, YEAR_START
from pial.tests.helpers import count_queries


def _slot(team, world, weekday, student):
    assignment = Assignment.objects.create(aesh=team["aesh"], student=student, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=YEAR_START, end_date=YEAR_END)
    slot = TimeSlot.objects.create(aesh=team["aesh"], weekday=weekday, start_time=datetime.time(8, 30),
                                   end_time=datetime.time(10), school=student.school, valid_from=YEAR_START)
    slot.assignments.set([assignment])


def test_my_week_reads_as_many_queries_with_more_students(client_as, team, world):
    client = client_as("aesh_a")
    url = reverse("missions:my_week")
    _slot(team, world, 0, team["alice"])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    for weekday, school in enumerate(world.schools_a[:2] * 2, start=1):
        _slot(team, world, weekday % 5, StudentFactory(school=school))
    html = client.get(url).content.decode()
    assert count_queries(lambda: client.get(url)) == one
    for assignment in Assignment.objects.filter(aesh=team["aesh"]).select_related("student__school"):
        link = reverse("eleves:detail", args=[assignment.student_id])
        assert f'<a href="{link}">{assignment.student}</a> — {assignment.student.school.name}' in html


def test_my_week_names_ulis_with_their_school_in_as_many_queries(client_as, team, world):
    from eleves.models import Ulis

    client = client_as("aesh_a")
    url = reverse("missions:my_week")

    def ulis_slot(weekday, name):
        ulis = Ulis.objects.create(school=world.schools_a[1], name=name)
        assignment = Assignment.objects.create(aesh=team["aesh"], ulis=ulis, kind=AssignmentKind.COLLECTIVE,
                                               start_date=YEAR_START, end_date=YEAR_END)
        slot = TimeSlot.objects.create(aesh=team["aesh"], weekday=weekday, start_time=datetime.time(14),
                                       end_time=datetime.time(16), school=ulis.school, valid_from=YEAR_START)
        slot.assignments.set([assignment])

    ulis_slot(0, "ULIS Lune")
    client.get(url)
    one = count_queries(lambda: client.get(url))
    ulis_slot(1, "ULIS Soleil")
    ulis_slot(2, "ULIS Étoile")
    html = client.get(url).content.decode()
    assert count_queries(lambda: client.get(url)) == one
    assert all(f"{name} — {world.schools_a[1].name}" in html for name in ("ULIS Lune", "ULIS Soleil", "ULIS Étoile"))


def test_my_week_shows_the_feed_address_and_the_changes_waiting(client_as, team, world):
    """Read with the AESH: the feed's token, and whether a change waits (only then are they read)."""
    from missions.models import CalendarFeed, TimetableChange

    client = client_as("aesh_a")
    url = reverse("missions:my_week")
    html = client.get(url).content.decode()
    assert "Créer l'adresse de mon agenda" in html and "Votre emploi du temps a changé" not in html
    without = count_queries(lambda: client.get(url))
    feed = CalendarFeed.objects.create(aesh=team["aesh"])
    TimetableChange.objects.create(aesh=team["aesh"], summary="Lundi : 8 h 30 – 11 h 30")
    html = client.get(url).content.decode()
    assert f"/missions/agenda/{feed.token}.ics" in html
    assert "Votre emploi du temps a changé" in html and "Lundi : 8 h 30 – 11 h 30" in html
    assert count_queries(lambda: client.get(url)) == without + 1  # the changes waiting, read


def test_my_record_through_the_memo_is_the_orms(team, world):
    """« Ma semaine »'s first read (missions.views._my_record), its statement compiled once for every
    AESH (pial.sqlmemo.first): the same record, pôle, feed token and pending change as the ORM's."""
    from missions.models import CalendarFeed, TimetableChange
    from missions.views import _my_record
    from pial import sqlmemo
    from pial.access import user_access
    from pial.scope import choose_scope

    def read():
        scope = choose_scope(user_access(world.users["aesh_a"])[0], None)
        values = (scope.membership_id, scope.membership.user_id, scope.pole_id, scope.circonscription_id,
                  scope.departement_id)
        memo, orm = sqlmemo.first("missions:my-week", _my_record, *values), _my_record(*values).first()
        assert memo == orm == team["aesh"]
        assert (memo.home_pole, memo.home_pole.name) == (orm.home_pole, world.pole_a.name)
        assert "home_pole" in memo._state.fields_cache  # read with it: no query more
        assert (memo.feed_token, memo.has_pending) == (orm.feed_token, orm.has_pending)
        return memo

    sqlmemo.clear()
    assert read().feed_token is None and read().has_pending is False
    feed = CalendarFeed.objects.create(aesh=team["aesh"])
    TimetableChange.objects.create(aesh=team["aesh"], summary="Lundi : 8 h 30 – 11 h 30")
    assert (read().feed_token, read().has_pending) == (feed.token, True)
