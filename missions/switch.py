"""« Basculer sur 2027-2028 »: the switch of a département onto the next school year.

One transaction, idempotent (a YearSwitch row per département and year), nothing deleted: the
projected levels and schools apply, accepted transfers move the student's file, leavers get their
leaving date (the retention clock of the purge starts), year N's assignments and time slots end
on the last day of year N and stay readable, year N+1 becomes current. `plan_switch` is the dry
run and `switch_apply` applies exactly that plan, computed again under lock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from aesh.rentree import contracts_to_decide
from eleves.enums import JournalAction, TransferState
from eleves.models import AccessLog, Student, Transfer, Ulis
from eleves.rentree import LEAVES, MOVES, UNKNOWN, students_of
from missions import rentree_secret
from missions.models import Assignment, TimeSlot
from pial.conf import setting
from pial.enums import Role
from pial.models import Departement, Membership, Pole, SchoolYear, User, YearSwitch
from pial.reminders import Draft, schedule
from pial.years import next_year, year_of


def secret_threshold() -> int:
    """The reports' threshold of the secret statistique (PIAL_REPORT_SMALL_CELL_THRESHOLD)."""
    return int(setting("REPORT_SMALL_CELL_THRESHOLD"))


POLE_FIGURE = {LEAVES: "leaving", MOVES: "moving_out", UNKNOWN: "unknown_school"}  # a pôle's own page's rows


@dataclass
class StudentChange:
    student_id: int
    label: str
    old_level: str
    new_level: str
    old_school_id: int
    new_school_id: int
    from_pole_id: int
    to_pole_id: int


@dataclass
class SwitchPlan:
    departement: Departement
    current: SchoolYear
    year: SchoolYear
    done: bool = False                      # already switched: the plan is empty
    changes: list[StudentChange] = field(default_factory=list)
    leavers: list[tuple[int, str]] = field(default_factory=list)
    transfers: list[int] = field(default_factory=list)
    pending_transfers: list[int] = field(default_factory=list)
    assignments: list[int] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)
    unknown_schools: list[int] = field(default_factory=list)  # students with no known school at the rentrée
    undecided_contracts: list[int] = field(default_factory=list)  # contracts ending with no decision
    by_pole: dict[int, dict[str, int]] = field(default_factory=dict)  # pôle → its pupils leaving, moving out…
    pole_names: dict[int, str] = field(default_factory=dict)

    def blockers(self) -> list[str]:
        """What keeps the automatic switch from running: a preparation left incomplete. (The
        DSDEN may still switch by hand: these students stay where they are.)"""
        reasons = []
        if self.pending_transfers:
            reasons.append(f"{len(self.pending_transfers)} élève(s) projeté(s) dans un autre pôle sans transfert "
                           "accepté")
        if self.unknown_schools:
            reasons.append(f"{len(self.unknown_schools)} élève(s) sans établissement connu à la rentrée")
        if self.undecided_contracts:
            reasons.append(f"{len(self.undecided_contracts)} contrat(s) se terminant sans décision")
        return reasons

    def shown_blockers(self, threshold: int) -> list[str]:
        """The blockers as a reader above the pôle reads them: pôle by pôle, no count of fewer
        pupils than the threshold (missions.rentree_secret)."""
        return rentree_secret.shown_blockers(self.by_pole, self.pole_names, len(self.undecided_contracts), threshold)

    def hidden(self, threshold: int) -> set[str]:
        """The summary's figures not published to a reader above the pôle."""
        return rentree_secret.switch_hidden(self.summary(), self.by_pole, threshold)

    def summary(self) -> dict:
        return {
            "levels": sum(1 for c in self.changes if c.old_level != c.new_level),
            "schools": sum(1 for c in self.changes if c.old_school_id != c.new_school_id),
            "transfers": len(self.transfers), "pending_transfers": len(self.pending_transfers),
            "leavers": len(self.leavers), "assignments": len(self.assignments), "slots": len(self.slots),
        }


