"""The availability workbook (issue 24): one tab per AESH of the pôle with a grid of half-days
(« oui » available, « non » not) and a remark, sent out and read back in one go.

Reading back is all or nothing: a tab that names no AESH of the pôle, or a cell that is not
oui/non, is an error naming the tab and the cell, and nothing changes. A « non » becomes an
unavailability labelled as coming from the workbook; the workbook's earlier unavailabilities
of that AESH are replaced, the others (entered by hand, finer) are kept."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

import openpyxl
from django.db import transaction
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from aesh.models import Aesh
from missions import rules
from pial.sheet_reader import fold
from planner.models import Unavailability

HALF_DAYS = (("Matin", datetime.time(8, 0), datetime.time(12, 0)),
             ("Après-midi", datetime.time(13, 30), datetime.time(17, 30)))
DAYS = [d.capitalize() for d in rules.WEEKDAYS[:5]]
LABEL = "Classeur de disponibilités"
ID_CELL, ID_PREFIX = "A2", "Identifiant pial : "
GRID_ROW, REMARK_ROW = 5, 8     # first half-day row; the remark's row (value in column B)
YES, NO = "oui", "non"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class WorkbookError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


def _title(aesh: Aesh, used: set[str]) -> str:
    base = _FORBIDDEN.sub(" ", str(aesh)).strip()[:28] or f"AESH {aesh.pk}"
    title, n = base, 2
    while title.casefold() in used:
        title, n = f"{base[:26]} {n}", n + 1
    used.add(title.casefold())
    return title


def _covered(unavailable, weekday: int, start: datetime.time, end: datetime.time) -> bool:
    return any(u.weekday == weekday and not u.week and u.start_time <= start and u.end_time >= end
               for u in unavailable)


def export(aesh: list[Aesh]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    unavailable: dict[int, list[Unavailability]] = {}
    for u in Unavailability.objects.filter(aesh__in=aesh).order_by("aesh_id", "weekday", "start_time"):
        unavailable.setdefault(u.aesh_id, []).append(u)
    used: set[str] = set()
    for person in aesh:
        sheet = workbook.create_sheet(_title(person, used))
        sheet["A1"] = (f"Disponibilités de {person} — indiquez « {YES} » (disponible) ou « {NO} » pour chaque "
                       "demi-journée")
        sheet["A1"].font = Font(bold=True)
        sheet[ID_CELL] = f"{ID_PREFIX}{person.pk}"
        sheet[ID_CELL].font = Font(color="666666")
        sheet.cell(row=GRID_ROW - 1, column=1, value="Demi-journée")
        for column, day in enumerate(DAYS, start=2):
            sheet.cell(row=GRID_ROW - 1, column=column, value=day).font = Font(bold=True)
            sheet.column_dimensions[get_column_letter(column)].width = 12
        for offset, (name, start, end) in enumerate(HALF_DAYS):
            row = GRID_ROW + offset
            sheet.cell(row=row, column=1, value=f"{name} ({start:%H:%M}–{end:%H:%M})")
            for weekday in range(5):
                free = not _covered(unavailable.get(person.pk, []), weekday, start, end)
                cell = sheet.cell(row=row, column=weekday + 2, value=YES if free else NO)
                if not free:
                    cell.fill = PatternFill("solid", fgColor="F4CCCC")
        sheet.cell(row=REMARK_ROW, column=1, value="Remarques (sans donnée de santé)")
        sheet.column_dimensions["A"].width = 30
    if not aesh:
        workbook.create_sheet("Aucun AESH")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Read:
    aesh: Aesh
    unavailable: list[tuple[int, datetime.time, datetime.time]]
    remark: str


def read(data: bytes, allowed: dict[int, Aesh]) -> list[Read]:
    """Every tab, or WorkbookError with every error (tab and cell named)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any unreadable file is the same refusal
        raise WorkbookError([f"Le fichier n'est pas un classeur XLSX lisible ({error}) : rien n'a été "
                             "importé."]) from error
    errors, found, seen = [], [], {}
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(min_row=1, max_row=REMARK_ROW, max_col=6, values_only=True)]
        rows += [[None] * 6 for _ in range(REMARK_ROW - len(rows))]

        def value(row: int, column: int, rows=rows):
            line = rows[row - 1]
            return line[column - 1] if column - 1 < len(line) else None
        where = f"Onglet « {sheet.title} »"
        match = re.search(r"(\d+)\s*$", str(value(2, 1) or ""))
        person = allowed.get(int(match.group(1))) if match else None
        if person is None:
            errors.append(f"{where}, cellule {ID_CELL} : aucun·e AESH du pôle n'a cet identifiant ; utilisez le "
                          "classeur exporté par pial sans modifier cette cellule.")
            continue
        if person.pk in seen:
            errors.append(f"{where} : {person} a déjà l'onglet « {seen[person.pk]} ».")
            continue
        seen[person.pk] = sheet.title
        unavailable = []
        for offset, (_name, start, end) in enumerate(HALF_DAYS):
            row = GRID_ROW + offset
            for weekday in range(5):
                raw = value(row, weekday + 2)
                text = fold(raw)
                if text in ("", YES, "o", "x disponible", "disponible", "1", "true"):
                    continue
                if text in (NO, "n", "indisponible", "0", "false"):
                    unavailable.append((weekday, start, end))
                    continue
                errors.append(f"{where}, cellule {get_column_letter(weekday + 2)}{row} : « {raw} » — indiquez "
                              f"« {YES} » ou « {NO} ».")
        found.append(Read(aesh=person, unavailable=unavailable, remark=str(value(REMARK_ROW, 2) or "").strip()))
    if errors:
        raise WorkbookError(errors)
    return found


def save(reads: list[Read]) -> int:
    """Replaces each AESH's workbook unavailabilities; the count of half-days unavailable."""
    created = 0
    with transaction.atomic():
        for item in reads:
            Unavailability.objects.filter(aesh=item.aesh, label__startswith=LABEL).delete()
            others = list(Unavailability.objects.filter(aesh=item.aesh))
            label = (f"{LABEL} : {item.remark}" if item.remark else LABEL)[:120]
            new = [Unavailability(aesh=item.aesh, weekday=d, start_time=s, end_time=e, label=label)
                   for d, s, e in item.unavailable if not _covered(others, d, s, e)]
            Unavailability.objects.bulk_create(new)
            created += len(new)
    return created
