"""Writes on declared weeks and référent activity.

Every write locks the week's row, checks the rules on the week as it would be, and
recomputes the totals kept on the row. Writes are idempotent where a person can
repeat them by accident: opening a week twice, a double click on « ajouter »
(a client token), a form posted again after a lost connection (no change, no
conflict), submitting or validating twice (no second event).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aesh.enums import TrainingKind
from aesh.models import Aesh, Training
from hours import rules, selectors
from hours.enums import (
    ADDED_KINDS,
    Attendance,
    ConnexeCategory,
    EntryKind,
    TimesheetAction,
    TimesheetState,
)
from hours.models import ReferentActivity, TimeEntry, Timesheet, TimesheetEvent
from pial import figures
from pial.models import SchoolYear


class ConflictError(ValidationError):
    """The week changed since the form was shown (another tab, another device)."""


def _reports_of(aesh_of):
    """The service's writes (the week, its trainings) change the reports of the territories of the
    AESH's home pôle only (pial.figures): a hand-in leaves the other pôles' reports cached."""
    def decorate(service):
        @functools.wraps(service)
        def run(**kwargs):
            with figures.writes(aesh_ids=[aesh_of(kwargs)]):
                return service(**kwargs)
        return run
    return decorate


_OF_THE_WEEK = _reports_of(lambda kwargs: kwargs["timesheet"].aesh_id)


# --- Opening a week ------------------------------------------------------------------------

@_reports_of(lambda kwargs: kwargs["aesh"].pk)
def timesheet_open(*, aesh: Aesh, monday: datetime.date) -> Timesheet:
    """The AESH's week, created on first opening and pre-filled from the timetable in force."""
    if monday.weekday() != 0:
        raise ValidationError("Une semaine commence un lundi.")
    existing = _existing_week(aesh, monday)
    if existing:
        return existing
    try:
        with transaction.atomic():
            timesheet = Timesheet.objects.create(aesh=aesh, week_start=monday)
            _prefill(timesheet)
    except IntegrityError:
        # Another request opened it at the same moment: theirs is the week.
        return Timesheet.objects.get(aesh=aesh, week_start=monday)
    return timesheet


def _existing_week(aesh: Aesh, monday: datetime.date) -> Timesheet | None:
    return Timesheet.objects.filter(aesh=aesh, week_start=monday).first()


def _prefill(timesheet: Timesheet) -> None:
    """Every slot of the timetable that week, « assuré », or « AESH absent·e » with its motif on
    the days of an absence period the coordination entered. A day after today is left « à venir »
    (no attendance): nobody says it happened before it has."""
    TimeEntry.objects.bulk_create(_planned_entries(timesheet))
    _recompute(timesheet, list(timesheet.entries.all()))


def _planned_entries(timesheet: Timesheet, *, for_page: bool = False) -> list[TimeEntry]:
    """The pre-fill's lines, not saved (`for_page`: their slots' students and schools loaded)."""
    # A page's look at a week knows from the AESH's read (selectors.with_week_context) whether an
    # absence period touches it; the writes read the periods themselves.
    known_free = for_page and getattr(timesheet.aesh, "absent_that_week", True) is False
    absent = {} if known_free else selectors.absence_reasons(timesheet.aesh_id, timesheet.week_start)
    today = timezone.localdate()

    def answer(day, slot):
        if day in absent:
            return {"minutes": 0, "attendance": Attendance.AESH_ABSENT, "absence_reason": absent[day]}
        if day > today:
            return {"minutes": 0, "attendance": ""}
        return {"minutes": slot.minutes, "attendance": Attendance.DONE}

    return [
        TimeEntry(timesheet=timesheet, kind=EntryKind.SLOT, day=day, slot=slot, slot_kind=slot.kind,
                  start_time=slot.start_time, end_time=slot.end_time, school=slot.school,
                  planned_minutes=slot.minutes, **answer(day, slot))
        for day, slot in selectors.planned_occurrences(timesheet.aesh_id, timesheet.week_start, for_page=for_page)
    ]


