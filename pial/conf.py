"""Business settings (shared/domain.md 'setting'), typed, from settings.PIAL."""

import datetime
from decimal import Decimal

from django.conf import settings


def setting(name: str):
    return settings.PIAL[name]


def setting_decimal(name: str) -> Decimal:
    return Decimal(str(settings.PIAL[name]))


def setting_date(name: str) -> datetime.date:
    return datetime.date.fromisoformat(settings.PIAL[name])
