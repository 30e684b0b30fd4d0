"""A whole week saved at once (missions.timetable_apply): constant queries, all or nothing,
the single-slot rules, notices in bulk, no duplicate on a second submission."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aesh.tests.factories import AeshFactory, ContractFactory
from eleves.tests.factories import NotificationFactory, StudentFactory
from missions import rules
from missions.models import Assignment, AssignmentKind, TimeSlot, TimetableChange
from missions.tests.conftest import TODAY, YEAR_END, YEAR_START
from missions.timetable_apply import CHECKED_CONSTRAINTS, NewSlot, week_apply
from pial.models import Reminder
from pial.reminders import Draft, schedule_many
from pial.tests.races import at_once

pytestmark = pytest.mark.django_db
T = datetime.time
START = TODAY + datetime.timedelta(days=7)


def _people(world, count: int):
    """`count` AESH (24 h) each with an individuelle student notified 6 h, and a pair of
    mutualisée students."""
    pairs = []
    for i in range(count):
        aesh = AeshFactory(home_pole=world.pole_a, first_name=f"A{i}", last_name="Test")
        ContractFactory(aesh=aesh, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("24"))
        student = StudentFactory(school=world.schools_a[0], first_name=f"E{i}", last_name="Test")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
        pairs.append((aesh, student))
    shared = []
    for i in range(2):
        student = StudentFactory(school=world.schools_a[0], first_name=f"M{i}", last_name="Test")
        NotificationFactory(student=student, start_date=YEAR_START, end_date=YEAR_END, aid_kind="MUTUALISEE",
                            weekly_hours=None)
        shared.append(student.pk)
    return pairs, tuple(shared)


def _lines(pairs, shared) -> list[NewSlot]:
    """Five lines per AESH: four mornings with their student, a mutualisée afternoon."""
    lines = []
    for aesh, student in pairs:
        lines += [NewSlot(aesh_id=aesh.pk, student_ids=(student.pk,), exclusive=True, weekday=d, start=T(9),
                          end=T(10), school_id=student.school_id) for d in range(4)]
        lines.append(NewSlot(aesh_id=aesh.pk, student_ids=shared, exclusive=False, weekday=4,
                             start=T(14), end=T(15), school_id=student.school_id))
    return lines


def _counts():
    return (TimeSlot.objects.count(), Assignment.objects.count(), TimetableChange.objects.count(),
            Reminder.objects.count(), TimeSlot.assignments.through.objects.count())


def test_the_constraints_checked_before_writing_are_the_models():
    for model, names in CHECKED_CONSTRAINTS.items():
        assert {c.name for c in model._meta.constraints} == names, model


def test_queries_do_not_grow_with_the_lines(world, django_capture_on_commit_callbacks):
    pairs, shared = _people(world, 9)
    user = world.users["coordinator_a"]
    few, many = _lines(pairs[:1], shared), _lines(pairs[1:], shared)
    assert (len(few), len(many)) == (5, 40)
    counted = []
    for lines in (few, many):
        # The e-mails leave after commit (inline in the tests, a worker's job in production).
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            applied = week_apply(additions=lines, endings=[], start=START, user=user)
        assert applied.lines == len(lines)
        counted.append(len(queries.captured_queries))
    assert counted[1] <= counted[0], counted
    assert TimeSlot.objects.count() == 45
    # Each line's assignments: one individuelle per AESH and student, one mutualisée per AESH and student.
    assert Assignment.objects.filter(kind=AssignmentKind.INDIVIDUELLE).count() == 9
    assert Assignment.objects.filter(kind=AssignmentKind.MUTUALISEE).count() == 18
    slot = TimeSlot.objects.filter(aesh=pairs[3][0], weekday=4).get()
    assert sorted(slot.assignments.values_list("student_id", flat=True)) == sorted(shared)
    assert slot.minutes == 60 and slot.valid_from == START and slot.valid_until == YEAR_END
    # One change per AESH, its e-mails to the AESH and the pôle's pilot.
    changes = TimetableChange.objects.filter(aesh=pairs[3][0])
    assert [c.summary for c in changes] == [f"Nouvel emploi du temps à partir du {START:%d/%m/%Y} : "
                                            "5 créneaux ajoutés"]
    assert Reminder.objects.filter(target=f"change:{changes[0].pk}").count() == 2
    assert sorted(r for m in mail.outbox for r in m.to if r == pairs[3][0].email) == [pairs[3][0].email]


def test_a_refused_line_writes_nothing_and_is_named(world):
    pairs, shared = _people(world, 2)
    aesh, student = pairs[1]
    lines = _lines(pairs, shared)
    lines.append(NewSlot(aesh_id=aesh.pk, student_ids=(student.pk,), exclusive=True, weekday=0, start=T(9, 30),
                         end=T(11), school_id=student.school_id))  # overlaps Monday 09:00–10:00
    lines.append(NewSlot(aesh_id=aesh.pk, student_ids=(student.pk,), exclusive=True, weekday=2, start=T(9),
                         end=T(12), school_id=student.school_id))  # 4 + 3 h > 6 h notified
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        week_apply(additions=lines, endings=[], start=START, user=world.users["coordinator_a"],
                   labels={len(lines) - 1: "Ajouter mercredi 09:00–12:00 (TEST A1)"})
    assert _counts() == before
    messages = refused.value.messages
    assert messages[0].startswith("Aucune ligne n'a été appliquée : ")
    text = " ".join(messages)
    assert "L'AESH ne peut être à deux endroits à la fois : lundi 09:00–10:00" in text
    assert "Ajouter mercredi 09:00–12:00 (TEST A1) : " in text and "au-delà des 6 h notifiées" in text
    assert "A0" not in text


def test_assignment_rules_are_those_of_a_single_save(world):
    """A student of another pôle, a student without notification, an AESH without contract at
    that date: each refused with assignment_save's words."""
    pairs, _shared = _people(world, 1)
    aesh, _student = pairs[0]
    other_pole = StudentFactory(school=world.schools_b[0])
    NotificationFactory(student=other_pole, start_date=YEAR_START, end_date=YEAR_END, weekly_hours=Decimal("6"))
    unnotified = StudentFactory(school=world.schools_a[0])
    lines = [NewSlot(aesh_id=aesh.pk, student_ids=(s.pk,), exclusive=True, weekday=0, start=T(h), end=T(h + 1),
                     school_id=world.schools_a[0].pk) for h, s in ((8, other_pole), (10, unnotified))]
    with pytest.raises(ValidationError) as refused:
        week_apply(additions=lines, endings=[], start=START, user=None)
    text = " ".join(refused.value.messages)
    assert "L'élève n'est pas scolarisé·e dans le pôle de l'AESH." in text
    assert "Aucune notification d'aide individuelle ne couvre toute la période" in text
    assert "l'élève n'a aucune notification de ce type" in text
    with pytest.raises(ValidationError) as refused:
        week_apply(additions=lines[:1], endings=[], start=YEAR_END + datetime.timedelta(days=1), user=None)
    assert "L'affectation doit tenir dans un contrat de l'AESH" in " ".join(refused.value.messages)
    assert not TimeSlot.objects.exists() and not Assignment.objects.exists()