def timesheet_preview(*, aesh: Aesh, monday: datetime.date) -> tuple[Timesheet, list[TimeEntry]]:
    """A week never opened, as timesheet_open() would create it, written nowhere: a look at the
    page creates nothing (its first POST does). The lines and totals are the pre-fill's."""
    timesheet = Timesheet(aesh=aesh, week_start=monday)
    entries = _planned_entries(timesheet, for_page=True)
    _set_totals(timesheet, entries)
    return timesheet, entries


def _recompute(timesheet: Timesheet, entries: Iterable[TimeEntry]) -> None:
    _set_totals(timesheet, list(entries))
    timesheet.save()


def _set_totals(timesheet: Timesheet, entries: list[TimeEntry]) -> None:
    totals = rules.week_totals(e.as_line() for e in entries)
    for name in selectors.TOTAL_FIELDS:
        setattr(timesheet, name, getattr(totals, name.removesuffix("_minutes")))
    timesheet.main_school_id = rules.main_school(
        (e.school_id, e.planned_minutes) for e in entries if e.kind == EntryKind.SLOT)


def _locked(timesheet: Timesheet) -> Timesheet:
    return Timesheet.objects.select_for_update().get(pk=timesheet.pk)


DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _day_fr(day: datetime.date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day:%d/%m/%Y}"


def finished_message(timesheet: Timesheet, verb: str = "se transmet", *, last: datetime.date | None = None) -> str:
    """`last`: the week's last school day when the caller has it (selectors.last_school_day)."""
    last = last or selectors.last_school_day(timesheet)
    return (f"Cette semaine n'est pas encore finie : elle {verb} à partir du "
            f"{_day_fr(last + datetime.timedelta(days=1))}, une fois passé son dernier jour de classe "
            f"(le {_day_fr(last)}).")


def _require_finished(timesheet: Timesheet, verb: str) -> None:
    """A week is transmitted, and validated, once its last school day is past."""
    if not selectors.is_finished(timesheet, timezone.localdate()):
        raise ValidationError(finished_message(timesheet, verb))


def _require_editable(timesheet: Timesheet) -> None:
    if not timesheet.is_editable:
        raise ValidationError(f"Cette semaine est {timesheet.get_state_display().lower()} : elle ne peut plus être "
                              "modifiée. La coordination peut la rouvrir si une correction est nécessaire.")


def closed_year_message(monday: datetime.date) -> str:
    """A week before the current school year's rentrée belongs to a closed year: it is no longer
    opened nor transmitted (its balances are done). "" for a week of the current year."""
    year = SchoolYear.objects.current()
    if year is None or monday >= rules.monday_of(year.start_date):
        return ""
    return (f"La semaine du {monday:%d/%m/%Y} appartient à une année scolaire close (l'année {year.name} a "
            f"commencé le {year.start_date:%d/%m/%Y}) : elle ne se déclare plus. Si une correction est "
            "nécessaire, demandez à la coordination de la rouvrir.")


def closed_year_refusal(timesheet: Timesheet | None, monday: datetime.date) -> str:
    """Why the AESH may not open or change this week: one of a closed year, unless the
    coordination sent it back or reopened it (both leave it RETURNED). The demo's history and
    the services themselves are not bound by it: the AESH's pages are (hours.views)."""
    if timesheet is not None and timesheet.state == TimesheetState.RETURNED:
        return ""
    return closed_year_message(monday)


# --- Saving what happened ----------------------------------------------------------------------

@dataclass(frozen=True)
class SlotAnswer:
    attendance: str
    minutes: int
    reason: str = ""


