"""Demo figures: the weekly table since the rentrée, so the evolution chart is alive."""

import datetime

from reports import snapshots


def seed(context: dict) -> None:
    today = context["today"]
    day = snapshots.monday_of(datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1))
    while day <= today:
        snapshots.store(min(day + datetime.timedelta(days=1), today))
        day += datetime.timedelta(weeks=1)
