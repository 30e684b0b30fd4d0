"""Speed of the hours pages on a 60-AESH pôle with a term of declared weeks (14 weeks,
840 weeks, 4 200 lines), seeded with bulk inserts. Run with `make bench`."""

import datetime
import random
from decimal import Decimal

import pytest

from aesh.models import Aesh, Contract
from benchmarks.timing import SMOKE, analyze, page_ms, within
from hours import rules
from hours.enums import Attendance, EntryKind, TimesheetState
from hours.models import TimeEntry, Timesheet
from missions.models import TimeSlot
from pial.enums import Role
from pial.models import Membership
from pial.tests.factories import MembershipFactory, PoleFactory, SchoolFactory, UserFactory

AESH_COUNT, WEEKS, SCHOOLS = (8, 3, 3) if SMOKE else (60, 14, 12)
TODAY = datetime.date.today()
TARGETS_MS = {
    "/missions/heures/validation/": 300,            # the queue: every submitted week of the pôle, 100 a page
    "/missions/heures/validation/?etat=": 300,      # every week of the term
    "/missions/heures/bilans/": 300,                # the year's balance of 60 AESH, aggregated in SQL
}


@pytest.fixture(scope="module")
def term(django_db_setup, django_db_blocker):
    rng = random.Random(11)
    with django_db_blocker.unblock():
        pole = PoleFactory(name="PIAL des heures")
        schools = [SchoolFactory(pole=pole) for _ in range(SCHOOLS)]
        coordinator = MembershipFactory(user__email="bench-heures@ac-test.fr", role=Role.COORDINATOR, pole=pole).user
        aesh_user = UserFactory(email="bench-aesh@ac-test.fr")
        Membership.objects.create(user=aesh_user, role=Role.AESH, pole=pole)
        start = rules.monday_of(TODAY) - datetime.timedelta(weeks=WEEKS)
        people = Aesh.objects.bulk_create(
            Aesh(first_name="Camille", last_name=f"Heures{i:03d}", email=f"heures{i}@bench.fr", home_pole=pole,
                 user=aesh_user if i == 0 else None) for i in range(AESH_COUNT))
        Contract.objects.bulk_create(
            Contract(aesh=a, kind="CDD", start_date=start - datetime.timedelta(days=30),
                     end_date=start + datetime.timedelta(days=900), weekly_hours=Decimal(24), weeks=41,
                     annual_base=1607, contractual_quotite=62) for a in people)
        slots = TimeSlot.objects.bulk_create(
            TimeSlot(aesh=a, weekday=day, start_time=datetime.time(8, 30), end_time=datetime.time(11, 30),
                     school=schools[(i + day) % SCHOOLS], valid_from=start, minutes=180)
            for i, a in enumerate(people) for day in range(5))
        now = datetime.datetime.now(datetime.UTC)
        states = [rng.choice([TimesheetState.SUBMITTED, TimesheetState.VALIDATED, TimesheetState.DRAFT])
                  for _ in range(AESH_COUNT * WEEKS)]
        sheets = Timesheet.objects.bulk_create(
            Timesheet(aesh=a, week_start=start + datetime.timedelta(weeks=w), state=states[i * WEEKS + w],
                      submitted_at=now if states[i * WEEKS + w] != TimesheetState.DRAFT else None,
                      validated_at=now if states[i * WEEKS + w] == TimesheetState.VALIDATED else None,
                      validated_by=coordinator if states[i * WEEKS + w] == TimesheetState.VALIDATED else None,
                      planned_minutes=900, accompaniment_minutes=900 - 60 * (w % 3 == 0),
                      unexplained_minutes=60 * (w % 3 == 0), connexe_minutes=rng.choice([0, 30, 90]),
                      main_school=schools[i % SCHOOLS])
            for i, a in enumerate(people) for w in range(WEEKS))
        by_aesh = {}
        for slot in slots:
            by_aesh.setdefault(slot.aesh_id, []).append(slot)
        TimeEntry.objects.bulk_create(
            TimeEntry(timesheet=sheet, kind=EntryKind.SLOT, day=sheet.week_start + datetime.timedelta(days=s.weekday),
                      slot=s, slot_kind="CLASS", start_time=s.start_time, end_time=s.end_time, school_id=s.school_id,
                      planned_minutes=180, minutes=180, attendance=Attendance.DONE)
            for sheet in sheets for s in by_aesh[sheet.aesh_id])
        analyze()
        print(f"\nsemaines : {Timesheet.objects.count()}, lignes : {TimeEntry.objects.count()}")
    return {"coordinator": coordinator, "aesh_user": aesh_user}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "target_ms"), TARGETS_MS.items())
def test_hours_page_speed(term, settings, url, target_ms):
    settings.MFA_REQUIRED = False
    best = page_ms(term["coordinator"], url, runs=5)
    print(f"\n{url:45} {best:7.0f} ms (objectif {target_ms} ms)")
    assert within(best, target_ms)


@pytest.mark.django_db
def test_aesh_week_speed(term, settings):
    settings.MFA_REQUIRED = False
    url = f"/missions/heures/semaine/{rules.week_slug(rules.monday_of(TODAY) - datetime.timedelta(weeks=1))}/"
    best = page_ms(term["aesh_user"], url, runs=5)
    print(f"\n{url:45} {best:7.0f} ms (objectif 200 ms)")
    assert within(best, 200)