@transaction.atomic
@_OF_THE_WEEK
def timesheet_save(*, timesheet: Timesheet, slots: dict[int, SlotAnswer], connexe: dict[str, int], comment: str,
                   version: int) -> list[str]:
    """Saves the AESH's answers for the timetabled slots, connexe totals and comment; returns
    warnings. The same post twice changes nothing the second time."""
    timesheet = _locked(timesheet)
    entries = list(timesheet.entries.all())
    new_lines, changed = [], comment.strip() != timesheet.comment
    for entry in entries:
        line = entry.as_line()
        if entry.kind == EntryKind.SLOT and entry.pk in slots:
            answer = slots[entry.pk]
            line = rules.normalized(replace(line, attendance=answer.attendance, minutes=answer.minutes,
                                            reason=answer.reason))
            changed |= (line.attendance, line.minutes, line.reason) != (entry.attendance, entry.minutes,
                                                                      entry.absence_reason)
        if entry.kind != EntryKind.CONNEXE:
            new_lines.append(line)
    current_connexe = {e.category: e.minutes for e in entries if e.kind == EntryKind.CONNEXE}
    wanted_connexe = {c: m for c, m in connexe.items() if m and c in ConnexeCategory.values}
    changed |= wanted_connexe != current_connexe
    new_lines += [rules.Line(key=f"connexe-{c}", kind=EntryKind.CONNEXE, day=None, minutes=m, category=c)
                  for c, m in wanted_connexe.items()]
    if not changed:
        return rules.line_warnings(new_lines)
    _require_editable(timesheet)
    if version != timesheet.version:
        raise ConflictError("Cette semaine a été modifiée entre-temps, sans doute dans un autre onglet ou sur un "
                            "autre appareil. Vos saisies sont reprises ci-dessous : vérifiez-les puis enregistrez "
                            "à nouveau.")
    errors = rules.week_errors(new_lines)
    if errors:
        raise ValidationError(errors)
    by_key = {line.key: line for line in new_lines}
    for entry in entries:
        if entry.kind == EntryKind.SLOT and str(entry.pk) in by_key:
            line = by_key[str(entry.pk)]
            entry.attendance, entry.minutes, entry.absence_reason = line.attendance, line.minutes, line.reason
            entry.save(update_fields=["attendance", "minutes", "absence_reason"])
    dropped = set(current_connexe) - set(wanted_connexe)
    if dropped:
        TimeEntry.objects.filter(timesheet=timesheet, kind=EntryKind.CONNEXE, category__in=dropped).delete()
    for category, minutes in wanted_connexe.items():
        TimeEntry.objects.update_or_create(timesheet=timesheet, kind=EntryKind.CONNEXE, category=category,
                                           defaults={"minutes": minutes})
    timesheet.comment = comment.strip()
    timesheet.version += 1
    _recompute(timesheet, timesheet.entries.all())
    return rules.line_warnings(new_lines)


@transaction.atomic
@_OF_THE_WEEK
def entry_add(*, timesheet: Timesheet, kind: str, day: datetime.date, minutes: int, label: str = "",
              training_kind: str = "", client_token: str = "") -> TimeEntry:
    """Adds an activity on a day of the week (an outing, lunch duty, a replacement, a training)."""
    timesheet = _locked(timesheet)
    if client_token:
        existing = TimeEntry.objects.filter(timesheet=timesheet, client_token=client_token).first()
        if existing:
            return existing  # a double click, or the same form sent again
    _require_editable(timesheet)
    errors = []
    if kind not in ADDED_KINDS:
        errors.append("Choisissez la nature de l'activité ajoutée.")
    if not timesheet.week_start <= day <= timesheet.week_start + datetime.timedelta(days=5):
        errors.append(f"Le {day:%d/%m/%Y} n'est pas un jour de cette semaine.")
    if kind == EntryKind.TRAINING and not label.strip():
        errors.append(f"{rules.day_label(day)}, formation suivie : indiquez l'intitulé de la formation.")
    if errors:
        raise ValidationError(errors)
    line = rules.Line(key="new", kind=kind, day=day, minutes=minutes)
    entries = list(timesheet.entries.all())
    errors = rules.week_errors([e.as_line() for e in entries if e.kind != EntryKind.CONNEXE] + [line])
    if errors:
        raise ValidationError(errors)
    entry = TimeEntry.objects.create(
        timesheet=timesheet, kind=kind, day=day, minutes=minutes, label=label.strip()[:200],
        training_kind=(training_kind or TrainingKind.CONTINUING) if kind == EntryKind.TRAINING else "",
        client_token=client_token[:40],
    )
    timesheet.version += 1
    _recompute(timesheet, [*entries, entry])
    return entry


