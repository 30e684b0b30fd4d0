"""Reads an uploaded workbook (XLSX, ODS, XLS) with python-calamine, in a child process.

calamine is fast native code, but native code cannot be interrupted from Python and a
few bytes can ask it for terabytes (one cell at XFD1048576 makes it allocate the whole
grid). So pial.spreadsheets runs this file as a script, never inside a web or Celery
process: the child gets a memory and CPU limit of its own and a wall-clock deadline
from its parent; whatever the file does, at worst the child dies and the parent refuses
the file in French.

Protocol: the file's bytes on stdin, the limits as JSON in argv[1], one JSON object on
stdout: {"sheets": [...]} or {"error": code, ...}. Cells travel through `encode_cell`
/ `decode_cell` (JSON plus tagged dates). Only the standard library and calamine are
imported here, so the child starts in a few tens of milliseconds; pial.spreadsheets
imports this module for `fold` and the codec.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import sys
import unicodedata
from decimal import Decimal


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: 'Quotité_SCO ' → 'quotite sco'."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s_\-./'’()]+", " ", plain).strip()


# --- Cells as JSON ------------------------------------------------------------------

def encode_cell(value: object) -> object:
    """A cell as JSON: text, int, float and bool as they are; dates and times tagged."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else {"n": str(value)}
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"s": value.total_seconds()}
    return str(value)


def decode_cell(value: object) -> object:
    """The cell back: a decimal number as Decimal (as written, « 12,5 » stays 12.5), dates as dates."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if not isinstance(value, dict):
        return value
    if "n" in value:
        return Decimal(value["n"])
    if "dt" in value:
        return datetime.datetime.fromisoformat(value["dt"])
    if "d" in value:
        return datetime.date.fromisoformat(value["d"])
    if "t" in value:
        return datetime.time.fromisoformat(value["t"])
    return datetime.timedelta(seconds=value["s"])


def _blank(value: object) -> bool:
    return value is None or value == ""


# --- Reading (in the child) -------------------------------------------------------------

class TooWide(Exception):
    def __init__(self, line: int, column: int):
        super().__init__(line, column)
        self.line, self.column = line, column


def _read_sheet(sheet, max_rows: int, max_columns: int) -> dict:
    """The rows of one sheet, blank rows kept (line numbers stay true) and trailing blank
    cells dropped; reading stops after `max_rows` non-blank rows (overflow)."""
    rows: list[list[object]] = []
    filled = 0
    overflow = False
    for line, raw in enumerate(sheet.iter_rows(), start=1):
        cells = list(raw)
        while cells and _blank(cells[-1]):
            cells.pop()
        if len(cells) > max_columns:
            raise TooWide(line, len(cells))
        if cells:
            filled += 1
            if filled > max_rows:
                overflow = True
                break
        rows.append([encode_cell(c) for c in cells])
    while rows and not rows[-1]:
        rows.pop()
    return {"name": sheet.name, "rows": rows, "overflow": overflow, "height": sheet.height}


def read(data: bytes, keywords: list[str] | None, max_rows: int, max_columns: int) -> dict:
    """Every worksheet, or with `keywords` only the first whose name holds one (else the
    first that is not empty): the flow needs one tab, and reading one costs less."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    sheets = []
    if keywords:
        chosen = next((n for n in names if any(k in fold(n) for k in keywords)), None)
        if chosen is not None:
            return {"sheets": [_read_sheet(book.get_sheet_by_name(chosen), max_rows, max_columns)]}
    for name in names:
        sheet = _read_sheet(book.get_sheet_by_name(name), max_rows, max_columns)
        sheets.append(sheet)
        if keywords and sheet["rows"]:
            return {"sheets": [sheet]}
    return {"sheets": sheets}


def _limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main() -> int:
    params = json.loads(sys.argv[1])
    _limit_self(params["memory_bytes"], params["cpu_seconds"])
    data = sys.stdin.buffer.read()
    try:
        result = read(data, params.get("keywords"), params["max_rows"], params["max_columns"])
    except MemoryError:
        result = {"error": "memory"}
    except TooWide as error:
        result = {"error": "columns", "line": error.line, "column": error.column}
    except Exception as error:
        kind = type(error).__name__
        result = {"error": "password" if "Password" in kind else "unreadable", "detail": str(error)[:300]}
    sys.stdout.write(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
