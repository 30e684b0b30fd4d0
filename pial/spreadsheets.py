"""Reading and writing the spreadsheets coordinators live in: CSV, XLSX and ODS.

Real DSDEN files have title rows above the header, a TOTAL row at the bottom,
column labels that change every year, French dates and decimal commas. This
module turns them into rows and typed values; each app's imports.py says
which columns it wants. Exports neutralise formula injection.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

FORMATS = ("csv", "xlsx", "ods")
MAX_ROWS = 20000


class SpreadsheetError(Exception):
    """A file that cannot be read at all; the message is French and names the file."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: 'Quotité_SCO ' → 'quotite sco'."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s_\-./'’()]+", " ", plain).strip()


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_workbook(filename: str, data: bytes) -> list[Sheet]:
    ext = extension_of(filename)
    try:
        if ext == "csv":
            return [_read_csv(data)]
        if ext == "xlsx":
            return _read_xlsx(data)
        if ext == "ods":
            return _read_ods(data)
        if ext == "xls":
            raise SpreadsheetError(
                f"« {filename} » est un classeur Excel 97-2003 (.xls), un format que pial ne lit pas. Ouvrez-le dans "
                "Excel (Fichier › Enregistrer sous › Classeur Excel .xlsx) ou dans LibreOffice (Fichier › "
                "Enregistrer sous › Classeur ODF .ods), puis envoyez le fichier enregistré : rien n'a été importé."
            )
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, UnicodeError) as error:
        raise SpreadsheetError(f"Le fichier « {filename} » n'a pas pu être lu ({error}).") from error
    raise SpreadsheetError(
        f"Le format du fichier « {filename} » n'est pas pris en charge : envoyez un fichier CSV, XLSX ou ODS."
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as French Excel writes CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _read_csv(data: bytes) -> Sheet:
    text = decode_text(data)
    sample = "\n".join(text.splitlines()[:20])
    delimiter = max([";", ",", "\t"], key=sample.count)
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return Sheet(name="CSV", rows=rows[:MAX_ROWS])


def _read_xlsx(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = [list(row) for _, row in zip(range(MAX_ROWS), sheet.iter_rows(values_only=True), strict=False)]
        sheets.append(Sheet(name=sheet.title, rows=rows))
    book.close()
    return sheets


def _read_ods(data: bytes) -> list[Sheet]:
    from odf import opendocument, table, teletype

    document = opendocument.load(io.BytesIO(data))
    sheets = []
    for element in document.spreadsheet.getElementsByType(table.Table):
        rows: list[list[object]] = []
        for row in element.getElementsByType(table.TableRow):
            repeat_rows = int(row.getAttribute("numberrowsrepeated") or 1)
            cells: list[object] = []
            for cell in row.getElementsByType(table.TableCell):
                repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), 200)
                cells.extend([_ods_value(cell, teletype)] * repeat)
            while cells and cells[-1] in ("", None):
                cells.pop()
            rows.extend([cells] * min(repeat_rows, 1 if not cells else repeat_rows))
            if len(rows) >= MAX_ROWS:
                break
        sheets.append(Sheet(name=element.getAttribute("name"), rows=rows))
    return sheets


def _ods_value(cell, teletype) -> object:
    kind = cell.getAttribute("valuetype")
    if kind == "float" or kind == "percentage":
        return Decimal(cell.getAttribute("value"))
    if kind == "date":
        return datetime.date.fromisoformat(cell.getAttribute("datevalue")[:10])
    return teletype.extractText(cell)


def pick_sheet(sheets: list[Sheet], keywords: tuple[str, ...]) -> Sheet:
    """The tab whose name contains a keyword (e.g. 'AESH'), else the first non-empty one."""
    for sheet in sheets:
        if any(k in fold(sheet.name) for k in keywords):
            return sheet
    for sheet in sheets:
        if any(any(cell not in (None, "") for cell in row) for row in sheet.rows):
            return sheet
    raise SpreadsheetError("Le fichier ne contient aucune donnée.")


# --- Columns ---------------------------------------------------------------------

def _score(label: str, keywords: list[str]) -> int:
    folded = fold(label)
    return max((len(k) for k in keywords if re.search(rf"(^|\s){re.escape(k)}($|\s)", folded)), default=0)


