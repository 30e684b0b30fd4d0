"""Import of the students' needs tab: errors by row, all or nothing, diff against the previous import."""

import csv
import datetime
import io

from django.urls import reverse

from eleves.enums import JournalAction
from eleves.imports import FIELDS, parse_aid_kind, run_import
from eleves.levels import normalize_level
from eleves.models import AccessLog, Notification, Student
from pial.spreadsheets import find_header, guess_mapping, pick_sheet, read_workbook

TODAY = datetime.date(2026, 11, 22)
HEADER = ["Élève", "Date de naissance", "Établissement 2025-2026", "Établissement 2026-2027", "Niveau",
          "Type d'aide", "Heures notifiées", "Début", "Fin", "État", "Cantine", "Remarques"]


def row(name, school, kind="I", hours="12", start="01/09/2025", end="31/08/2028", birth="14/03/2016"):
    return [name, birth, "ancienne école", school, "CE2", kind, hours, start, end, "notifiée", "non", ""]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([["Besoins élèves — rentrée 2026"], HEADER, *rows, ["TOTAL"]])
    return out.getvalue().encode("cp1252")


def run(world, rows, commit=True):
    sheet = pick_sheet(read_workbook("besoins.csv", as_csv(rows)), ("besoin",))
    index = find_header(sheet.rows, FIELDS)
    mapping = guess_mapping(sheet.rows[index], FIELDS)
    return run_import(sheet=sheet, header_index=index, mapping=mapping, pole=world.pole_a, today=TODAY,
                      commit=commit), mapping


def test_most_recent_school_year_column_is_chosen(world):
    _, mapping = run(world, [], commit=False)
    assert mapping[3] == "school" and 2 not in mapping
    assert mapping[0] == "full_name" and mapping[6] == "weekly_hours"


def test_values_as_written_in_real_files():
    assert parse_aid_kind("i") == parse_aid_kind("AESH-i") == parse_aid_kind("Individuelle") == "INDIVIDUELLE"
    assert parse_aid_kind("M") == parse_aid_kind("Mutualisée") == "MUTUALISEE"
    assert parse_aid_kind("CO") == "COLLECTIVE" and parse_aid_kind("peut-être") is None
    assert normalize_level("6ème") == "6E" and normalize_level("CM1") == "CM1"
    assert normalize_level("Grande section") == "GS"


def test_good_file_then_same_file_again(world):
    uai = world.schools_a[0].uai
    rows = [row("MARTIN Jade", uai), row("NGUYEN Tom", uai, kind="M", hours=""), row("ROUX Lina", uai, kind="CO")]
    report, _ = run(world, rows)
    assert report.committed and report.count("nouveau") == 3
    assert Student.objects.count() == 3 and Notification.objects.count() == 2
    again, _ = run(world, rows)
    assert again.committed and again.count("inchangé") == 3
    assert Notification.objects.count() == 2


def test_errors_by_row_and_nothing_saved(world):
    uai = world.schools_a[0].uai
    rows = [
        row("MARTIN Jade", uai),                      # line 3: fine
        row("NGUYEN Tom", "0350760M"),                # line 4: wrong UAI
        row("ROUX Lina", uai, birth="31/02/2016"),    # line 5: impossible date
        row("PETIT Noé", uai, hours="douze"),         # line 6: hours in words
        row("BLANC Eva", uai, kind="Z"),              # line 7: unknown aid kind
    ]
    report, _ = run(world, rows)
    errors = report.errors
    assert not report.committed
    assert Student.objects.count() == 0 and Notification.objects.count() == 0
    assert any(e.startswith("Ligne 4 : colonne « Établissement 2026-2027 »") and "lettre de contrôle" in e
               for e in errors)
    assert any(e.startswith("Ligne 5 : colonne « Date de naissance » : « 31/02/2016 »") for e in errors)
    assert "Ligne 6 : colonne « Heures notifiées » : « douze » n'est pas un nombre." in errors
    assert any(e.startswith("Ligne 7 : colonne « Type d'aide » : « Z »") for e in errors)
    assert len(errors) == 4


def test_diff_against_previous_import(world):
    uai = world.schools_a[0].uai
    run(world, [row("MARTIN Jade", uai), row("NGUYEN Tom", uai)])
    report, _ = run(world, [row("MARTIN Jade", uai, hours="15"), row("ROUX Lina", uai)], commit=False)
    statuses = {r.name: r.status for r in report.rows}
    assert statuses == {"MARTIN Jade": "modifié", "ROUX Lina": "nouveau"}
    assert any("weekly_hours" in c for c in report.rows[0].changes)
    title, items = report.sections[0]
    assert "absentes de ce fichier" in title and any("NGUYEN" in item for item in items)
    assert Notification.objects.get(student__last_name="MARTIN").weekly_hours == 12  # preview saved nothing


def test_import_pages_and_journal(client_as, world):
    client = client_as("coordinator_a")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("besoins.csv", as_csv([row("MARTIN Jade", world.schools_a[0].uai)]))
    response = client.post(reverse("eleves:import"), {"file": upload, "pole": world.pole_a.pk})
    assert response.status_code == 302
    token = response["Location"].rstrip("/").split("/")[-2]
    assert client.post(response["Location"], {"col_0": "full_name", "col_1": "birth_date", "col_3": "school",
                                              "col_4": "level", "col_5": "aid_kind", "col_6": "weekly_hours",
                                              "col_7": "start_date", "col_8": "end_date"}).status_code == 302
    assert client.post(reverse("eleves:import_preview", args=[token])).status_code == 302
    assert Student.objects.count() == 1
    assert AccessLog.objects.filter(action=JournalAction.IMPORT, pole=world.pole_a).exists()
    assert client_as("pilot_a").get(reverse("eleves:import")).status_code == 403


def test_a_mutualisee_aid_keeps_the_hours_the_file_gives(world):
    """Issue 24 item 4: the DSDEN file's hours of a mutualisée aid are kept as its own hours
    (the planner's target); implausible ones are left out with a warning, not an error."""
    uai = world.schools_a[0].uai
    rows = [row("NGUYEN Tom", uai, kind="M", hours="8"), row("ROUX Lina", uai, kind="M", hours="99"),
            row("BLANC Eva", uai, kind="M", hours="")]
    report, _ = run(world, rows)
    assert report.committed, report.errors
    tom, lina, eva = (Notification.objects.get(student__last_name=n) for n in ("NGUYEN", "ROUX", "BLANC"))
    assert tom.mutualised_hours == 8 and tom.weekly_hours is None
    assert lina.mutualised_hours is None and eva.mutualised_hours is None
    assert any("« 99 » n'est pas un nombre d'heures plausible" in w for r in report.rows for w in r.warnings)
    rows[0] = row("NGUYEN Tom", uai, kind="M", hours="6,5")
    again, _ = run(world, rows)
    assert again.committed and again.count("modifié") == 1
    tom.refresh_from_db()
    assert str(tom.mutualised_hours) == "6.50"
