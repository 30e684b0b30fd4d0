"""Import of class timetables (one row per course) from a spreadsheet: each class found in
the file has its timetable replaced by the file's rows; a wrong row blocks the whole file."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from missions import perms
from pial.import_flow import ImportFlow
from pial.import_report import ImportReport, RowResult, no_progress
from pial.models import Pole, School
from pial.rules import normalize_uai
from pial.spreadsheets import Sheet, cell, data_rows, display, fold
from planner.models import ClassCourse

FIELDS: dict[str, list[str]] = {
    "school": ["etablissement", "ecole", "college", "uai", "rne"],
    "class_name": ["classe", "division", "groupe classe"],
    "weekday": ["jour", "jour de la semaine"],
    "start": ["debut", "heure de debut", "de", "horaire debut"],
    "end": ["fin", "heure de fin", "a", "horaire fin"],
    "week": ["semaine", "semaine a b", "alternance", "quinzaine"],
    "subject": ["matiere", "enseignement", "discipline", "cours"],
}
LABELS = {"school": "Établissement (UAI ou nom)", "class_name": "Classe", "weekday": "Jour", "start": "Début",
          "end": "Fin", "week": "Semaine (A, B ou vide)", "subject": "Matière"}
SHEET_KEYWORDS = ("emploi", "edt", "cours")
DAYS = {"lundi": 0, "lun": 0, "mardi": 1, "mar": 1, "mercredi": 2, "mer": 2, "jeudi": 3, "jeu": 3, "vendredi": 4,
        "ven": 4}
_TIME = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$")


def parse_time(value: object) -> datetime.time | None:
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime.timedelta) and datetime.timedelta(0) <= value < datetime.timedelta(days=1):
        minutes = round(value.total_seconds() / 60)  # a duration cell (« [h]:mm »)
        return datetime.time(minutes // 60 % 24, minutes % 60)
    if isinstance(value, float | Decimal) and 0 <= value < 1:  # a spreadsheet time as a fraction of a day
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60 % 24, minutes % 60)
    match = _TIME.match(str(value or "").strip().lower())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return datetime.time(hours, minutes)


@dataclass
class _Row:
    school: School
    class_name: str
    weekday: int
    start: datetime.time
    end: datetime.time
    week: str
    subject: str


def run_import(*, sheet: Sheet, header_index: int, mapping: dict[int, str], pole: Pole, today: datetime.date,
               commit: bool, progress=no_progress) -> ImportReport:
    report = ImportReport()
    names = set(mapping.values())
    missing = [LABELS[n] for n in ("school", "class_name", "weekday", "start", "end") if n not in names]
    if missing:
        report.fatal = "Colonnes à indiquer : " + ", ".join(missing) + "."
        return report
    index = {name: i for i, name in mapping.items()}
    header = sheet.rows[header_index]

    def label(name: str) -> str:
        return f"colonne « {display(header[index[name]])} »" if name in index else LABELS[name]

    schools = list(School.objects.filter(pole=pole))
    by_uai, by_name = {s.uai: s for s in schools}, {fold(s.name): s for s in schools}
    parsed: list[_Row] = []
    for line, row in data_rows(sheet.rows, header_index):
        result = RowResult(line=line)
        report.rows.append(result)
        errors = result.errors
        raw_school = str(cell(row, index["school"]) or "").strip()
        school = by_uai.get(normalize_uai(raw_school)) or by_name.get(fold(raw_school))
        if school is None:
            errors.append(f"{label('school')} : « {raw_school} » n'est pas un établissement du pôle {pole.name}.")
        class_name = str(cell(row, index["class_name"]) or "").strip()[:50]
        if not class_name:
            errors.append(f"{label('class_name')} : la classe est obligatoire.")
        weekday = DAYS.get(fold(cell(row, index["weekday"])))
        if weekday is None:
            errors.append(f"{label('weekday')} : « {display(cell(row, index['weekday']))} » n'est pas un jour de "
                          "lundi à vendredi.")
        start, end = parse_time(cell(row, index["start"])), parse_time(cell(row, index["end"]))
        for name, value in (("start", start), ("end", end)):
            if value is None:
                errors.append(f"{label(name)} : « {display(cell(row, index[name]))} » n'est pas une heure "
                              "(par exemple 8:30 ou 8h30).")
        if start and end and end <= start:
            errors.append(f"{label('end')} : la fin du cours doit suivre son début.")
        week = fold(cell(row, index.get("week"))).upper().replace("SEMAINE", "").strip()
        if week not in ("", "A", "B"):
            errors.append(f"{label('week')} : indiquez A, B ou laissez vide (toutes les semaines).")
        result.name = f"{class_name} — {display(cell(row, index['weekday']))} {display(cell(row, index['start']))}"
        if errors:
            result.status = "erreur"
            continue
        result.status = "nouveau"
        parsed.append(_Row(school, class_name, weekday, start, end, week,
                           str(cell(row, index.get("subject")) or "").strip()[:80]))
    with transaction.atomic():
        classes = {(r.school.pk, r.class_name) for r in parsed}
        for school_id, class_name in classes:
            ClassCourse.objects.filter(school_id=school_id, class_name__iexact=class_name,
                                       student__isnull=True).delete()
        ClassCourse.objects.bulk_create(ClassCourse(school=r.school, class_name=r.class_name, weekday=r.weekday,
                                                    start_time=r.start, end_time=r.end, week=r.week, subject=r.subject)
                                        for r in parsed)
        if classes:
            school_names = {s.pk: s.name for s in schools}
            report.sections.append(("Classes dont l'emploi du temps est remplacé",
                                    sorted(f"{c} ({school_names[sid]})" for sid, c in classes)))
        if commit and not report.errors:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


FLOW = ImportFlow(
    namespace="planner", title="Importer les emplois du temps de classe", item_label="cours", fields=FIELDS,
    labels=LABELS, sheet_keywords=SHEET_KEYWORDS, run=run_import, allowed=perms.can_plan,
    done_url="planner:home",
)