def guess_mapping(header: list[object], fields: dict[str, list[str]]) -> dict[int, str]:
    """Column index → field, matched by the longest keyword found in each label.

    Each field and each column is used at most once; a column nothing matches
    stays unmapped (ignored), and the user can fix the result on the mapping page.
    """
    candidates = []
    for index, label in enumerate(header):
        # Last year's and this year's columns stand side by side: the most recent year wins a tie.
        year = max((int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", str(label or ""))), default=0)
        for name, keywords in fields.items():
            score = _score(str(label or ""), keywords)
            if score:
                candidates.append((score, year, -index, index, name))
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for _score_value, _year, _order, index, name in sorted(candidates, reverse=True):
        if index not in mapping and name not in used:
            mapping[index] = name
            used.add(name)
    return mapping


def find_header(rows: list[list[object]], fields: dict[str, list[str]], scan: int = 15) -> int:
    """Index of the header row: among the first rows, the one that names most fields."""
    best, best_index = 0, 0
    for index, row in enumerate(rows[:scan]):
        count = len(guess_mapping(row, fields))
        if count > best:
            best, best_index = count, index
    if best < 2:
        raise SpreadsheetError(
            "Aucune ligne d'en-tête reconnue dans les premières lignes du fichier : vérifiez l'onglet "
            "et les intitulés de colonnes (nom, prénom, établissement…)."
        )
    return best_index


def data_rows(rows: list[list[object]], header_index: int) -> Iterator[tuple[int, list[object]]]:
    """(spreadsheet line number, cells) for each data row; blank and TOTAL rows skipped."""
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = [c for c in row if c not in (None, "")]
        if not cells:
            continue
        if fold(cells[0]).startswith("total"):
            continue
        yield offset, row


def cell(row: list[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def split_full_name(text: str) -> tuple[str, str]:
    """'LE GALL Anne-Marie' → ('LE GALL', 'Anne-Marie'): upper-case words are the last name."""
    words = text.split()
    upper = []
    for word in words:
        letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", word)
        if (letters and letters == letters.upper() and len(letters) > 1) or (upper == [] and len(words) == 1):
            upper.append(word)
        else:
            break
    if not upper or len(upper) == len(words):
        return words[0] if words else "", " ".join(words[1:])
    return " ".join(upper), " ".join(words[len(upper):])


# --- Values ----------------------------------------------------------------------

_HOURS = re.compile(r"^(\d+)\s*h\s*(\d{1,2})?(min)?$")


def parse_decimal(value: object) -> Decimal:
    """'12,5', '12.5', 12.5, '24 h', '24h30' → Decimal; ValueError with a French message."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("n'est pas un nombre")
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = fold(value).replace(" ", "")
    match = _HOURS.match(text)
    if match:
        return Decimal(match.group(1)) + Decimal(match.group(2) or 0) / 60
    text = text.rstrip("h").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("n'est pas un nombre") from None
    if not number.is_finite():
        raise ValueError("n'est pas un nombre")
    return number


def parse_date(value: object) -> datetime.date:
    """'31/08/2026', '2026-08-31', a spreadsheet date → date; ValueError in French."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("n'est pas une date valide (attendu : jj/mm/aaaa)")


def display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return f"{value}".replace(".", ",")
    return str(value)


# --- Export ----------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """A text cell starting like a formula is prefixed with an apostrophe: it stays inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def export_table(fmt: str, header: list[str], rows: list[list[object]], sheet_name: str) -> bytes:
    """The table as CSV (semicolon, UTF-8 with BOM for French Excel), XLSX or ODS."""
    return export_sheets(fmt, [(sheet_name, header, rows)])


def export_sheets(fmt: str, sheets: list[tuple[str, list[str], list[list[object]]]]) -> bytes:
    """Several tables, one sheet each (CSV: one after the other, a title line before each
    when there are several). Formula-looking texts are neutralised."""
    safe = [(name, header, [[neutralize(v) for v in row] for row in rows]) for name, header, rows in sheets]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for index, (name, header, rows) in enumerate(safe):
            if len(safe) > 1:
                if index:
                    writer.writerow([])
                writer.writerow([neutralize(name)])
            writer.writerow(header)
            writer.writerows([[display(v) for v in row] for row in rows])
        return out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        return _export_xlsx(safe)
    if fmt == "ods":
        return _export_ods(safe)
    raise ValueError(f"format inconnu : {fmt}")


def _export_xlsx(sheets) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    book.remove(book.active)
    for sheet_name, header, rows in sheets:
        sheet = book.create_sheet(_sheet_title(sheet_name))
        sheet.append(header)
        for cell_ in sheet[1]:
            cell_.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell_ in sheet[sheet.max_row]:
                if isinstance(cell_.value, str):
                    cell_.data_type = "s"  # text, never a formula
                elif isinstance(cell_.value, datetime.date):
                    cell_.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str) -> str:
    """Spreadsheet sheet names: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Feuille"


def _export_ods(sheets) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for sheet_name, header, rows in sheets:
        table = Table(name=_sheet_title(sheet_name))
        for values in [header, *rows]:
            row = TableRow()
            for value in values:
                if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                    cell_ = TableCell(valuetype="float", value=str(value))
                    cell_.addElement(P(text=display(value)))
                elif isinstance(value, datetime.date):
                    cell_ = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell_.addElement(P(text=display(value)))
                else:
                    cell_ = TableCell(valuetype="string")
                    cell_.addElement(P(text=display(value)))
                row.addElement(cell_)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