def test_a_second_submission_duplicates_nothing(world):
    pairs, shared = _people(world, 2)
    lines = _lines(pairs, shared)
    week_apply(additions=lines, endings=[], start=START, user=None)
    after = _counts()
    with pytest.raises(ValidationError) as refused:
        week_apply(additions=lines, endings=[], start=START, user=None)
    assert "à deux endroits à la fois" in " ".join(refused.value.messages)
    assert _counts() == after


def test_endings_shorten_or_delete_and_free_the_time(world, team):
    """A slot ending the day before the start frees its hours for a line at the same time."""
    aesh, alice = team["aesh"], team["alice"]
    school = alice.school
    old = TimeSlot.objects.create(aesh=aesh, weekday=0, start_time=T(9), end_time=T(10), school=school,
                                  valid_from=YEAR_START, valid_until=YEAR_END)
    old.assignments.set([team["assignment"]])
    future = TimeSlot.objects.create(aesh=aesh, weekday=1, start_time=T(9), end_time=T(10), school=school,
                                     valid_from=START + datetime.timedelta(days=7), valid_until=YEAR_END)
    future.assignments.set([team["assignment"]])
    line = NewSlot(aesh_id=aesh.pk, student_ids=(alice.pk,), exclusive=True, weekday=0, start=T(9), end=T(10),
                   school_id=school.pk)
    with pytest.raises(ValidationError):  # without the ending, the same hour twice
        week_apply(additions=[line], endings=[], start=START, user=None)
    applied = week_apply(additions=[line], endings=[old.pk, future.pk], start=START, user=None)
    assert applied.lines == 3 and applied.ended[aesh.pk] == 2
    old.refresh_from_db()
    assert old.valid_until == START - datetime.timedelta(days=1)
    assert not TimeSlot.objects.filter(pk=future.pk).exists()
    added = TimeSlot.objects.get(aesh=aesh, valid_from=START)
    assert list(added.assignments.all()) == [team["assignment"]]  # the current assignment, reused
    assert TimetableChange.objects.get(aesh=aesh).summary.endswith("1 créneau ajouté et 2 créneaux retirés")


