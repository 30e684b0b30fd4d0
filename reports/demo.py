"""Demo figures: the weekly table since last year's rentrée, so the evolution chart is alive
for this year and for last year (`?annee=`)."""

import datetime

from hours.demo import last_year
from pial.demo import DEMO_DOMAIN
from pial.models import SchoolYear, User
from reports import snapshots


def seed(context: dict) -> None:
    today = context["today"]
    coordinator = User.objects.get(email=f"coordination@{DEMO_DOMAIN}")
    julie = next(a for a in context["aesh"] if a.user_id and a.user.email == f"aesh@{DEMO_DOMAIN}")
    last_year(julie.home_pole_id, coordinator, context["rng"])  # its weeks, then the figures below
    day = snapshots.monday_of(datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1))
    current = SchoolYear.objects.current()
    last = SchoolYear.objects.before(current) if current else None
    if last is not None:
        day = snapshots.monday_of(last.start_date)
    while day <= today:
        snapshots.store(min(day + datetime.timedelta(days=1), today))
        day += datetime.timedelta(weeks=1)
