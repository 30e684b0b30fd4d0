"""School levels as real files spell them: each family normalised, the unknown kept as written,
the vocabulary editable in the admin; a real-shaped workbook (XLSX and ODS) with a lycée
professionnel imports whole; a damaged .xls is refused in French."""

import datetime
import io
import re

import pytest
from django.urls import reverse

from eleves.enums import Level
from eleves.imports import FIELDS, run_import
from eleves.levels import normalize_level
from eleves.models import LevelSpelling, Notification, Student
from pial.spreadsheets import SpreadsheetError, export_sheets, find_header, guess_mapping, pick_sheet, read_workbook

TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(("family", "spellings", "level"), [
    ("lycée professionnel, seconde", ["2nde PRO", "2de pro", "2nde Pro", "2 PRO", "Seconde professionnelle"],
     Level.SECONDE_PRO),
    ("lycée professionnel, première", ["1ère pro", "1re PRO", "1ERE PRO", "1e pro"], Level.PREMIERE_PRO),
    ("lycée professionnel, terminale", ["Tle pro", "Term Bac Pro", "Terminale pro", "TLE PRO"], Level.TERMINALE_PRO),
    ("CAP, 1re année", ["CAP 1re année", "1ère année CAP", "CAP1", "cap 1"], Level.CAP1),
    ("CAP, 2e année", ["CAP 2e année", "2ème année de CAP", "CAP2"], Level.CAP2),
    ("3e prépa-métiers", ["3ème prépa-métiers", "3e Prépa Métiers", "3PM"], Level.TROISIEME_PM),
    ("SEGPA", ["6e SEGPA", "6ème segpa", "6° SEGPA"], Level.SIXIEME_SEGPA),
    ("SEGPA, 3e", ["3EME SEGPA", "3e Segpa"], Level.TROISIEME_SEGPA),
    ("ULIS école, collège, lycée", ["ULIS école", "ULIS collège", "ulis lycée", "ULIS-TFC"], Level.ULIS),
    ("UEE", ["UEE", "Unité d'enseignement externalisée", "U.E.E."], Level.UEE),
    ("post-bac", ["BTS 1", "BTS 1ère année", "bts1"], Level.BTS1),
    ("post-bac, 2e année", ["BTS2", "BTS 2e année"], Level.BTS2),
    ("accents, « ème », « ° », capitales", ["6ème", "6EME", "6e", "6°", "Sixième"], Level.SIXIEME),
    ("double niveau (le premier)", ["CM1/CM2", "CM1 / CM2", "cm1-cm2"], Level.CM1),
    ("maternelle", ["PS", "Petite section", "TPS", "GS", "grande section"], None),
    ("lycée général", ["Seconde générale", "2nde GT", "2de"], Level.SECONDE),
])
def test_each_spelling_family(family, spellings, level):
    for spelling in spellings:
        found = normalize_level(spelling)
        assert found is not None, (family, spelling)
        if level is not None:
            assert found == level, (family, spelling, found)


def test_what_is_not_known_stays_unknown_and_the_vocabulary_wins():
    assert normalize_level("Classe relais") is None and normalize_level("IME") is None
    assert normalize_level("Classe relais", {"classe relais": Level.CINQUIEME}) == Level.CINQUIEME


HEADER = ["NOM Prénom", "Date de naissance", "Établissement 2025-2026", "Établissement 2026-2027", "Niveau",
          "Type d'aide", "Heures attribuées", "Début de notification", "Fin de notification", "État", "Cantine"]