def plan_switch(departement: Departement, current: SchoolYear, year: SchoolYear) -> SwitchPlan:
    """What the switch would change, computed from the same reads as the preparation page."""
    plan = SwitchPlan(departement=departement, current=current, year=year)
    if YearSwitch.objects.filter(departement=departement, year=year).exists():
        plan.done = True
        return plan
    accepted = {t.student_id: t for t in Transfer.objects.filter(year=year, from_pole__departement=departement)}
    for pole in Pole.objects.filter(departement=departement).order_by("pk"):
        plan.pole_names[pole.pk] = pole.name
        figures = plan.by_pole[pole.pk] = dict.fromkeys(rentree_secret.POLE_FIGURES, 0)
        for line in students_of(pole, year):
            student = line.student
            if line.outcome in POLE_FIGURE:
                figures[POLE_FIGURE[line.outcome]] += 1
            if line.outcome == LEAVES:
                plan.leavers.append((student.pk, line.leave_reason))
                continue
            school = student.school
            if line.outcome == MOVES:
                transfer = accepted.get(student.pk)
                if transfer is not None and transfer.state == TransferState.ACCEPTED \
                        and transfer.to_school_id == line.school.pk:
                    school = line.school
                    plan.transfers.append(transfer.pk)
                else:
                    plan.pending_transfers.append(student.pk)
                    figures["pending"] += 1
            elif line.school is not None:
                school = line.school
            else:
                plan.unknown_schools.append(student.pk)
            level = line.level or student.level
            if level != student.level or school.pk != student.school_id:
                plan.changes.append(StudentChange(
                    student_id=student.pk, label=str(student), old_level=student.level, new_level=level,
                    old_school_id=student.school_id, new_school_id=school.pk,
                    from_pole_id=student.school.pole_id, to_pole_id=school.pole_id))
        plan.undecided_contracts += [line.contract.pk for line in contracts_to_decide(pole, current, year)
                                     if line.decision is None]
    end = current.end_date
    plan.assignments = list(Assignment.objects.filter(aesh__home_pole__departement=departement, start_date__lte=end)
                            .filter(Q(end_date__isnull=True) | Q(end_date__gt=end))
                            .order_by("pk").values_list("pk", flat=True))
    plan.slots = list(TimeSlot.objects.filter(aesh__home_pole__departement=departement, valid_from__lte=end)
                      .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=end))
                      .order_by("pk").values_list("pk", flat=True))
    return plan


def _apply_students(plan: SwitchPlan, user: User | None) -> None:
    ids = [c.student_id for c in plan.changes]
    students = Student.objects.select_for_update().in_bulk(ids)
    ulis_of = {}
    for u in Ulis.objects.filter(school_id__in={c.new_school_id for c in plan.changes}).order_by("pk"):
        ulis_of.setdefault(u.school_id, u.pk)
    logs = []
    for change in plan.changes:
        student = students[change.student_id]
        student.level = change.new_level
        if change.new_school_id != student.school_id:
            student.school_id = change.new_school_id
            student.ulis_id = ulis_of.get(change.new_school_id) if student.ulis_id else None
            for pole_id in dict.fromkeys((change.from_pole_id, change.to_pole_id)):
                logs.append(_log(user, pole_id, student, f"Bascule sur {plan.year} : changement d'établissement"))
    now = timezone.now()
    for student in students.values():
        student.updated_at = now
    Student.objects.bulk_update(students.values(), ["level", "school", "ulis", "updated_at"], batch_size=500)
    Transfer.objects.filter(pk__in=plan.transfers).update(state=TransferState.DONE)
    left = {pk for pk, _reason in plan.leavers}
    for student in Student.objects.filter(pk__in=left).select_related("school"):
        logs.append(_log(user, student.school.pole_id, student, f"Bascule sur {plan.year} : fin du suivi"))
    Student.objects.filter(pk__in=left, left_on__isnull=True).update(left_on=plan.current.end_date)
    AccessLog.objects.bulk_create(logs, batch_size=500)


def _end_timetables(plan: SwitchPlan) -> None:
    end = plan.current.end_date
    Assignment.objects.filter(pk__in=plan.assignments).update(end_date=end)
    TimeSlot.objects.filter(pk__in=plan.slots).update(valid_until=end)


