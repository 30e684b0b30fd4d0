"""Import of the AESH tab: keyword columns, French errors by row and column, all or nothing."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aesh.imports import FIELDS, run_import, split_full_name
from aesh.models import Aesh, Contract
from pial.spreadsheets import export_table, find_header, guess_mapping, pick_sheet, read_workbook

TODAY = datetime.date(2026, 11, 22)
TITLE_ROWS = [["Moyens AESH terrain — rentrée 2026"], ["DSDEN Ille-et-Vilaine"], []]
HEADER = ["NOM Prénom", "Établissement d'exercice", "Quotité SCO", "Quotité EPP", "Mél", "Tél. portable"]


def person(i, uai, hours="24"):
    return [f"AGENT{i} Camille", uai, hours, "2", f"agent{i}@ac-test.fr", "06 12 34 56 78"]


def workbook_rows(world, people):
    return [*TITLE_ROWS, HEADER, *people, ["TOTAL", "", "480", "", "", ""]]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("cp1252")


def importer(world, rows, commit=True):
    sheet = pick_sheet(read_workbook("aesh.csv", as_csv(rows)), ("aesh",))
    header_index = find_header(sheet.rows, FIELDS)
    mapping = guess_mapping(sheet.rows[header_index], FIELDS)
    return run_import(sheet=sheet, header_index=header_index, mapping=mapping, pole=world.pole_a,
                      today=TODAY, commit=commit), mapping


def test_columns_are_recognised_by_keywords(world):
    rows = workbook_rows(world, [person(1, world.schools_a[0].uai)])
    sheet = read_workbook("aesh.csv", as_csv(rows))[0]
    index = find_header(sheet.rows, FIELDS)
    assert index == 3
    mapping = guess_mapping(sheet.rows[index], FIELDS)
    assert mapping == {0: "full_name", 1: "school", 2: "weekly_hours", 4: "email", 5: "phone"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("DUPONT Marie", ("DUPONT", "Marie")), ("LE GALL Anne-Marie", ("LE GALL", "Anne-Marie")),
     ("Dupont Marie", ("Dupont", "Marie")), ("N'DIAYE Awa", ("N'DIAYE", "Awa"))],
)
def test_split_full_name(text, expected):
    assert split_full_name(text) == expected


def test_good_file_is_imported_with_contract_and_reimport_changes_nothing(world):
    people = [person(i, world.schools_a[i % 3].uai) for i in range(5)]
    report, _ = importer(world, workbook_rows(world, people))
    assert report.errors == [] and report.committed
    assert report.count("nouveau") == 5
    aesh = Aesh.objects.get(email="agent1@ac-test.fr")
    assert (aesh.last_name, aesh.first_name, aesh.home_pole) == ("AGENT1", "Camille", world.pole_a)
    contract = Contract.objects.get(aesh=aesh)
    assert contract.weekly_hours == Decimal("24") and contract.contractual_quotite == 62
    again, _ = importer(world, workbook_rows(world, people))
    assert again.count("inchangé") == 5 and again.committed
    assert Aesh.objects.count() == 5 and Contract.objects.count() == 5


def test_bad_rows_block_everything_with_errors_by_row_and_column(world):
    people = [person(i, world.schools_a[0].uai) for i in range(20)]
    # Three title rows and the header come first: people[i] stands on spreadsheet line i + 5.
    people[12] = person(12, world.schools_a[0].uai, hours="45,5")  # line 17: implausible hours
    people[15] = person(3, world.schools_a[0].uai)                  # line 20: same person as line 8
    people[16] = person(16, "0350760M")                              # line 21: wrong UAI letter
    people[17] = person(17, world.schools_b[0].uai)                  # line 22: school of another pôle
    report, _ = importer(world, workbook_rows(world, people))
    errors = report.errors
    assert not report.committed
    assert Aesh.objects.count() == 0 and Contract.objects.count() == 0
    assert any(e.startswith("Ligne 17 : colonne « Quotité SCO » : « 45,5 »") and "plausible" in e for e in errors)
    assert any(e.startswith("Ligne 20 :") and "même personne qu'à la ligne 8" in e for e in errors)
    assert any(e.startswith("Ligne 21 : colonne « Établissement d'exercice »") and "lettre de contrôle" in e
               for e in errors)
    assert any(e.startswith("Ligne 22 :") and "n'est pas un établissement du pôle" in e for e in errors)
    assert len(errors) == 4


def test_hours_written_as_text_are_rejected(world):
    report, _ = importer(world, workbook_rows(world, [person(1, world.schools_a[0].uai, hours="douze")]))
    assert report.errors == ["Ligne 5 : colonne « Quotité SCO » : « douze » n'est pas un nombre."]


def test_mislabelled_columns_are_reported_and_fixed_by_mapping(world):
    rows = [["Agent concerné", "Lieu", "Volume"], ["DURAND Lucie", world.schools_a[0].name, "24"]]
    data = as_csv(rows)
    sheet = read_workbook("aesh.csv", data)[0]
    mapping = guess_mapping(sheet.rows[0], FIELDS)
    assert "weekly_hours" not in mapping.values()  # « Volume » means nothing to the matcher
    report = run_import(sheet=sheet, header_index=0, mapping={1: "school"}, pole=world.pole_a, today=TODAY,
                        commit=True)
    assert "colonne du nom" in report.fatal and not report.committed
    fixed = run_import(sheet=sheet, header_index=0, mapping={0: "full_name", 1: "school", 2: "weekly_hours"},
                       pole=world.pole_a, today=TODAY, commit=True)
    assert fixed.committed and Aesh.objects.get().schools.get() == world.schools_a[0]


def test_hours_changed_against_current_contract_need_an_amendment(world):
    people = [person(1, world.schools_a[0].uai)]
    importer(world, workbook_rows(world, people))
    people = [person(1, world.schools_a[0].uai, hours="30")]
    report, _ = importer(world, workbook_rows(world, people))
    assert not report.committed
    assert "passe par un avenant" in report.errors[0]


def test_invalid_email_is_a_warning_not_an_error(world):
    row = person(1, world.schools_a[0].uai)
    row[4] = "voir la directrice"
    report, _ = importer(world, workbook_rows(world, [row]))
    assert report.committed and "n'est pas une adresse e-mail" in report.rows[0].warnings[0]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_xlsx_and_ods_files_are_read(world, fmt):
    rows = workbook_rows(world, [person(1, world.schools_a[0].uai)])
    data = export_table(fmt, rows[3], rows[4:], "Moyens_AESH_terrain")
    sheet = pick_sheet(read_workbook(f"aesh.{fmt}", data), ("aesh",))
    index = find_header(sheet.rows, FIELDS)
    report = run_import(sheet=sheet, header_index=index, mapping=guess_mapping(sheet.rows[index], FIELDS),
                        pole=world.pole_a, today=TODAY, commit=True)
    assert report.committed and Aesh.objects.get().email == "agent1@ac-test.fr"


def test_import_pages_end_to_end(client_as, world):
    client = client_as("coordinator_a")
    rows = workbook_rows(world, [person(1, world.schools_a[0].uai), person(2, world.schools_a[1].uai)])
    upload = SimpleUploadedFile("Besoins_AESH.csv", as_csv(rows), content_type="text/csv")
    response = client.post(reverse("aesh:import"), {"file": upload, "pole": world.pole_a.pk})
    assert response.status_code == 302
    mapping_url = response["Location"]
    html = client.get(mapping_url).content.decode()
    assert "Quotité SCO" in html and 'value="weekly_hours" selected' in html
    token = mapping_url.rstrip("/").split("/")[-2]
    post = {"col_0": "full_name", "col_1": "school", "col_2": "weekly_hours", "col_4": "email"}
    response = client.post(mapping_url, post)
    assert response.status_code == 302
    preview_url = reverse("aesh:import_preview", args=[token])
    html = client.get(preview_url).content.decode()
    assert "Aucune erreur" in html
    # The preview says which columns block the import and which are only information.
    keys, information = html.split("Colonnes clés")[1].split("Colonnes d")
    assert "Heures hebdomadaires" in keys and "Établissement" in keys and "E-mail" not in keys
    assert "E-mail — colonne « Mél »" in information
    assert Aesh.objects.count() == 0
    response = client.post(preview_url)
    assert response.status_code == 302 and Aesh.objects.count() == 2
    # Another user cannot open the staged file.
    assert client_as("coordinator_b").get(preview_url).status_code == 404


def test_import_upload_rejects_unknown_format(client_as, world):
    upload = SimpleUploadedFile("aesh.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_as("coordinator_a").post(reverse("aesh:import"), {"file": upload, "pole": world.pole_a.pk})
    assert "type de fichier n&#x27;est pas accepté : envoyez un fichier CSV, XLSX, ODS, XLS" in response.content.decode()


def test_coordinator_cannot_import_into_another_pole(client_as, world):
    upload = SimpleUploadedFile("aesh.csv", as_csv(workbook_rows(world, [])), content_type="text/csv")
    response = client_as("coordinator_a").post(reverse("aesh:import"), {"file": upload, "pole": world.pole_b.pk})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
