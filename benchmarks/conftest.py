"""Seed generator for the scale benchmarks: one big pôle, built with bulk inserts."""

import datetime
import random
from decimal import Decimal

import pytest

from aesh.models import Aesh, Contract, Training
from benchmarks.timing import SMOKE, analyze
from eleves.models import Notification, Student
from missions.models import Assignment, TimeSlot
from pial.enums import Role
from pial.tests.factories import MembershipFactory, PoleFactory, SchoolFactory

STUDENTS, AESH_COUNT, SCHOOLS = (200, 40, 6) if SMOKE else (2000, 400, 60)
TODAY = datetime.date.today()


@pytest.fixture(scope="session")
def big_pole(django_db_setup, django_db_blocker):
    rng = random.Random(7)
    with django_db_blocker.unblock():
        pole = PoleFactory(name="PIAL géant")
        schools = [SchoolFactory(pole=pole) for _ in range(SCHOOLS)]
        coordinator = MembershipFactory(user__email="bench-coordo@ac-test.fr", role=Role.COORDINATOR, pole=pole).user
        start, end = TODAY - datetime.timedelta(days=80), TODAY + datetime.timedelta(days=200)
        aesh = Aesh.objects.bulk_create(
            Aesh(first_name="Camille", last_name=f"Agent{i:04d}", email=f"agent{i}@bench.fr", home_pole=pole,
                 training_due_date=TODAY + datetime.timedelta(days=rng.randint(-100, 200)))
            for i in range(AESH_COUNT))
        Contract.objects.bulk_create(
            Contract(aesh=a, kind="CDD", start_date=start, end_date=end + datetime.timedelta(days=400),
                     weekly_hours=Decimal(24), weeks=41, annual_base=1607, contractual_quotite=62) for a in aesh)
        Training.objects.bulk_create(Training(aesh=a, date=start, hours=Decimal(6), title="Accueil") for a in aesh)
        students = Student.objects.bulk_create(
            Student(first_name="Lou", last_name=f"Eleve{i:05d}", birth_date=datetime.date(2015, 1, 1) +
                    datetime.timedelta(days=i), school=schools[i % SCHOOLS], level="CE1") for i in range(STUDENTS))
        Notification.objects.bulk_create(
            Notification(student=p, start_date=start, end_date=end, aid_kind="INDIVIDUELLE",
                         weekly_hours=Decimal(rng.choice([6, 9, 12])), state="NOTIFIED") for p in students)
        assignments = Assignment.objects.bulk_create(
            Assignment(aesh=aesh[i % AESH_COUNT], student=p, kind="INDIVIDUELLE", start_date=start, end_date=end)
            for i, p in enumerate(students[: STUDENTS * 4 // 5]))
        slots = TimeSlot.objects.bulk_create(
            TimeSlot(aesh_id=a.aesh_id, weekday=i % 5, start_time=datetime.time(8, 30),
                     end_time=datetime.time(11, 30), school=a.student.school, valid_from=start, valid_until=end,
                     minutes=180) for i, a in enumerate(assignments))
        TimeSlot.assignments.through.objects.bulk_create(
            TimeSlot.assignments.through(timeslot=s, assignment=a) for s, a in zip(slots, assignments, strict=True))
        # The other roles' main pages: the first AESH signs in, the circonscription's inspector.
        aesh_user = MembershipFactory(user__email="bench-pages-aesh@ac-test.fr", role=Role.AESH, pole=pole).user
        Aesh.objects.filter(pk=aesh[0].pk).update(user=aesh_user)
        inspector = MembershipFactory(user__email="bench-pages-ien@ac-test.fr", role=Role.INSPECTOR, pole=None,
                                      circonscription=pole.circonscription).user
        analyze()
    return {"pole": pole, "coordinator": coordinator, "aesh": aesh_user, "inspector": inspector}