def _log(user: User | None, pole_id: int | None, student: Student, detail: str) -> AccessLog:
    return AccessLog(user=user, user_email=user.email if user else "bascule automatique", role="",
                     pole_id=pole_id, student=student, student_ref=student.pk, action=JournalAction.UPDATE,
                     detail=detail[:300])


def switch_apply(departement: Departement, current: SchoolYear, year: SchoolYear,
                 user: User | None = None, *, only_if_complete: bool = False) -> SwitchPlan:
    """Applies the switch, all or nothing; a second run finds it done and changes nothing. With
    `only_if_complete`, a plan with blockers (checked under the lock) is returned unapplied."""
    with transaction.atomic():
        Departement.objects.select_for_update().filter(pk=departement.pk).first()  # one switch at a time
        plan = plan_switch(departement, current, year)
        if plan.done or (only_if_complete and plan.blockers()):
            return plan
        _apply_students(plan, user)
        _end_timetables(plan)
        SchoolYear.objects.filter(is_current=True).exclude(pk=year.pk).update(is_current=False)
        SchoolYear.objects.filter(pk=year.pk).update(is_current=True)
        YearSwitch.objects.create(departement=departement, year=year, switched_by=user,
                                  switched_at=timezone.now(), summary=plan.summary())
    return plan


# --- The automatic switch on the rentrée date (setting RENTREE_AUTO_SWITCH) ----------------------

AUTO_SWITCH_JOB = "rentree_auto_switch"
SWITCHED, BLOCKED = "switched", "blocked"


def _notice_drafts(departement: Departement, year: SchoolYear, *, reasons: list[str]) -> list[Draft]:
    """One notice per gestionnaire of the département and per year: the reminders' key
    (job, département, year, recipient) makes a second day's run send nothing."""
    url = f"{reverse('missions:switch')}?departement={departement.pk}"
    if reasons:
        context = {"subject": f"Bascule automatique sur {year} non effectuée — {departement}",
                   "paragraphs": [f"La rentrée {year} est arrivée, mais la préparation du département {departement} "
                                  "n'est pas terminée : la bascule automatique n'a pas été faite. Elle se fera "
                                  "d'elle-même dès la préparation complète, ou à la main depuis la simulation."],
                   "sections": [{"title": "À compléter avant la bascule", "items": reasons}], "link": url,
                   "link_label": "Voir la simulation et basculer"}
        threshold = "incomplete"
    else:
        context = {"subject": f"Bascule automatique sur {year} effectuée — {departement}",
                   "paragraphs": [f"Le département {departement} est basculé sur {year} à la date de la rentrée. "
                                  "L'année précédente reste consultable."],
                   "sections": [], "link": url, "link_label": "Voir la bascule"}
        threshold = "done"
    recipients = (Membership.objects.filter(role=Role.GESTIONNAIRE, departement=departement, user__is_active=True)
                  .exclude(user__email="").values_list("user__email", flat=True).order_by("user__email"))
    return [Draft(job=AUTO_SWITCH_JOB, target=f"departement:{departement.pk}", threshold=threshold,
                  period=year.name, recipient=email, template="notice", context=context) for email in recipients]


def auto_switch(today: datetime.date) -> dict[int, str]:
    """When RENTREE_AUTO_SWITCH is on: every département whose next year's rentrée is reached
    (on the day, or later in that year if the job did not run) is switched; one whose preparation
    is incomplete is not, and its DSDEN is told once. Idempotent: {département id: outcome}."""
    if not setting("RENTREE_AUTO_SWITCH"):
        return {}
    outcomes = {}
    for departement in Departement.objects.order_by("code"):
        current = year_of(departement)
        year = next_year(current) if current else None
        if year is None or not year.start_date <= today <= year.end_date:
            continue
        plan = switch_apply(departement, current, year, only_if_complete=True)
        if plan.done:
            continue
        blocked = bool(plan.blockers())
        reasons = plan.shown_blockers(secret_threshold()) if blocked else []  # read by the DSDEN: the secret applies
        schedule(_notice_drafts(departement, year, reasons=reasons))
        outcomes[departement.pk] = BLOCKED if blocked else SWITCHED
    return outcomes
