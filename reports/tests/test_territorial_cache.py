"""The report's cached body is renewed territory by territory (reports.page_cache, pial.figures):
a write through a service that names its pôles, AESH or circonscription changes on the next
request the reports of the territories it touches, and leaves the others served from the cache;
a write that names nothing (a factory, the admin, raw SQL) renews every report."""
# ruff: noqa: F811 (the dataset fixture of test_reports, imported, is each test's argument)

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aesh import services as aesh_services
from aesh.tests.factories import TrainingFactory
from eleves import services as eleves_services
from eleves.models import Student
from eleves.tests.factories import NotificationFactory, StudentFactory
from hours import services as hours_services
from hours.tests.factories import TimesheetFactory
from missions import services as missions_services
from missions.models import Assignment, AssignmentKind, TimeSlot
from pial import figures
from pial.enums import Role
from pial.tests.factories import MembershipFactory
from recourse import services as recourse_services
from reports.tests.test_reports import WRITES, _pinned_now, dataset  # noqa: F401 (fixtures)

D, T = datetime.date, datetime.time
URL = reverse("reports:report")
POLE_A = ["coordinator_a", "inspector_a", "gestionnaire", "admin"]  # pôle A, its circonscription, …
ELSEWHERE = ["coordinator_b", "inspector_b", "gestionnaire_other"]  # pôle B, its circonscription, another département


def _readers(world, names):
    if "inspector_b" in names and "inspector_b" not in world.users:
        world.users["inspector_b"] = MembershipFactory(
            user__email="inspector_b@ac-test.fr", role=Role.INSPECTOR, pole=None,
            circonscription=world.pole_b.circonscription).user
    clients = {}
    for name in names:
        clients[name] = Client()
        clients[name].force_login(world.users[name])
    return clients


