"""CSV files as offices write them: UTF-16 (Excel's « Texte Unicode », with or without a mark),
UTF-8 with a mark, Windows-1252, and CRLF, LF or a bare CR — all read; any other text refused
in French naming the file; never a 500 from the CSV reader."""

import codecs
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eleves.models import Student
from eleves.tests.needs_file import needs_table
from pial.imports import import_directory
from pial.models import SpreadsheetImport
from pial.spreadsheets import SpreadsheetError, read_workbook
from pial.text_encoding import decode_text

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 avec BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 LE avec BOM (Excel)": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 BE avec BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16 LE sans BOM": lambda text: text.encode("utf-16-le"),
    "utf-16 BE sans BOM": lambda text: text.encode("utf-16-be"),
    "windows-1252": lambda text: text.encode("cp1252"),
}
LINE_ENDINGS = {"CRLF": "\r\n", "LF": "\n", "CR": "\r"}
TEXT = "Élève;Établissement;Remarques\nLEFÈVRE Chloé;École Alpha 0;« transport » 12,5 € œuvre\nN'DIAYE Maël;;\n"


@pytest.mark.parametrize("ending", LINE_ENDINGS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_office_encoding_and_line_ending_reads_the_same_rows(encoding, ending):
    data = ENCODINGS[encoding](TEXT.replace("\n", LINE_ENDINGS[ending]))
    rows = read_workbook("besoins.csv", data)[0].rows
    assert rows == [["Élève", "Établissement", "Remarques"],
                    ["LEFÈVRE Chloé", "École Alpha 0", "« transport » 12,5 € œuvre"], ["N'DIAYE Maël"]]


def test_a_quoted_line_break_stays_inside_its_cell_with_a_bare_cr():
    data = 'Élève;Remarques\r"MARTIN Jade";"ligne un\rligne deux"\r'.encode("cp1252")
    assert read_workbook("b.csv", data)[0].rows == [["Élève", "Remarques"], ["MARTIN Jade", "ligne un\nligne deux"]]


@pytest.mark.parametrize(("label", "data", "why"), [
    ("cyrillique (KOI8-R)", "Имя;Школа\nИванов;Москва\n".encode("koi8-r"), "pial lit les CSV en UTF-8, UTF-16 ou"),
    ("japonais (Shift-JIS)", "名前;学校\n山田;東京\n".encode("shift_jis"), "encodage que pial ne lit pas"),
    ("image PNG", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "n'est pas un texte lisible"),
    ("caractère nul", b"Nom;Prenom\nA\x00;B\n", "caractère nul à la ligne 2"),
])
def test_other_texts_are_refused_in_french_naming_the_file(label, data, why):
    with pytest.raises(SpreadsheetError) as refused:
        read_workbook("besoins.csv", data)
    message = str(refused.value)
    assert "« besoins.csv »" in message and why in message and "rien n'a été importé" in message


def test_a_utf16_csv_with_bare_cr_imports_through_the_pages(client_as, world):
    """The two 500s of the audit (`_csv.Error` from a UTF-16 file and from bare CR line endings)."""
    rows = [["LEFÈVRE Chloé", "14/03/2016", "", world.schools_a[0].uai, "CE2", "I", "12", "01/09/2025",
             "31/08/2028", "notifiée", "non", ""]]
    text = "\r".join(";".join(row) for row in needs_table(rows)) + "\r"
    client = client_as("coordinator_a")
    for encoded in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), text.encode("cp1252")):
        response = client.post(reverse("eleves:import"), {"file": SimpleUploadedFile("besoins.csv", encoded),
                                                          "pole": world.pole_a.pk})
        assert response.status_code == 302, response.content.decode()[-3000:]
        token = response["Location"].rstrip("/").split("/")[-2]
        assert client.post(reverse("eleves:import_preview", args=[token])).status_code == 302
    assert list(Student.objects.values_list("last_name", "first_name")) == [("LEFÈVRE", "Chloé")]


def test_a_garbage_csv_is_refused_on_the_upload_page(client_as, world):
    upload = SimpleUploadedFile("besoins.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    response = client_as("coordinator_a").post(reverse("eleves:import"), {"file": upload, "pole": world.pole_a.pk})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and "Le fichier « besoins.csv » n'est pas un texte lisible" in html
    assert not SpreadsheetImport.objects.exists()


def test_the_school_directory_reads_utf16_and_bare_cr_and_refuses_garbage(db):
    text = ("Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Code_departement\r"
            "0350760L;École Saint-Exupéry;Ecole;35\r")
    report = import_directory(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), wet_run=True)
    assert report.errors == [] and report.created == 1
    refused = import_directory(io.BytesIO("Имя;Школа\n".encode("koi8-r")).getvalue(), wet_run=True)
    assert not refused.committed and "pial lit les CSV en UTF-8, UTF-16 ou Windows-1252" in str(refused.errors[0])


def test_decode_text_keeps_windows_1252_letters():
    assert decode_text("Cœur, Œuvre, 12 €, « guillemets »".encode("cp1252")) == "Cœur, Œuvre, 12 €, « guillemets »"
