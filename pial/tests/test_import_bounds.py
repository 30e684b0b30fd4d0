"""Uploads that cannot exhaust the server: zip bombs (XLSX and ODS), lying archives, a cell
far away, too many members, a parse that runs too long — each refused quickly, in French,
naming the file, with nothing staged and nothing imported."""

import io
import re
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eleves.models import Student
from pial import spreadsheets
from pial.models import SpreadsheetImport
from pial.spreadsheets import SpreadsheetError, export_table, read_workbook

# Generous: the refusals below take well under a second; a parse of the bomb took minutes.
QUICK_SECONDS = 10
BOMB_MB = 256  # inflates to 256 MB from about 260 KB


def _spaces(megabytes: int):
    def write(file):
        chunk = b" " * (1024 * 1024)
        for _ in range(megabytes):
            file.write(chunk)
    return write


def _bomb(fmt: str, megabytes: int = BOMB_MB) -> bytes:
    data = export_table(fmt, ["Élève", "Naissance"], [["MARTIN Jade", "14/03/2016"]], "Besoins_élèves")
    member = "xl/worksheets/sheet1.xml" if fmt == "xlsx" else "content.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename == member:
                entry = zipfile.ZipInfo(member)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with target.open(entry, "w") as file:
                    _spaces(megabytes)(file)
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s declared inflated size set to `size` (local and central headers)."""
    blob = bytearray(data)
    name = member.encode()
    local = blob.index(b"PK\x03\x04")
    while True:
        name_length = struct.unpack_from("<H", blob, local + 26)[0]
        if bytes(blob[local + 30:local + 30 + name_length]) == name:
            struct.pack_into("<L", blob, local + 22, size)
            break
        local = blob.index(b"PK\x03\x04", local + 4)
    central = blob.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", blob, central + 28)[0]
        if bytes(blob[central + 46:central + 46 + name_length]) == name:
            struct.pack_into("<L", blob, central + 24, size)
            return bytes(blob)
        central = blob.index(b"PK\x01\x02", central + 4)


@pytest.fixture(scope="module")
def bombs():
    return {fmt: _bomb(fmt) for fmt in ("xlsx", "ods")}


def _upload(client, world, name: str, data: bytes):
    started = time.monotonic()
    response = client.post(reverse("eleves:import"), {"file": SimpleUploadedFile(name, data),
                                                      "pole": world.pole_a.pk})
    return response, time.monotonic() - started


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_zip_bomb_is_refused_quickly_and_nothing_is_staged(client_as, world, bombs, fmt):
    data = bombs[fmt]
    assert len(data) < 400 * 1024  # small upload, 256 MB once inflated
    response, seconds = _upload(client_as("coordinator_a"), world, f"bombe.{fmt}", data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and seconds < QUICK_SECONDS
    assert f"Le fichier « bombe.{fmt} » est refusé : une fois décompressé" in html and "dépasse 100 Mo" in html
    assert not SpreadsheetImport.objects.exists() and not Student.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_archive_lying_about_its_sizes_is_measured_not_believed(bombs, fmt):
    member = "xl/worksheets/sheet1.xml" if fmt == "xlsx" else "content.xml"
    liar = _lie_about_size(bombs[fmt], member, 2000)
    assert next(i for i in zipfile.ZipFile(io.BytesIO(liar)).infolist() if i.filename == member).file_size == 2000
    started = time.monotonic()
    with pytest.raises(SpreadsheetError, match=re.escape(f"« liar.{fmt} » est refusé : une fois décompressé, son élément")):
        read_workbook(f"liar.{fmt}", liar)
    assert time.monotonic() - started < QUICK_SECONDS


def test_an_archive_whose_member_is_not_the_size_it_says_is_refused():
    data = export_table("xlsx", ["Élève"], [["MARTIN Jade"]], "Besoins")
    liar = _lie_about_size(data, "xl/worksheets/sheet1.xml", 10)
    with pytest.raises(SpreadsheetError, match=re.escape("« x.xlsx » est incohérent")):
        read_workbook("x.xlsx", liar)


def test_too_many_members_and_a_bomb_like_ratio_are_refused_under_the_size_limits(settings):
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(1001):
            archive.writestr(f"x/{index}.xml", "<a/>")
    with pytest.raises(SpreadsheetError, match=re.escape("« beaucoup.xlsx » contient 1001 éléments, plus que les 1000")):
        read_workbook("beaucoup.xlsx", many.getvalue())
    dense = _bomb("xlsx", megabytes=3)  # 3 MB of spaces: under every size limit, ratio about 1 000
    with pytest.raises(SpreadsheetError, match=re.escape("se décompresse plus de 200 fois")):
        read_workbook("dense.xlsx", dense)
    settings.PIAL = {**settings.PIAL, "IMPORT_ARCHIVE_MAX_MEMBER_MB": 1}
    with pytest.raises(SpreadsheetError, match=re.escape("dépasse 1 Mo (limite par élément)")):
        read_workbook("dense.xlsx", dense)


def test_one_cell_far_away_cannot_make_the_reader_allocate_the_whole_grid():
    """4.8 KB: A1 and XFD1048576. calamine asks for 550 GB and aborts its process; here that is
    the child's process, under its memory limit, and the file is refused."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"], book.active["XFD1048576"] = "Élève", "x"
    out = io.BytesIO()
    book.save(out)
    started = time.monotonic()
    with pytest.raises(SpreadsheetError, match=re.escape("« loin.xlsx » demande plus de mémoire ou de calcul")):
        read_workbook("loin.xlsx", out.getvalue())
    assert time.monotonic() - started < QUICK_SECONDS


def test_a_parse_past_its_time_is_stopped(settings, tmp_path, monkeypatch):
    """The wall-clock bound: a reader that never ends (here a stand-in child that sleeps) is killed."""
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(spreadsheets, "READER", sleeper)
    settings.PIAL = {**settings.PIAL, "IMPORT_READ_SECONDS": 1}
    data = export_table("ods", ["Élève"], [["MARTIN Jade"]], "Besoins")
    started = time.monotonic()
    with pytest.raises(SpreadsheetError, match=re.escape("La lecture du fichier « lent.ods » a dépassé 1 secondes")):
        read_workbook("lent.ods", data)
    assert time.monotonic() - started < QUICK_SECONDS


def test_a_sheet_wider_than_the_setting_is_refused_naming_the_line(settings):
    settings.PIAL = {**settings.PIAL, "IMPORT_MAX_COLUMNS": 5}
    data = export_table("xlsx", ["a", "b", "c"], [["1", "2", "3", "4", "5", "6"]], "Besoins")
    with pytest.raises(SpreadsheetError, match=re.escape("« large.xlsx » a une valeur en colonne 6 à la ligne 2")):
        read_workbook("large.xlsx", data)
    with pytest.raises(SpreadsheetError, match=re.escape("« large.csv » a une valeur en colonne 6 à la ligne 2")):
        read_workbook("large.csv", b"a;b\n1;2;3;4;5;6\n")


def test_a_password_protected_archive_is_refused_in_french():
    data = bytearray(export_table("xlsx", ["Élève"], [["MARTIN Jade"]], "Besoins"))
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, struct.unpack_from("<H", data, central + 8)[0] | 0x1)
    with pytest.raises(SpreadsheetError, match=re.escape("« secret.xlsx » est protégé par un mot de passe")):
        read_workbook("secret.xlsx", bytes(data))
