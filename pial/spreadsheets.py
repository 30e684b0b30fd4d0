"""Reading and writing the spreadsheets coordinators live in: CSV, XLSX, ODS (and old XLS, read only).

Real DSDEN files have title rows above the header, a TOTAL row at the bottom,
column labels that change every year, French dates and decimal commas. This
module turns them into rows and typed values; each app's imports.py says
which columns it wants. Exports neutralise formula injection.

Reading is bounded: an archive is checked before it is parsed (pial.archives), a
workbook is parsed by python-calamine in a child process with its own memory, CPU and
time limits (pial.sheet_reader), a CSV is decoded by pial.text_encoding, and a sheet
with more rows than the setting allows is refused in French, never cut short.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pial.archives import ArchiveLimits, archive_problem
from pial.sheet_reader import decode_cell, fold
from pial.text_encoding import TextEncodingError, decode_text

FORMATS = ("csv", "xlsx", "ods")            # what pial writes
READ_FORMATS = ("csv", "xlsx", "ods", "xls")  # what pial reads
READER = Path(__file__).with_name("sheet_reader.py")
# Rows above the header that find_header looks at, beside the header itself.
HEADER_SCAN = 15
logger = logging.getLogger(__name__)


class SpreadsheetError(Exception):
    """A file that cannot be read at all; the message is French and names the file."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    # More non-blank rows than the limit: reading stopped, the import must be refused.
    overflow: bool = False


@dataclass(frozen=True)
class ReadLimits:
    max_rows: int          # data rows of one import (setting IMPORT_MAX_ROWS)
    max_columns: int
    seconds: int
    memory_bytes: int
    archive: ArchiveLimits

    @classmethod
    def from_settings(cls) -> ReadLimits:
        from pial.conf import setting

        mb = 1024 * 1024
        return cls(
            max_rows=setting("IMPORT_MAX_ROWS"), max_columns=setting("IMPORT_MAX_COLUMNS"),
            seconds=setting("IMPORT_READ_SECONDS"), memory_bytes=setting("IMPORT_READ_MEMORY_MB") * mb,
            archive=ArchiveLimits(
                max_members=setting("IMPORT_ARCHIVE_MAX_MEMBERS"),
                max_member_bytes=setting("IMPORT_ARCHIVE_MAX_MEMBER_MB") * mb,
                max_total_bytes=setting("IMPORT_ARCHIVE_MAX_TOTAL_MB") * mb,
                max_ratio=setting("IMPORT_ARCHIVE_MAX_RATIO"),
            ),
        )

    @property
    def rows_read(self) -> int:
        """Non-blank rows read from a sheet: the data rows allowed, the header and the rows above it."""
        return self.max_rows + HEADER_SCAN + 1


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_workbook(filename: str, data: bytes, *, keywords: tuple[str, ...] | None = None,
                  limits: ReadLimits | None = None) -> list[Sheet]:
    """The sheets of a file (with `keywords`: only the tab an import wants, see pick_sheet)."""
    limits = limits or ReadLimits.from_settings()
    ext = extension_of(filename)
    if ext == "csv":
        return [_read_csv(filename, data, limits)]
    if ext in ("xlsx", "ods", "xls"):
        return _read_book(filename, data, ext, keywords, limits)
    raise SpreadsheetError(
        f"Le format du fichier « {filename} » n'est pas pris en charge : envoyez un fichier CSV, XLSX, ODS ou XLS."
    )


def read_sheet(filename: str, data: bytes, keywords: tuple[str, ...], limits: ReadLimits | None = None) -> Sheet:
    """The one tab an import reads: by its name, else the first that is not empty."""
    return pick_sheet(read_workbook(filename, data, keywords=keywords, limits=limits), keywords)


def _read_csv(filename: str, data: bytes, limits: ReadLimits) -> Sheet:
    try:
        text = decode_text(data, filename)
    except TextEncodingError as error:
        raise SpreadsheetError(str(error)) from error
    sample = "\n".join(text[:20000].splitlines()[:20])
    delimiter = max([";", ",", "\t"], key=sample.count)
    # newline=None: CRLF, LF and a bare CR (old Mac exports) all end a line; quoted line breaks stay.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    deadline = time.monotonic() + limits.seconds
    rows: list[list[object]] = []
    filled = 0
    try:
        for row in reader:
            while row and row[-1] == "":
                row.pop()
            if len(row) > limits.max_columns:
                raise SpreadsheetError(_too_wide(filename, reader.line_num, len(row), limits))
            if row:
                filled += 1
                if filled > limits.rows_read:
                    return Sheet(name="CSV", rows=rows, overflow=True)
            rows.append(row)
            if len(rows) % 1000 == 0 and time.monotonic() > deadline:
                raise SpreadsheetError(_too_slow(filename, limits))
    except csv.Error as error:
        raise SpreadsheetError(
            f"Le fichier « {filename} » n'est pas un CSV lisible à la ligne {reader.line_num} ({error}) : "
            "rien n'a été importé."
        ) from error
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(name="CSV", rows=rows)