@transaction.atomic
@_reports_of(lambda kwargs: kwargs["entry"].timesheet.aesh_id)
def entry_remove(*, entry: TimeEntry) -> None:
    """Removes an added activity (timetabled slots stay: say what happened instead)."""
    timesheet = _locked(entry.timesheet)
    _require_editable(timesheet)
    if entry.kind not in ADDED_KINDS:
        raise ValidationError("Un créneau de l'emploi du temps ne se supprime pas : indiquez ce qui s'est passé.")
    entry.delete()
    timesheet.version += 1
    _recompute(timesheet, timesheet.entries.all())


# --- Workflow ----------------------------------------------------------------------------------

def _event(timesheet: Timesheet, action: str, user, comment: str = "") -> TimesheetEvent:
    return TimesheetEvent.objects.create(timesheet=timesheet, action=action, user=user,
                                         user_email=getattr(user, "email", "") or "", comment=comment[:1000])


@transaction.atomic
@_OF_THE_WEEK
def timesheet_submit(*, timesheet: Timesheet, user) -> Timesheet:
    """The AESH hands the week to the coordination. Submitting again changes nothing."""
    timesheet = _locked(timesheet)
    if timesheet.state in (TimesheetState.SUBMITTED, TimesheetState.VALIDATED):
        return timesheet
    _require_finished(timesheet, "se transmet")
    lines = [e.as_line() for e in timesheet.entries.all()]
    errors = rules.week_errors(lines)
    errors += [f"{line.where} : dites comment ce créneau s'est passé." for line in lines if line.is_to_come]
    if errors:
        raise ValidationError(errors)
    timesheet.state = TimesheetState.SUBMITTED
    timesheet.submitted_at = timezone.now()
    timesheet.save(update_fields=["state", "submitted_at", "updated_at"])
    _event(timesheet, TimesheetAction.SUBMITTED, user)
    return timesheet


def _record_trainings(timesheet: Timesheet) -> None:
    """Training declared in a validated week feeds the AESH's training record (the 60 hours)."""
    for entry in timesheet.entries.filter(kind=EntryKind.TRAINING, training__isnull=True):
        training = Training(aesh_id=timesheet.aesh_id, kind=entry.training_kind or TrainingKind.CONTINUING,
                            date=entry.day, hours=Decimal(entry.minutes) / 60, title=entry.label[:200] or "Formation",
                            organizer=f"Déclarée dans la {timesheet.label}")
        training.full_clean()
        training.save()
        entry.training = training
        entry.save(update_fields=["training"])


@transaction.atomic
@_OF_THE_WEEK
def timesheet_validate(*, timesheet: Timesheet, user) -> Timesheet:
    timesheet = _locked(timesheet)
    if timesheet.state == TimesheetState.VALIDATED:
        return timesheet
    if timesheet.state != TimesheetState.SUBMITTED:
        raise ValidationError("Seule une semaine transmise par l'AESH peut être validée.")
    _require_finished(timesheet, "se valide")
    timesheet.state = TimesheetState.VALIDATED
    timesheet.validated_at = timezone.now()
    timesheet.validated_by = user
    timesheet.return_comment = ""
    timesheet.save(update_fields=["state", "validated_at", "validated_by", "return_comment", "updated_at"])
    _record_trainings(timesheet)
    _event(timesheet, TimesheetAction.VALIDATED, user)
    return timesheet