def workbook(world, fmt: str) -> bytes:
    """A DSDEN-shaped workbook: a title row, the needs tab, a lycée professionnel, a TOTAL row."""
    uai = world.schools_a[0].uai
    rows = [
        ["DSDEN — besoins en accompagnement, rentrée 2026", *[""] * 10],
        HEADER,
        ["DUPONT Léa", datetime.date(2010, 5, 2), "", uai, "2nde PRO", "AESH-i", 12, datetime.date(2026, 9, 1),
         datetime.date(2028, 8, 31), "notifiée", "non"],
        ["MARTIN Hugo", datetime.date(2009, 1, 12), "", uai, "Tle pro", "M", "", datetime.date(2026, 9, 1),
         datetime.date(2027, 8, 31), "notifiée", "oui"],
        ["ROUX Inès", datetime.date(2011, 3, 3), "", uai, "CAP 1re année", "I", "9,5", datetime.date(2026, 9, 1),
         datetime.date(2027, 8, 31), "renouvellement en cours", ""],
        ["PETIT Noah", datetime.date(2010, 7, 7), "", uai, "Classe relais", "I", 6, datetime.date(2026, 9, 1),
         datetime.date(2027, 8, 31), "notifiée", ""],
        ["TOTAL", "", "", "", "", "", "27,5", "", "", "", ""],
    ]
    return export_sheets(fmt, [("Moyens_AESH_terrain", ["NOM Prénom", "Quotité SCO"], [["X Y", 24]]),
                               ("Besoins_élèves", rows[0], rows[1:])])


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_dsden_workbook_with_a_lycee_professionnel_imports_whole(world, fmt):
    sheets = read_workbook(f"besoins.{fmt}", workbook(world, fmt))
    sheet = pick_sheet(sheets, ("besoin", "eleve"))
    index = find_header(sheet.rows, FIELDS)
    mapping = guess_mapping(sheet.rows[index], FIELDS)
    report = run_import(sheet=sheet, header_index=index, mapping=mapping, pole=world.pole_a, today=TODAY,
                        commit=True)
    assert report.errors == [] and report.committed and report.count("nouveau") == 4
    levels = dict(Student.objects.values_list("last_name", "level"))
    assert levels == {"DUPONT": "2PRO", "MARTIN": "TPRO", "ROUX": "CAP1", "PETIT": ""}
    petit = Student.objects.get(last_name="PETIT")
    assert petit.level_raw == "Classe relais"
    warning = next(r for r in report.rows if r.name.startswith("PETIT")).warnings
    assert any("« Classe relais » n'est pas un niveau connu ; il est gardé tel quel" in w for w in warning)
    assert Notification.objects.count() == 4


def test_an_unknown_level_mapped_in_the_vocabulary_is_recognised_next_time(world):
    LevelSpelling.objects.create(spelling="classe relais", level=Level.CINQUIEME)
    sheet = pick_sheet(read_workbook("besoins.xlsx", workbook(world, "xlsx")), ("besoin",))
    index = find_header(sheet.rows, FIELDS)
    run_import(sheet=sheet, header_index=index, mapping=guess_mapping(sheet.rows[index], FIELDS),
               pole=world.pole_a, today=TODAY, commit=True)
    assert Student.objects.get(last_name="PETIT").level == Level.CINQUIEME


def test_the_vocabulary_is_folded_and_edited_by_the_dsden_only(client_as, world):
    spelling = LevelSpelling(spelling="  Classe RELAIS ", level=Level.CINQUIEME)
    spelling.full_clean()
    assert spelling.spelling == "classe relais"
    url = reverse("admin:eleves_levelspelling_add")
    assert client_as("gestionnaire").get(url).status_code == 200
    assert client_as("coordinator_a").get(url).status_code == 403
    assert client_as("coordinator_a").get(reverse("admin:eleves_levelspelling_changelist")).status_code == 200


def test_a_damaged_xls_is_refused_in_french_naming_the_file(client_as, world):
    with pytest.raises(SpreadsheetError, match=re.escape("« besoins.xls » n'a pas pu être lu comme un classeur Excel 97-2003")):
        read_workbook("besoins.xls", b"\xd0\xcf\x11\xe0 old binary")
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0 old binary")
    upload.name = "besoins.xls"
    response = client_as("coordinator_a").post(reverse("eleves:import"), {"file": upload, "pole": world.pole_a.pk})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and "« besoins.xls » n'a pas pu être lu" in html
    assert Student.objects.count() == 0


def test_the_preview_says_which_columns_are_keys_and_which_are_information(client_as, world):
    client = client_as("coordinator_a")
    upload = io.BytesIO(workbook(world, "xlsx"))
    upload.name = "besoins.xlsx"
    response = client.post(reverse("eleves:import"), {"file": upload, "pole": world.pole_a.pk})
    mapping_url = response["Location"]
    preview_url = mapping_url.replace("colonnes", "apercu")
    html = client.get(preview_url).content.decode()
    keys, information = html.split("Colonnes clés")[1].split("Colonnes d")
    assert "Date de naissance" in keys and "Établissement" in keys and "Niveau" not in keys
    assert "Niveau" in information and "colonne « Niveau »" in information and "Cantine" in information
    assert "Une erreur dans l'une d'elles bloque tout l'import" in html


def test_a_level_to_specify_shows_as_such(client_as, world):
    from eleves.tests.factories import StudentFactory

    student = StudentFactory(school=world.schools_a[0], level="", level_raw="Classe relais", last_name="Petit")
    html = client_as("coordinator_a").get(reverse("eleves:detail", args=[student.pk])).content.decode()
    assert "niveau à préciser" in html and "« Classe relais »" in html
    assert "niveau à préciser" in client_as("coordinator_a").get(reverse("eleves:list")).content.decode()