def _too_wide(filename: str, line: int, columns: int, limits: ReadLimits) -> str:
    return (f"Le fichier « {filename} » a une valeur en colonne {columns} à la ligne {line} : pial lit "
            f"{limits.max_columns} colonnes au plus. Supprimez les colonnes inutiles, puis envoyez-le de nouveau : "
            "rien n'a été importé.")


def _too_slow(filename: str, limits: ReadLimits) -> str:
    return (f"La lecture du fichier « {filename} » a dépassé {limits.seconds} secondes : il est refusé, rien n'a "
            "été importé. Un tableau de la taille permise se lit en quelques secondes ; vérifiez le fichier.")


def _read_book(filename: str, data: bytes, ext: str, keywords, limits: ReadLimits) -> list[Sheet]:
    if ext in ("xlsx", "ods"):
        problem = archive_problem(filename, data, limits.archive)
        if problem:
            raise SpreadsheetError(problem)
    params = {"keywords": list(keywords) if keywords else None, "max_rows": limits.rows_read,
              "max_columns": limits.max_columns, "memory_bytes": limits.memory_bytes,
              "cpu_seconds": limits.seconds}
    try:
        # Our own interpreter and script; the file only reaches the child on its stdin.
        done = subprocess.run([sys.executable, "-I", str(READER), json.dumps(params)], input=data,  # noqa: S603
                              capture_output=True, timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired as error:
        raise SpreadsheetError(_too_slow(filename, limits)) from error
    try:
        result = json.loads(done.stdout) if done.returncode == 0 else {"error": "memory"}
    except ValueError:
        result = {"error": "memory"}
    if "error" in result:
        raise SpreadsheetError(_book_error(filename, ext, result, limits))
    return [Sheet(name=s["name"], rows=[[decode_cell(c) for c in row] for row in s["rows"]], overflow=s["overflow"])
            for s in result["sheets"]]


def _book_error(filename: str, ext: str, result: dict, limits: ReadLimits) -> str:
    error = result["error"]
    if error == "columns":
        return _too_wide(filename, result["line"], result["column"], limits)
    if error == "password":
        return (f"Le fichier « {filename} » est protégé par un mot de passe : enregistrez-le sans mot de passe "
                "puis envoyez-le de nouveau.")
    if error == "unreadable":
        kind = {"xlsx": "classeur Excel", "ods": "classeur OpenDocument", "xls": "classeur Excel 97-2003"}[ext]
        logger.info("Classeur illisible (%s) : %s", ext, result.get("detail", ""))
        return (f"Le fichier « {filename} » n'a pas pu être lu comme un {kind} (fichier endommagé, ou d'un autre "
                "format que son extension) : rien n'a été importé.")
    return (f"Le fichier « {filename} » demande plus de mémoire ou de calcul qu'un tableau ordinaire pour être lu "
            f"(limite : {limits.memory_bytes // (1024 * 1024)} Mo, {limits.seconds} s ; souvent une cellule remplie "
            "très loin des autres) : il est refusé, rien n'a été importé.")


def require_whole(filename: str, sheet: Sheet, header_index: int, max_rows: int) -> int:
    """The number of data rows, or SpreadsheetError when the sheet has more than an import takes:
    an import is the whole file or nothing, never its first rows."""
    lines = [line for line, _row in data_rows(sheet.rows, header_index)]
    if len(lines) > max_rows or sheet.overflow:
        counted = f"plus de {max_rows}" if sheet.overflow else str(len(lines))
        first_over = (f" ; la première au-delà est la ligne {lines[max_rows]} du fichier"
                      if len(lines) > max_rows else "")
        raise SpreadsheetError(
            f"L'onglet « {sheet.name} » du fichier « {filename} » compte {counted} lignes de données, et un import "
            f"en prend {max_rows} au plus (réglage IMPORT_MAX_ROWS){first_over}. Rien n'a été importé : découpez le "
            "fichier (par exemple par établissement) et importez chaque partie."
        )
    return len(lines)


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

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_HOURS = re.compile(r"^(\d+)\s*h\s*(\d{1,2})?(min)?$")


def parse_decimal(value: object) -> Decimal:
    """'12,5', '12.5', 12.5, '24 h', '24h30' → Decimal; ValueError with a French message."""
    if isinstance(value, bool):
        raise ValueError("n'est pas un nombre")
    if isinstance(value, Decimal | int | float):
        # A spreadsheet's number cell may hold inf or NaN (a formula's result): not a number either.
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError("n'est pas un nombre")
        return number
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
    match = _FRENCH_DATE.match(text)
    if match:  # the common case, without strptime's cost (20 000 rows carry 60 000 dates)
        try:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise ValueError("n'est pas une date valide (attendu : jj/mm/aaaa)") from None
    for pattern in ("%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
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
    if isinstance(value, Decimal):
        # As a person writes it, the same on every database: 39.20 and SQLite's 39.2000000000000
        # (a decimal read back through a float) are both « 39,2 »; 40.00 is « 40 ».
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, float):
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