@transaction.atomic
@_OF_THE_WEEK
def timesheet_return(*, timesheet: Timesheet, user, comment: str) -> Timesheet:
    """Back to the AESH for a correction, with a comment they see."""
    if not comment.strip():
        raise ValidationError({"comment": "Dites à l'AESH ce qu'il faut corriger."})
    timesheet = _locked(timesheet)
    if timesheet.state != TimesheetState.SUBMITTED:
        raise ValidationError("Seule une semaine transmise peut être renvoyée pour correction.")
    timesheet.state = TimesheetState.RETURNED
    timesheet.return_comment = comment.strip()[:1000]
    timesheet.save(update_fields=["state", "return_comment", "updated_at"])
    _event(timesheet, TimesheetAction.RETURNED, user, comment.strip())
    return timesheet


@transaction.atomic
@_OF_THE_WEEK
def timesheet_reopen(*, timesheet: Timesheet, user, comment: str) -> Timesheet:
    """A validated week opened again by the coordination, journaled with who and why. The
    trainings it had recorded are withdrawn until it is validated again."""
    if not comment.strip():
        raise ValidationError({"comment": "Indiquez pourquoi la semaine est rouverte."})
    timesheet = _locked(timesheet)
    if timesheet.state != TimesheetState.VALIDATED:
        raise ValidationError("Seule une semaine validée peut être rouverte.")
    trainings = list(timesheet.entries.filter(training__isnull=False).values_list("training_id", flat=True))
    timesheet.entries.filter(training__isnull=False).update(training=None)
    Training.objects.filter(pk__in=trainings).delete()
    timesheet.state = TimesheetState.RETURNED
    timesheet.return_comment = comment.strip()[:1000]
    timesheet.validated_at = None
    timesheet.validated_by = None
    timesheet.save(update_fields=["state", "return_comment", "validated_at", "validated_by", "updated_at"])
    _event(timesheet, TimesheetAction.REOPENED, user, comment.strip())
    return timesheet


def timesheets_validate_clean(*, timesheets: Iterable[Timesheet], user) -> tuple[int, int]:
    """Bulk validation: only submitted weeks without anomaly; returns (validated, left aside)."""
    validated = skipped = 0
    for timesheet in timesheets:
        with transaction.atomic():
            locked = _locked(timesheet)
            if locked.state != TimesheetState.SUBMITTED or locked.anomalies \
                    or not selectors.is_finished(locked, timezone.localdate()):
                skipped += 1
                continue
            timesheet_validate(timesheet=locked, user=user)
            validated += 1
    return validated, skipped


# --- Référents -------------------------------------------------------------------------------

@transaction.atomic
def referent_activity_add(*, referent: Aesh, date: datetime.date, kind: str, minutes: int, supported: list[Aesh],
                          note: str = "", client_token: str = "") -> ReferentActivity:
    Aesh.objects.select_for_update().get(pk=referent.pk)
    if client_token:
        existing = ReferentActivity.objects.filter(referent=referent, client_token=client_token).first()
        if existing:
            return existing
    errors = {}
    if minutes < rules.QUARTER or minutes % rules.QUARTER:
        errors["minutes"] = "Indiquez une durée d'au moins un quart d'heure, au quart d'heure près."
    elif minutes > rules.MAX_DAILY_MINUTES:
        errors["minutes"] = "Une action de référent·e dure au plus 10 h dans la journée."
    if date > timezone.localdate():
        errors["date"] = "Une action se déclare une fois faite : la date est dans le futur."
    strangers = [a for a in supported if a.home_pole_id != referent.home_pole_id or a.pk == referent.pk]
    if strangers:
        errors["supported"] = "Choisissez des AESH du pôle, autres que vous-même."
    if errors:
        raise ValidationError(errors)
    activity = ReferentActivity(referent=referent, date=date, kind=kind, minutes=minutes, note=note.strip()[:300],
                                client_token=client_token[:40])
    activity.full_clean()
    activity.save()
    activity.supported.set(supported)
    return activity