def _read(client) -> tuple[str, int]:
    """The report's main part and the number of statements it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")], len(queries)


def _cross_assignment(world, dataset):
    """Léa (pôle A) with Céleste (pôle B), two hours on Thursday afternoon in Céleste's school: the
    service refuses it today, an older assignment or an import may hold one."""
    celeste = Student.objects.get(first_name="Céleste")
    assignment = Assignment.objects.create(aesh=dataset["lea"], student=celeste, kind=AssignmentKind.INDIVIDUELLE,
                                           start_date=D(2026, 9, 1), end_date=D(2027, 7, 3))
    slot = TimeSlot.objects.create(aesh=dataset["lea"], weekday=3, start_time=T(13, 0), end_time=T(15, 0),
                                   school=celeste.school, valid_from=D(2026, 9, 1))
    slot.assignments.set([assignment])
    return assignment


def _waiting_pupil(world, dataset, _):
    student = eleves_services.student_save(student=StudentFactory.build(school=world.schools_a[1],
                                                                        first_name="Nouvelle"))
    eleves_services.notification_save(notification=NotificationFactory.build(
        student=student, aid_kind="INDIVIDUELLE", weekly_hours=Decimal(6), start_date=D(2026, 9, 1),
        end_date=D(2027, 8, 31)))


def _recourse(world, dataset, _):
    recourse_services.recourse_send(aesh=dataset["lea"], school=world.schools_a[0], category="OTHER",
                                    subject="Emploi du temps", text="Bonjour")


# write: (prepared before the reports are read, the write through its service, touched, untouched)
TERRITORIAL = {
    "a waiting pupil": (None, _waiting_pupil, POLE_A, ELSEWHERE),
    "a training": (None, lambda world, dataset, _: aesh_services.training_add(
        training=TrainingFactory.build(aesh=dataset["late"], hours=Decimal(60))), POLE_A, ELSEWHERE),
    "declared hours": (
        lambda world, dataset: TimesheetFactory(aesh=dataset["late"], connexe_minutes=45, week_start=D(2026, 11, 16)),
        lambda world, dataset, week: hours_services.timesheet_submit(timesheet=week, user=None), POLE_A, ELSEWHERE),
    # A recourse shows in its circonscription's reports, never a pôle's.
    "a recourse": (None, _recourse, ["inspector_a", "gestionnaire", "admin"], ["coordinator_a", *ELSEWHERE]),
    # Pôle A's AESH loses two placed hours, pôle B's pupil her AESH: both pôles change.
    "an assignment across two pôles": (
        _cross_assignment,
        lambda world, dataset, assignment: missions_services.assignment_end(assignment=assignment, on=D(2026, 11, 20),
                                                                            user=None),
        ["coordinator_a", "coordinator_b", "inspector_a", "inspector_b", "gestionnaire", "admin"],
        ["gestionnaire_other"]),
}


@pytest.mark.parametrize("write", TERRITORIAL)
def test_a_write_renews_the_reports_of_its_territories_only(dataset, world, write):
    prepare, apply, touched, untouched = TERRITORIAL[write]
    prepared = prepare(world, dataset) if prepare else None
    clients = _readers(world, [*touched, *untouched])
    before = {}
    for name, client in clients.items():
        _read(client)
        before[name] = _read(client)  # from the cache
    apply(world, dataset, prepared)
    for name in untouched:  # the same body, from the cache: its few statements
        assert _read(clients[name]) == before[name], name
    after = {name: _read(clients[name]) for name in touched}
    for name in touched:  # computed again, the figures of now
        assert after[name][1] > before[name][1], name
        figures.renew([figures.REPORTS])
        assert _read(clients[name])[0] == after[name][0], name
    assert after[touched[0]][0] != before[touched[0]][0]  # the write shows
    if write == "an assignment across two pôles":
        assert after["coordinator_b"][0] != before["coordinator_b"][0]


@pytest.mark.parametrize("write", WRITES)
def test_a_write_that_names_nothing_renews_every_report(dataset, world, write):
    clients = _readers(world, ["inspector_a", *ELSEWHERE])
    before = {}
    for name, client in clients.items():
        _read(client)
        before[name] = _read(client)
    WRITES[write](world, dataset)
    for name, client in clients.items():
        _, statements = _read(client)
        assert statements > before[name][1], name  # computed again, wherever
    assert _read(clients["inspector_a"])[0] != before["inspector_a"][0]


def test_a_pole_straddling_two_circonscriptions_renews_both(dataset, world):
    """École Alpha 2 (pôle A) lies in circonscription B: its pupils count there, and so do pôle A's
    AESH (a circonscription counts the AESH of a pôle holding one of its schools)."""
    school = world.schools_a[2]
    school.circonscription = world.pole_b.circonscription
    school.save()
    week = TimesheetFactory(aesh=dataset["late"], connexe_minutes=45, week_start=D(2026, 11, 16))
    clients = _readers(world, ["inspector_b", "coordinator_b", "gestionnaire_other"])
    before = {}
    for name, client in clients.items():
        _read(client)
        before[name] = _read(client)
    hours_services.timesheet_submit(timesheet=week, user=None)
    assert _read(clients["inspector_b"])[1] > before["inspector_b"][1]
    assert _read(clients["coordinator_b"]) == before["coordinator_b"]
    before["inspector_b"] = _read(clients["inspector_b"])
    eleves_services.student_save(student=StudentFactory.build(school=school, first_name="Nouvelle"))
    assert _read(clients["inspector_b"])[1] > before["inspector_b"][1]
    assert _read(clients["coordinator_b"]) == before["coordinator_b"]
    assert _read(clients["gestionnaire_other"]) == before["gestionnaire_other"]


def test_a_hand_in_leaves_the_dashboards_figures_in_place(dataset, world):
    """The tables only reports read: a declared write renews the reports' versions, not the
    dashboard's (pial.figures)."""
    week = TimesheetFactory(aesh=dataset["late"], connexe_minutes=45, week_start=D(2026, 11, 16))
    names = (figures.GLOBAL, figures.NATIONAL, figures.pole_name(world.pole_a.pk), figures.REPORTS,
             figures.report_name("pole", world.pole_a.pk), figures.report_name("pole", world.pole_b.pk),
             figures.report_name("circ", world.pole_a.circonscription_id), figures.REPORT_NATIONAL)
    before = figures.stamp(*names)
    hours_services.timesheet_submit(timesheet=week, user=None)
    after = figures.stamp(*names)
    assert [b == a for b, a in zip(before, after, strict=True)] == [True, True, True, True, False, True, False, False]


def test_a_pupil_of_a_school_of_no_pole_renews_every_report(dataset, world):
    """A school no pôle holds still counts in its circonscription: a service that names its pôle
    (None) renews every report, as a writer that names nothing."""
    from pial.tests.factories import SchoolFactory

    school = SchoolFactory(pole=None, departement=world.pole_a.departement,
                           circonscription=world.pole_a.circonscription, name="École sans pôle")
    clients = _readers(world, ["inspector_a", "coordinator_b"])
    before = {}
    for name, client in clients.items():
        _read(client)
        before[name] = _read(client)
    student = eleves_services.student_save(student=StudentFactory.build(school=school, first_name="Seule"))
    eleves_services.notification_save(notification=NotificationFactory.build(
        student=student, aid_kind="INDIVIDUELLE", weekly_hours=Decimal(6), start_date=D(2026, 9, 1),
        end_date=D(2027, 8, 31)))
    inspector = _read(clients["inspector_a"])
    assert inspector[1] > before["inspector_a"][1] and inspector[0] != before["inspector_a"][0]
    assert _read(clients["coordinator_b"])[1] > before["coordinator_b"][1]