def test_schedule_many_stores_each_notice_once_and_sends_it(world, django_capture_on_commit_callbacks):
    """The bulk outbox: a key already stored (another process, a second call) is not stored
    twice; every new reminder is sent once after commit; queries do not grow with the drafts."""
    def drafts(n):
        return [Draft(job="timetable_change", target=f"change:{i}", threshold="", period="",
                      recipient=f"r{i}@ac-test.fr", template="notice",
                      context={"subject": "Votre emploi du temps a changé", "paragraphs": ["Changement."],
                               "sections": [], "link": "/", "link_label": "Voir"}) for i in range(n)]

    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as few:
        assert len(schedule_many(drafts(2))) == 2
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as many:
        created = schedule_many(drafts(12))
    assert len(created) == 10 and Reminder.objects.count() == 12
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert sorted(r for m in mail.outbox for r in m.to) == sorted(f"r{i}@ac-test.fr" for i in range(12))
    assert schedule_many(drafts(12)) == [] and Reminder.objects.count() == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_applies_at_the_same_moment_book_the_week_once(postgres_db, world):
    """Two coordinators apply the same week at once: the AESH rows are locked before anything
    is read, so the second sees the first's slots and applies nothing."""
    pairs, shared = _people(world, 2)
    lines = _lines(pairs, shared)

    def attempt():
        week_apply(additions=lines, endings=[], start=START, user=None)
        return "applied"

    outcomes = at_once(2, attempt, holding=rules, name="check_timetable")
    results = ["refused" if isinstance(o, ValidationError) else o for o in outcomes]
    assert sorted(results) == ["applied", "refused"]
    assert TimeSlot.objects.count() == len(lines)


def test_a_current_assignment_ending_early_is_reused_not_doubled(world):
    """A line meant to run past the end of the AESH's current assignment to the student uses that
    assignment (the slot ends with it): a second assignment over the same days would be a
    duplicate, which missions.services.assignment_save refuses."""
    (aesh, student), = _people(world, 1)[0]
    early = START + datetime.timedelta(days=30)
    current = Assignment.objects.create(aesh=aesh, student=student, kind=AssignmentKind.INDIVIDUELLE,
                                        start_date=YEAR_START, end_date=early)
    line = NewSlot(aesh_id=aesh.pk, student_ids=(student.pk,), exclusive=True, weekday=0, start=T(9), end=T(10),
                   school_id=student.school_id)
    week_apply(additions=[line], endings=[], start=START, user=world.users["coordinator_a"],
               end=START + datetime.timedelta(days=90))
    assert list(Assignment.objects.filter(aesh=aesh, student=student)) == [current]
    slot = TimeSlot.objects.get(aesh=aesh)
    assert list(slot.assignments.all()) == [current] and slot.valid_until == early
