"""Notifications: kinds never overlap, hours are plausible, French messages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from eleves.enums import AidKind, NotificationStatus
from eleves.models import Notification, validate_ine
from eleves.services import notification_save
from eleves.tests.factories import NotificationFactory, StudentFactory

d = datetime.date
pytestmark = pytest.mark.django_db


def test_overlapping_individuelle_and_mutualisee_are_rejected_in_french():
    existing = NotificationFactory()
    clash = Notification(student=existing.student, start_date=d(2027, 1, 1), end_date=d(2029, 1, 1),
                         aid_kind=AidKind.MUTUALISEE)
    with pytest.raises(ValidationError) as raised:
        notification_save(notification=clash)
    assert "ne peuvent se chevaucher" in raised.value.message_dict["aid_kind"][0]
    assert Notification.objects.count() == 1


def test_successive_kinds_are_accepted():
    existing = NotificationFactory(end_date=d(2026, 8, 31))
    notification_save(notification=Notification(student=existing.student, start_date=d(2026, 9, 1),
                                                end_date=d(2028, 8, 31), aid_kind=AidKind.MUTUALISEE))
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "hours", "fragment"),
    [(AidKind.INDIVIDUELLE, None, "précise un nombre d'heures"),
     (AidKind.INDIVIDUELLE, Decimal("30"), "dépassent la semaine scolaire (24 h)"),
     (AidKind.MUTUALISEE, Decimal("6"), "n'a pas d'heures notifiées")],
)
def test_hours_must_match_the_kind(kind, hours, fragment):
    notification = NotificationFactory.build(student=StudentFactory(), aid_kind=kind, weekly_hours=hours)
    with pytest.raises(ValidationError) as raised:
        notification.full_clean()
    assert fragment in raised.value.message_dict["weekly_hours"][0]


def test_hours_match_kind_is_a_database_constraint():
    student = StudentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(student=student, start_date=d(2025, 9, 1), end_date=d(2026, 8, 31),
                                    aid_kind=AidKind.MUTUALISEE, weekly_hours=Decimal("6"))


@pytest.mark.parametrize(
    ("kind", "weekly", "hours", "fragment"),
    [(AidKind.INDIVIDUELLE, Decimal("6"), Decimal("2"), "Seule une aide mutualisée a des heures attribuées"),
     (AidKind.MUTUALISEE, None, Decimal("0"), "supérieures à 0"),
     (AidKind.MUTUALISEE, None, Decimal("30"), "dépassent la semaine scolaire (24 h)")],
)
def test_mutualised_hours_belong_to_a_mutualisee_aid(kind, weekly, hours, fragment):
    notification = NotificationFactory.build(student=StudentFactory(), aid_kind=kind, weekly_hours=weekly,
                                             mutualised_hours=hours)
    with pytest.raises(ValidationError) as raised:
        notification.full_clean()
    assert fragment in raised.value.message_dict["mutualised_hours"][0]


def test_mutualised_hours_are_a_database_constraint():
    student = StudentFactory()
    kept = Notification.objects.create(student=student, start_date=d(2025, 9, 1), end_date=d(2026, 8, 31),
                                       aid_kind=AidKind.MUTUALISEE, mutualised_hours=Decimal("8"))
    kept.full_clean()
    for kind, weekly, hours in ((AidKind.INDIVIDUELLE, Decimal("6"), Decimal("2")),
                                (AidKind.MUTUALISEE, None, Decimal("0"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(student=student, start_date=d(2026, 9, 1), end_date=d(2027, 8, 31),
                                        aid_kind=kind, weekly_hours=weekly, mutualised_hours=hours)


def test_status_over_time():
    notification = NotificationFactory.build(start_date=d(2025, 9, 1), end_date=d(2026, 8, 31))
    assert notification.status(d(2025, 8, 1)) == NotificationStatus.UPCOMING
    assert notification.status(d(2026, 1, 1)) == NotificationStatus.IN_FORCE
    assert notification.status(d(2026, 9, 1)) == NotificationStatus.ENDED


@pytest.mark.parametrize("ine", ["123456789AB", "1234567890A", "ABCDE123451", "1234A12345B"])
def test_valid_ine_formats(ine):
    validate_ine(ine)


@pytest.mark.parametrize("ine", ["12345", "123456789OI", "abc"])
def test_invalid_ine_is_rejected_in_french(ine):
    with pytest.raises(ValidationError, match="format connu"):
        validate_ine(ine)


@pytest.mark.postgres
def test_postgres_refuses_overlapping_kinds(postgres_db):
    existing = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(student=existing.student, start_date=d(2027, 1, 1), end_date=d(2029, 1, 1),
                                    aid_kind=AidKind.MUTUALISEE)


def test_the_student_page_shows_a_mutualisee_aid_s_hours(client_as, world):
    student = StudentFactory(school=world.schools_a[0])
    NotificationFactory(student=student, aid_kind=AidKind.MUTUALISEE, weekly_hours=None,
                        mutualised_hours=Decimal("8"))
    page = client_as("coordinator_a").get(reverse("eleves:detail", args=[student.pk])).content.decode()
    assert "8 h par semaine attribuées" in page
