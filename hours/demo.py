"""Demo hours: a term of weeks for the demo AESH (validated, one returned, last week
submitted, this week a draft), last school year closed with every week validated (`last_year`, history
for `?annee=` on the balances), recent weeks of colleagues waiting in the validation queue (some
with a gap to look at), and the support logged by each référent."""

from __future__ import annotations

import datetime

from aesh.enums import AbsenceReason, TrainingKind
from aesh.models import Aesh, Amendment
from hours import rules, services
from hours.enums import Attendance, ConnexeCategory, EntryKind, ReferentActivityKind
from hours.models import Timesheet
from hours.services import SlotAnswer
from missions.models import TimeSlot
from pial.calendar import school_day_on_or_after
from pial.demo import DEMO_DOMAIN
from pial.models import SchoolYear, User


def seed(context: dict) -> None:
    today, rng = context["today"], context["rng"]
    coordinator = User.objects.get(email=f"coordination@{DEMO_DOMAIN}")
    julie = next(a for a in context["aesh"] if a.user_id)
    current = rules.monday_of(today)
    start = rules.monday_of(datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1))
    weeks = []
    monday = start
    while monday <= current:
        weeks.append(monday)
        monday += datetime.timedelta(weeks=1)
    for index, monday in enumerate(weeks):
        sheet = services.timesheet_open(aesh=julie, monday=monday)
        if not sheet.planned_minutes:
            if monday != current:
                sheet.delete()  # a holiday week: nothing to declare
            continue
        if monday == current:
            continue  # this week: a draft, pre-filled
        _declare(sheet, index, rng)
        services.timesheet_submit(timesheet=sheet, user=julie.user)
        if monday == weeks[-2]:
            continue  # last week: submitted, waiting for the coordination
        if index == 3:
            services.timesheet_return(timesheet=sheet, user=coordinator,
                                      comment="Le mardi, l'emploi du temps indique 3 h : pouvez-vous préciser ?")
            continue
        services.timesheet_validate(timesheet=sheet, user=coordinator)
    colleagues = [a for a in context["aesh"] if a.home_pole_id == julie.home_pole_id and a.pk != julie.pk][:10]
    last = weeks[-2] if len(weeks) > 1 else current
    for number, aesh in enumerate(colleagues):
        sheet = services.timesheet_open(aesh=aesh, monday=last)
        if not sheet.planned_minutes:
            sheet.delete()
            continue
        _declare(sheet, number, rng)
        services.timesheet_submit(timesheet=sheet, user=aesh.user)
    _referents(context, today, rng)


def last_year(pole_id: int, coordinator, rng) -> None:
    """The closed year before this one: the AESH of the pôle who worked it with an account (the
    référente, whose account the référents' demo opens) declared every week with a timetable,
    handed it in, and had it validated. Called by the reports' demo, which seeds last."""
    current = SchoolYear.objects.current()
    last = SchoolYear.objects.before(current) if current else None
    if last is None:
        return
    worked = TimeSlot.objects.filter(aesh__home_pole_id=pole_id, valid_from__lte=last.start_date)
    aesh = (Aesh.objects.filter(pk__in=worked.values("aesh_id"), user__isnull=False)
            .select_related("user").order_by("pk").first())
    if aesh is None:
        return
    monday = rules.monday_of(last.start_date)
    index = 0
    while monday <= last.end_date:
        sheet = services.timesheet_open(aesh=aesh, monday=monday)
        if not sheet.planned_minutes:
            sheet.delete()  # a holiday week, or before the timetable began
        else:
            _declare(sheet, index, rng)
            services.timesheet_submit(timesheet=sheet, user=aesh.user)
            services.timesheet_validate(timesheet=sheet, user=coordinator)
            index += 1
        monday += datetime.timedelta(weeks=1)


def _declare(sheet: Timesheet, index: int, rng) -> None:
    entries = list(sheet.entries.filter(kind=EntryKind.SLOT).order_by("day", "start_time"))
    answers = {e.pk: SlotAnswer(Attendance.DONE, e.minutes) for e in entries}
    if entries and index % 5 == 1:
        first = entries[0]
        answers[first.pk] = SlotAnswer(Attendance.AESH_ABSENT, 0, AbsenceReason.SICK_LEAVE)
    if len(entries) > 2 and index % 4 == 2:
        answers[entries[2].pk] = SlotAnswer(Attendance.STUDENT_ABSENT, entries[2].minutes)
    if entries and index % 7 == 4:
        last = entries[-1]
        answers[last.pk] = SlotAnswer(Attendance.DONE, max(last.minutes - 60, 0) // 15 * 15)  # a gap to look at
    connexe = {ConnexeCategory.PREPARATION: rng.choice([0, 30, 60, 90]),
               ConnexeCategory.CONCERTATION: rng.choice([0, 0, 30, 45])}
    if index % 6 == 2:
        connexe[ConnexeCategory.ESS] = 90
    services.timesheet_save(timesheet=sheet, slots=answers, connexe=connexe, comment="", version=sheet.version)
    sheet.refresh_from_db()
    if index % 4 == 1 and entries:
        services.entry_add(timesheet=sheet, kind=EntryKind.TRAINING, day=entries[0].day, minutes=180,
                           label="Troubles du spectre de l'autisme (module 2)", training_kind=TrainingKind.ADAPTATION)


def _referents(context: dict, today: datetime.date, rng) -> None:
    for amendment in Amendment.objects.filter(referent_quotite__gt=0, state="ACCEPTED").select_related(
            "contract__aesh"):
        referent = amendment.contract.aesh
        colleagues = [a for a in context["aesh"] if a.home_pole_id == referent.home_pole_id and a.pk != referent.pk]
        for weeks_ago in range(1, 10):
            day = school_day_on_or_after(
                rules.monday_of(today) - datetime.timedelta(weeks=weeks_ago, days=-rng.randint(0, 3)), "B")
            if day > today:
                continue
            kind = [ReferentActivityKind.WELCOME, ReferentActivityKind.METHOD, ReferentActivityKind.PRACTICE_GROUP,
                    ReferentActivityKind.PILOTS][weeks_ago % 4]
            supported = rng.sample(colleagues, k=min(len(colleagues), 5 if kind == "PRACTICE_GROUP" else 1)) \
                if kind != ReferentActivityKind.PILOTS else []
            services.referent_activity_add(referent=referent, date=day, kind=kind,
                                           minutes=rng.choice([60, 90, 120, 180]), supported=supported)
