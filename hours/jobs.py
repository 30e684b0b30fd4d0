"""Reminder of the hours: an AESH whose past week is still a draft gets one e-mail."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from aesh.models import Aesh, Contract
from hours import rules
from hours.enums import TimesheetState
from hours.models import Timesheet
from missions.models import TimeSlot
from pial.calendar import is_day_off
from pial.models import School
from pial.reminders import Draft


def timesheet_draft(today: datetime.date) -> list[Draft]:
    """The week before this one: AESH with an account, a contract that week and a timetable,
    whose week is not opened, still a draft, or returned and not sent again."""
    monday = rules.monday_of(today) - datetime.timedelta(weeks=1)
    friday = monday + datetime.timedelta(days=4)
    slug = rules.week_slug(monday)
    sheet = Timesheet.objects.filter(aesh=OuterRef("pk"), week_start=monday)
    candidates = (
        Aesh.objects.filter(user__isnull=False, user__is_active=True)
        .annotate(
            has_contract=Exists(Contract.objects.filter(aesh=OuterRef("pk")).in_force_on(monday + datetime.timedelta(
                days=2))),
            has_slots=Exists(TimeSlot.objects.filter(aesh=OuterRef("pk"), valid_from__lte=friday)
                             .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=monday))),
            sent=Exists(sheet.filter(state__in=(TimesheetState.SUBMITTED, TimesheetState.VALIDATED))),
            zone=Subquery(School.objects.filter(pole=OuterRef("home_pole")).exclude(zone="").values("zone")[:1]),
        )
        .filter(has_contract=True, has_slots=True, sent=False)
        .select_related("user")
    )
    holidays: dict[str, bool] = {}
    drafts = []
    for aesh in candidates:
        zone = aesh.zone or ""
        if zone not in holidays:
            holidays[zone] = all(is_day_off(monday + datetime.timedelta(days=i), zone) for i in range(5))
        if holidays[zone]:
            continue
        label = rules.week_label(monday)
        context = {
            "subject": f"Votre {label} reste à transmettre",
            "paragraphs": [
                f"Votre {label} n'a pas encore été transmise à la coordination.",
                "Elle est préremplie avec votre emploi du temps : vérifiez-la, ajoutez si vous le souhaitez vos "
                "activités connexes, puis transmettez-la. Quelques minutes suffisent.",
            ],
            "sections": [], "link": reverse("hours:week", args=[slug]),
            "link_label": "Ouvrir ma semaine (connexion requise)",
        }
        drafts.append(Draft("timesheet_draft", f"aesh:{aesh.pk}", "draft", slug, aesh.user.email, "notice",
                            context))
    return drafts
