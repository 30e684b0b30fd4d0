"""Import of the students' needs tab of the DSDEN spreadsheet, with a diff against the previous import.

Columns are matched by keywords; every row is checked and reported in French
by line and column; nothing is saved while a row is wrong; the preview lists
new students, changed notifications, and notifications of the previous import
that this file no longer carries. The rows are compared with the pôle's students and
notifications read once, in memory, and written in bulk: 20 000 rows take a few queries.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from eleves.enums import AidKind, NotificationState
from eleves.levels import normalize_level
from eleves.models import LevelSpelling, Notification, Student, max_weekly_hours
from pial.import_report import ImportReport, RowResult, no_progress
from pial.models import Pole, School
from pial.rules import normalize_uai, uai_error
from pial.spreadsheets import Sheet, cell, data_rows, display, fold, parse_date, parse_decimal, split_full_name

FIELDS: dict[str, list[str]] = {
    "full_name": ["eleve", "nom prenom", "nom et prenom", "nom de l eleve", "nom prenom eleve",
                  "nom prenom de l eleve"],
    "last_name": ["nom", "nom de famille"],
    "first_name": ["prenom"],
    "birth_date": ["date de naissance", "naissance", "ne le", "ne e le", "ddn"],
    "school": ["etablissement", "ecole", "uai", "rne", "etablissement scolaire", "etablissement de scolarisation"],
    "level": ["niveau", "classe", "niveau classe", "niveau de classe"],
    "aid_kind": ["type d aide", "aide", "type aesh", "modalite", "nature de l aide", "type d accompagnement",
                 "aide humaine"],
    "weekly_hours": ["heures notifiees", "heures attribuees", "nb heures", "heures", "nombre d heures",
                     "heures hebdomadaires"],
    "start_date": ["debut", "date de debut", "debut de notification", "debut des droits", "date d effet"],
    "end_date": ["fin", "date de fin", "fin de notification", "fin des droits", "echeance"],
    "state": ["etat", "etat de la notification", "statut", "situation"],
    "lunch_aid": ["cantine", "pause meridienne", "restauration", "repas", "temps meridien"],
}
LABELS = {
    "full_name": "Élève (NOM Prénom)", "last_name": "Nom", "first_name": "Prénom",
    "birth_date": "Date de naissance", "school": "Établissement (UAI ou nom)", "level": "Niveau",
    "aid_kind": "Type d'aide (I, M, CO)", "weekly_hours": "Heures notifiées", "start_date": "Début de notification",
    "end_date": "Fin de notification", "state": "État de la notification", "lunch_aid": "Pause méridienne",
}
SHEET_KEYWORDS = ("besoin", "eleve")

_INDIVIDUELLE = {"i", "individuelle", "aesh i", "aeshi", "aide individuelle", "ind", "indiv"}
_MUTUALISEE = {"m", "mutualisee", "aesh m", "aeshm", "aide mutualisee", "mut"}
_COLLECTIVE = {"co", "collective", "aesh co", "aeshco", "aide collective", "ulis"}


@dataclass
class ParsedRow:
    line: int
    last_name: str
    first_name: str
    birth_date: datetime.date
    school: School
    level: str
    level_raw: str
    aid_kind: str | None  # None: collective aid or no aid on this row
    weekly_hours: Decimal | None  # an individuelle aid's notified hours
    start_date: datetime.date | None
    end_date: datetime.date | None
    state: str
    lunch_aid: bool
    mutualised_hours: Decimal | None = None  # a mutualisée aid's hours, when the file gives them


# Keys identify the student and their right: an error there blocks the whole import. The
# others are information: a value pial does not know is kept as written, with a warning.
INFORMATION = frozenset({"level", "state", "lunch_aid"})


def parse_aid_kind(value: object) -> str | None:
    """I / i / Individuelle / AESH-i → INDIVIDUELLE; M → MUTUALISEE; CO → 'COLLECTIVE'."""
    text = fold(value)
    if text in _INDIVIDUELLE:
        return AidKind.INDIVIDUELLE
    if text in _MUTUALISEE:
        return AidKind.MUTUALISEE
    if text in _COLLECTIVE:
        return "COLLECTIVE"
    return None


class _Checker:
    def __init__(self, pole: Pole, header: list[object], mapping: dict[int, str]):
        self.pole, self.header, self.mapping = pole, header, mapping
        self.index = {name: index for index, name in mapping.items()}
        schools = list(School.objects.filter(pole=pole))
        self.by_uai = {s.uai: s for s in schools}
        self.by_name = {fold(s.name): s for s in schools}
        self.seen: dict[tuple, int] = {}
        self.vocabulary = LevelSpelling.vocabulary()

    def label(self, name: str) -> str:
        for index, field_name in self.mapping.items():
            if field_name == name:
                return f"colonne « {display(self.header[index])} »"
        return LABELS[name]

    def get(self, row, name):
        return cell(row, self.index.get(name))

    def check(self, line: int, row: list[object]) -> tuple[ParsedRow | None, RowResult]:
        result = RowResult(line=line)
        errors = result.errors
        if "last_name" in self.index:
            last, first = str(self.get(row, "last_name") or ""), str(self.get(row, "first_name") or "")
        else:
            last, first = split_full_name(str(self.get(row, "full_name") or ""))
        result.name = f"{last.upper()} {first}".strip()
        if not last or not first:
            errors.append(f"{self.label('full_name' if 'full_name' in self.index else 'last_name')} : "
                          "nom et prénom sont obligatoires.")
        birth = self._date(row, "birth_date", errors, required=True)
        school = self._school(row, errors)
        level, level_raw = self._level(row, result)
        kind, hours = self._aid(row, result, school)
        start = self._date(row, "start_date", errors, required=kind is not None)
        end = self._date(row, "end_date", errors, required=kind is not None)
        if start and end and end < start:
            errors.append(f"{self.label('end_date')} : la fin de notification précède son début.")
        state = self._state(row, result)
        lunch = fold(self.get(row, "lunch_aid")) in {"oui", "o", "x", "1", "yes", "vrai"}
        key = (fold(last), fold(first), birth, kind, start)
        if birth and key in self.seen:
            errors.append(f"même élève et même notification qu'à la ligne {self.seen[key]}.")
        elif birth:
            self.seen[key] = line
        if errors:
            result.status = "erreur"
            return None, result
        mutualised = hours if kind == AidKind.MUTUALISEE else None
        return ParsedRow(line, last.strip()[:150], first.strip()[:150], birth, school, level, level_raw, kind,
                         None if mutualised is not None else hours, start, end, state, lunch, mutualised), result

    def _level(self, row, result) -> tuple[str, str]:
        """The level, or « à préciser » with the spelling kept and a warning (information)."""
        raw = str(display(self.get(row, "level")) or "").strip()
        level = normalize_level(raw, self.vocabulary)
        if level is None and raw:
            result.warnings.append(f"{self.label('level')} : « {raw} » n'est pas un niveau connu ; il est gardé tel "
                                   "quel, à préciser sur la fiche ou à ajouter au vocabulaire des niveaux.")
        return level or "", "" if level else raw[:60]

    def _date(self, row, name, errors, required: bool) -> datetime.date | None:
        raw = self.get(row, name)
        if raw in (None, ""):
            if required:
                errors.append(f"{self.label(name)} : la date est obligatoire.")
            return None
        try:
            return parse_date(raw)
        except ValueError as error:
            errors.append(f"{self.label(name)} : « {display(raw)} » {error}.")
            return None

    def _school(self, row, errors) -> School | None:
        raw = self.get(row, "school")
        text = str(raw or "").strip()
        if not text:
            errors.append(f"{self.label('school')} : l'établissement est obligatoire.")
            return None
        first_word = normalize_uai(text.split()[0])
        if re.fullmatch(r"\d{7}[A-Z0-9]", first_word):
            if message := uai_error(first_word):
                errors.append(f"{self.label('school')} : {message}")
                return None
            school = self.by_uai.get(first_word)
        else:
            school = self.by_name.get(fold(text))
        if school is None:
            errors.append(f"{self.label('school')} : « {text} » n'est pas un établissement du pôle {self.pole}.")
        return school

    def _aid(self, row, result, school) -> tuple[str | None, Decimal | None]:
        raw = self.get(row, "aid_kind")
        if raw in (None, ""):
            return None, None
        kind = parse_aid_kind(raw)
        if kind is None:
            result.errors.append(f"{self.label('aid_kind')} : « {display(raw)} » n'est pas un type d'aide connu "
                                 "(I pour individuelle, M pour mutualisée, CO pour collective).")
            return None, None
        if kind == "COLLECTIVE":
            result.warnings.append("aide collective : elle relève de l'ULIS, aucune notification n'est créée.")
            return None, None
        raw_hours = self.get(row, "weekly_hours")
        if kind == AidKind.MUTUALISEE:
            return kind, self._mutualised_hours(raw_hours, result, school)
        if raw_hours in (None, ""):
            result.errors.append(f"{self.label('weekly_hours')} : une aide individuelle précise des heures.")
            return kind, None
        try:
            hours = parse_decimal(raw_hours)
        except ValueError as error:
            result.errors.append(f"{self.label('weekly_hours')} : « {display(raw_hours)} » {error}.")
            return kind, None
        limit = max_weekly_hours(school.kind) if school else 35
        if not 0 < hours <= limit:
            result.errors.append(f"{self.label('weekly_hours')} : « {display(raw_hours)} » n'est pas un nombre "
                                 f"d'heures plausible (entre 0 et {limit} h par semaine).")
            return kind, None
        return kind, hours.quantize(Decimal("0.01"))

    def _mutualised_hours(self, raw, result, school) -> Decimal | None:
        """A mutualisée aid's hours, kept as its target for the planner; a value that is not a
        plausible number of hours is left out with a warning (the aid itself has no hours)."""
        if raw in (None, "", 0):
            return None
        limit = max_weekly_hours(school.kind) if school else 35
        try:
            hours = parse_decimal(raw)
        except ValueError:
            hours = None
        if hours is None or not 0 < hours <= limit:
            result.warnings.append(f"aide mutualisée : « {display(raw)} » n'est pas un nombre d'heures plausible "
                                   f"(entre 0 et {limit} h par semaine) ; heures attribuées laissées vides.")
            return None
        return hours.quantize(Decimal("0.01"))

    def _state(self, row, result) -> str:
        text = fold(self.get(row, "state"))
        if "attente" in text:
            return NotificationState.AWAITING
        if "renouvel" in text:
            result.warnings.append("renouvellement en cours : pensez à saisir la nouvelle notification.")
        return NotificationState.NOTIFIED


def run_import(*, sheet: Sheet, header_index: int, mapping: dict[int, str], pole: Pole, today: datetime.date,
               commit: bool, progress=no_progress) -> ImportReport:
    """Checks every row, applies them all in one transaction with bulk writes (a few queries
    whatever the number of rows), and keeps them only when `commit` is set and no row is wrong."""
    report = ImportReport()
    names = set(mapping.values())
    missing = [LABELS[n] for n in ("birth_date", "school") if n not in names]
    if not ({"full_name"} <= names or {"last_name", "first_name"} <= names):
        missing.insert(0, "Élève (NOM Prénom) ou Nom et Prénom")
    if missing:
        report.fatal = "Colonnes à indiquer : " + ", ".join(missing) + "."
        return report
    checker = _Checker(pole, sheet.rows[header_index], mapping)
    parsed = []
    for line, row in data_rows(sheet.rows, header_index):
        item, result = checker.check(line, row)
        report.rows.append(result)
        if item:
            parsed.append((item, result))
        if len(report.rows) % 500 == 0:
            progress(len(report.rows), len(report.rows) + len(parsed), "Lecture des lignes")
    with transaction.atomic():
        previous = set(
            Notification.objects.filter(student__school__pole=pole, imported=True, end_date__gte=today)
            .values_list("pk", flat=True)
        )
        touched = _Applier(pole, progress).apply(parsed, report, write=commit)
        absent = previous - touched
        if absent and not report.fatal:
            report.sections.append((
                "Notifications du précédent import absentes de ce fichier (terminées ?)",
                [f"{n.student} — {n}" for n in Notification.objects.filter(pk__in=absent).select_related("student")],
            ))
        if commit and not report.errors:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def _key(last: str, first: str, birth: datetime.date) -> tuple[str, str, datetime.date]:
    return last.casefold(), first.casefold(), birth


class _Applier:
    """Applies checked rows as the rows of the file say, in memory (the pôle's students and
    notifications read once), then writes them in bulk. Each row's result says what it did."""

    BATCH = 1000

    def __init__(self, pole: Pole, progress):
        self.progress = progress
        self.students: dict[tuple, Student] = {}
        for student in Student.objects.filter(school__pole=pole).select_related("school").order_by("pk"):
            self.students.setdefault(_key(student.last_name, student.first_name, student.birth_date), student)
        self.notifications: dict[int, list[Notification]] = {}
        by_pk = {s.pk: s for s in self.students.values()}
        for notification in Notification.objects.filter(student__school__pole=pole).order_by("pk"):
            student = by_pk.get(notification.student_id)
            if student is not None:
                notification.student = student
                self.notifications.setdefault(id(student), []).append(notification)
        self.new_students: list[Student] = []
        self.changed_students: dict[int, Student] = {}
        self.new_notifications: list[Notification] = []
        self.changed_notifications: dict[int, Notification] = {}

    def apply(self, parsed: list[tuple[ParsedRow, RowResult]], report: ImportReport, *, write: bool) -> set[int]:
        """The pks of the notifications the file carries (touched). Rows are checked in memory
        against the pôle's records; the writes, for a commit only, cannot fail but for a
        concurrent change (then the commit says so and saves nothing)."""
        carried: list[Notification] = []
        for done, (item, result) in enumerate(parsed):
            try:
                notification = self._row(item, result)
            except ValidationError as error:
                result.errors.extend(f"{field}: {m}" if field != "__all__" else m
                                     for field, msgs in error.message_dict.items() for m in msgs)
                result.status = "erreur"
                continue
            if notification is not None:
                carried.append(notification)
            if done % 500 == 0:
                self.progress(done, len(parsed), "Comparaison avec les élèves du pôle")
        if report.errors or not write:
            return {n.pk for n in carried if n.pk}
        self.progress(len(parsed), len(parsed), "Enregistrement")
        try:
            with transaction.atomic():
                self._write()
        except IntegrityError as error:
            report.fatal = ("La base de données a refusé l'enregistrement (un·e élève ou une notification du fichier "
                            f"existe déjà sous une autre forme : {error}) ; rien n'a été enregistré.")
            return set()
        return {n.pk for n in carried}

    def _row(self, item: ParsedRow, result: RowResult) -> Notification | None:
        key = _key(item.last_name, item.first_name, item.birth_date)
        student = self.students.get(key)
        if student is None:
            # The checker made every value fit its field (lengths, choices); the model's own rules run.
            student = Student(last_name=item.last_name, first_name=item.first_name, birth_date=item.birth_date,
                              school=item.school, level=item.level, level_raw=item.level_raw)
            student.clean()
            self.students[key] = student
            self.new_students.append(student)
            result.status = "nouveau"
        else:
            result.status = "inchangé"
            for name, label in (("school", "établissement"), ("level", "niveau"),
                                ("level_raw", "niveau tel qu'importé")):
                if getattr(student, name) != getattr(item, name):
                    result.changes.append(f"{label} : {getattr(student, name)} → {getattr(item, name)}")
                    setattr(student, name, getattr(item, name))
                    if student.pk:
                        self.changed_students[student.pk] = student
        if item.aid_kind is None:
            if result.changes and result.status == "inchangé":
                result.status = "modifié"
            return None
        return self._notification(student, item, result)

    def _notification(self, student: Student, item: ParsedRow, result: RowResult) -> Notification:
        mine = self.notifications.setdefault(id(student), [])
        notification = next((n for n in mine if n.aid_kind == item.aid_kind and n.start_date == item.start_date), None)
        values = {"end_date": item.end_date, "weekly_hours": item.weekly_hours, "state": item.state,
                  "lunch_aid": item.lunch_aid, "mutualised_hours": item.mutualised_hours}
        if notification is None:
            notification = Notification(student=student, aid_kind=item.aid_kind, start_date=item.start_date,
                                        imported=True, **values)
            mine.append(notification)
            self.new_notifications.append(notification)
            result.changes.append(f"nouvelle notification : {notification}")
        else:
            changed = [k for k, v in values.items() if getattr(notification, k) != v]
            for key in changed:
                setattr(notification, key, values[key])
            if changed:
                result.changes.append("notification modifiée : " + ", ".join(changed))
                if notification.pk:
                    self.changed_notifications[notification.pk] = notification
        if result.changes and result.status == "inchangé":
            result.status = "modifié"
        errors = notification.term_errors()
        clash = next((other for other in mine if notification.clashes_with(other)), None)
        if clash and not errors:
            errors["aid_kind"] = notification.clash_message(clash)
        if errors:
            raise ValidationError(errors)
        return notification

    def _write(self) -> None:
        now = timezone.now()
        Student.objects.bulk_create(self.new_students, batch_size=self.BATCH)
        for student in self.changed_students.values():
            student.updated_at = now
        Student.objects.bulk_update(list(self.changed_students.values()),
                                    ["school", "level", "level_raw", "updated_at"], batch_size=self.BATCH)
        for notification in self.new_notifications:
            notification.student = notification.student  # the student now has its primary key
        Notification.objects.bulk_create(self.new_notifications, batch_size=self.BATCH)
        Notification.objects.bulk_update(list(self.changed_notifications.values()),
                                         ["end_date", "weekly_hours", "state", "lunch_aid", "mutualised_hours"],
                                         batch_size=self.BATCH)
