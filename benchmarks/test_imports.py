"""Spreadsheet imports at the size the setting allows (make bench, make bench-pg).

20 000 student rows (IMPORT_MAX_ROWS), XLSX and CSV: read (bounded child process), staged,
checked into a preview, saved in one transaction, then the same file again (all
unchanged). Target: the whole import of 20 000 rows in 30 s at most, on SQLite and on
PostgreSQL. Also the read time of a 5 000-row ODS with python-calamine against the odfpy
reader pial used before (kept here as the yardstick).
"""

import datetime
import io
import os
import time
from decimal import Decimal
from functools import partial

import pytest

from eleves.imports import FIELDS, SHEET_KEYWORDS
from eleves.models import Notification, Student
from eleves.tests.needs_file import HEADER, needs_csv, needs_rows
from pial import import_jobs
from pial.enums import Role
from pial.models import ImportState, SpreadsheetImport
from pial.spreadsheets import export_table, find_header, read_sheet, require_whole
from pial.tests.factories import MembershipFactory, PoleFactory, SchoolFactory

ROWS = 20000
TARGET_SECONDS = 30


def _odfpy_rows(data: bytes) -> int:
    """The ODS reader pial used before python-calamine (odfpy's DOM), as the yardstick."""
    from odf import opendocument, table, teletype

    document = opendocument.load(io.BytesIO(data))
    count = 0
    for element in document.spreadsheet.getElementsByType(table.Table):
        for row in element.getElementsByType(table.TableRow):
            cells = []
            for cell in row.getElementsByType(table.TableCell):
                kind = cell.getAttribute("valuetype")
                if kind in ("float", "percentage"):
                    cells.append(Decimal(cell.getAttribute("value")))
                elif kind == "date":
                    cells.append(datetime.date.fromisoformat(cell.getAttribute("datevalue")[:10]))
                else:
                    cells.append(teletype.extractText(cell))
            count += 1
    return count


def _timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def test_ods_of_5000_rows_read_by_calamine_and_by_odfpy(db):
    schools = [SchoolFactory() for _ in range(5)]
    data = export_table("ods", HEADER, needs_rows(schools, 5000), "Besoins_élèves")
    sheet, calamine = _timed(lambda: read_sheet("besoins.ods", data, SHEET_KEYWORDS))
    count, odfpy = _timed(lambda: _odfpy_rows(data))
    assert len(sheet.rows) == count == 5001
    print(f"\nODS de 5 000 lignes ({len(data) // 1024} Ko) : python-calamine {calamine:.2f} s, odfpy {odfpy:.2f} s "
          f"({odfpy / calamine:.0f} fois plus lent)")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_20000_students_import_whole(settings, tmp_path, fmt):
    settings.STORAGES = {**settings.STORAGES, "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    pole = PoleFactory()
    schools = [SchoolFactory(pole=pole) for _ in range(60)]
    user = MembershipFactory(role=Role.COORDINATOR, pole=pole).user
    rows = needs_rows(schools, ROWS)
    data = export_table("xlsx", HEADER, rows, "Besoins_élèves") if fmt == "xlsx" else needs_csv(rows)
    print(f"\n{ROWS} élèves en {fmt.upper()} ({len(data) / 1024 / 1024:.1f} Mo), charge de la machine "
          f"{os.getloadavg()[0]:.1f} :")
    totals = []
    for attempt in ("premier import", "même fichier"):
        timings = {}
        sheet, timings["lecture"] = _timed(partial(read_sheet, f"besoins.{fmt}", data, SHEET_KEYWORDS))
        header_index = find_header(sheet.rows, FIELDS)
        assert require_whole(f"besoins.{fmt}", sheet, header_index, ROWS) == ROWS
        job, timings["mise en attente"] = _timed(partial(
            import_jobs.stage, flow="eleves", fields=FIELDS, user=user, role=Role.COORDINATOR, pole=pole,
            filename=f"besoins.{fmt}", sheet=sheet, header_index=header_index))
        SpreadsheetImport.objects.filter(pk=job.pk).update(state=ImportState.CHECKING)
        _, timings["aperçu"] = _timed(partial(import_jobs.check, job.pk))
        job.refresh_from_db()
        assert job.state == ImportState.READY and len(job.preview["rows"]) == ROWS
        SpreadsheetImport.objects.filter(pk=job.pk).update(state=ImportState.SAVING)
        report, timings["enregistrement"] = _timed(partial(import_jobs.save, job.pk))
        assert report.committed, report.errors[:5]
        total = sum(timings.values())
        totals.append(total)
        print(f"  {attempt:15} " + ", ".join(f"{k} {v:5.1f} s" for k, v in timings.items())
              + f" — en tout {total:5.1f} s (objectif {TARGET_SECONDS} s) ; {report.summary()}")
    assert Student.objects.filter(school__pole=pole).count() == ROWS
    assert Notification.objects.filter(student__school__pole=pole).count() == ROWS
    assert max(totals) <= TARGET_SECONDS
