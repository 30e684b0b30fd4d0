"""The steps of an import as the machinery runs them, on the students' import: the whole file or
a French refusal (IMPORT_MAX_ROWS), parsed once into a stored preview, large files checked and
saved by the task with progress on the page, all or nothing, each step in any process."""

import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from eleves.imports import FIELDS, run_import
from eleves.models import AccessLog, Notification, Student
from eleves.tests.needs_file import needs_csv, needs_rows
from pial import import_jobs, spreadsheets
from pial.models import ImportState, SpreadsheetImport
from pial.spreadsheets import find_header, guess_mapping, read_workbook
from pial.tests.helpers import count_queries

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "imports")}}}
    return tmp_path / "imports"


def _limit(settings, **values):
    settings.PIAL = {**settings.PIAL, **values}


def _upload(client, world, data: bytes, name="besoins.csv"):
    return client.post(reverse("eleves:import"), {"file": SimpleUploadedFile(name, data), "pole": world.pole_a.pk})


def _token(response) -> str:
    assert response.status_code == 302, response.content.decode()[-2000:]
    return response["Location"].rstrip("/").split("/")[-2]


def _html(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


MAPPING = {"col_0": "full_name", "col_1": "birth_date", "col_3": "school", "col_4": "level", "col_5": "aid_kind",
           "col_6": "weekly_hours", "col_7": "start_date", "col_8": "end_date"}


# --- The whole file, or a French refusal ------------------------------------------------

def test_a_file_one_row_over_the_limit_is_refused_naming_the_row(client_as, world, settings):
    _limit(settings, IMPORT_MAX_ROWS=5)
    client = client_as("coordinator_a")
    # Title row (line 1), header (line 2), students from line 3: the 6th student is on line 8.
    response = _upload(client, world, needs_csv(needs_rows(world.schools_a, 6)))
    html = _html(response)
    assert response.status_code == 200
    assert ("L'onglet « CSV » du fichier « besoins.csv » compte 6 lignes de données, et un import en prend 5 au plus "
            "(réglage IMPORT_MAX_ROWS) ; la première au-delà est la ligne 8 du fichier. Rien n'a été importé") in html
    assert not SpreadsheetImport.objects.exists() and not Student.objects.exists()
    token = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 5))))
    assert client.post(reverse("eleves:import_preview", args=[token])).status_code == 302
    assert Student.objects.count() == 5


def test_a_file_far_over_the_limit_is_refused_without_reading_it_all(settings, world):
    _limit(settings, IMPORT_MAX_ROWS=5)
    sheet = read_workbook("besoins.csv", needs_csv(needs_rows(world.schools_a, 400)))[0]
    assert sheet.overflow and len(sheet.rows) < 30
    with pytest.raises(spreadsheets.SpreadsheetError, match=re.escape("compte plus de 5 lignes de données")):
        spreadsheets.require_whole("besoins.csv", sheet, find_header(sheet.rows, FIELDS), 5)


def test_at_the_default_limit_20000_rows_are_taken_and_the_20001st_is_refused(client_as, world):
    client = client_as("coordinator_a")
    rows = needs_rows(world.schools_a, 20001)
    html = _html(_upload(client, world, needs_csv(rows)))
    assert "compte 20001 lignes de données, et un import en prend 20000 au plus" in html
    assert "la première au-delà est la ligne 20003 du fichier" in html
    token = _token(_upload(client, world, needs_csv(rows[:20000])))
    job = SpreadsheetImport.objects.get(token=token)
    assert job.row_count == 20000 and job.state == ImportState.UPLOADED


# --- Parsed once, a stored preview --------------------------------------------------------

def test_the_file_is_parsed_once_and_the_preview_is_stored(client_as, world, monkeypatch, _staging):
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 3))))
    staged = json.loads(gzip.decompress((_staging / f"{token}.json.gz").read_bytes()))
    assert staged[1][0] == "Élève" and len(staged) == 6  # title, header, 3 students, TOTAL

    def no_more_parsing(*args, **kwargs):
        raise AssertionError("le fichier est relu")

    monkeypatch.setattr(spreadsheets, "read_workbook", no_more_parsing)
    monkeypatch.setattr("pial.import_flow.read_sheet", no_more_parsing)
    mapping_url = reverse("eleves:import_mapping", args=[token])
    assert "Date de naissance" in _html(client.get(mapping_url))
    assert client.post(mapping_url, MAPPING).status_code == 302
    job = SpreadsheetImport.objects.get(token=token)
    assert job.state == ImportState.READY and [r[2] for r in job.preview["rows"]] == ["nouveau"] * 3
    calls = []
    monkeypatch.setattr(import_jobs, "_run", lambda *a, **k: calls.append(1))
    preview = _html(client.get(reverse("eleves:import_preview", args=[token])))
    assert "Aucune erreur : 3 ligne(s) prêtes" in preview and calls == []  # shown as stored, not run again


def test_an_import_is_the_senders_and_its_own_flows(client_as, world):
    token = _token(_upload(client_as("coordinator_a"), world, needs_csv(needs_rows(world.schools_a, 1))))
    assert client_as("coordinator_a").get(reverse("aesh:import_mapping", args=[token])).status_code == 404
    assert client_as("coordinator_b").get(reverse("eleves:import_mapping", args=[token])).status_code == 404
    assert client_as("coordinator_b").get(reverse("eleves:import_status", args=[token])).status_code == 404
    assert client_as("pilot_a").get(reverse("eleves:import_preview", args=[token])).status_code == 403


# --- Large files: the task, with progress ---------------------------------------------------

def test_a_large_import_is_checked_and_saved_by_the_task_with_progress(client_as, world, settings,
                                                                       django_capture_on_commit_callbacks):
    _limit(settings, IMPORT_BACKGROUND_ROWS=2)
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 4))))
    preview_url, status_url = (reverse(f"eleves:{name}", args=[token]) for name in ("import_preview", "import_status"))
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(reverse("eleves:import_mapping", args=[token]), MAPPING).status_code == 302
    page = _html(client.get(preview_url))
    assert "Vérification en cours" in page and 'data-status-url="' + status_url in page
    assert client.get(status_url).json()["running"] is True
    for callback in callbacks:
        callback()  # the broker hands the task to a worker (eager here)
    assert client.get(status_url).json() == {"state": "READY", "label": "Aperçu prêt", "running": False,
                                             "percent": 100, "step": "Aperçu prêt"}
    assert "Aucune erreur : 4 ligne(s) prêtes" in _html(client.get(preview_url))
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(preview_url).status_code == 302
    assert "Enregistrement en cours" in _html(client.get(preview_url)) and not Student.objects.exists()
    for callback in callbacks:
        callback()
    response = client.get(preview_url)
    assert response.status_code == 302 and response["Location"] == reverse("eleves:list")
    assert "Import terminé : 4 créé(s), 0 mis à jour, 0 inchangé(s)." in _html(client.get(response["Location"]))
    assert Student.objects.count() == 4 and Notification.objects.count() == 4
    assert AccessLog.objects.filter(pole=world.pole_a, user=world.users["coordinator_a"],
                                    detail__contains="4 nouveaux").exists()
    assert client.post(preview_url).status_code == 302 and Student.objects.count() == 4  # a second click: nothing


def test_a_save_that_fails_midway_saves_nothing_and_says_so(client_as, world, monkeypatch):
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 3))))

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(Notification.objects, "bulk_create", broken)
    page = _html(client.post(reverse("eleves:import_preview", args=[token])))
    assert "L'enregistrement a échoué ; rien n'a été enregistré." in page
    assert SpreadsheetImport.objects.get(token=token).state == ImportState.FAILED
    assert not Student.objects.exists()  # the students written before the failure were rolled back


def test_a_broker_that_does_not_answer_leaves_the_import_where_it_was(client_as, world, settings, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    _limit(settings, IMPORT_BACKGROUND_ROWS=1)
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 3))))
    monkeypatch.setattr("pial.import_flow.enqueue", lambda task, *args: False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("eleves:import_mapping", args=[token]), MAPPING)
    job = SpreadsheetImport.objects.get(token=token)
    assert job.state == ImportState.UPLOADED and "réessayez dans quelques minutes" in job.error


# --- Fast: bulk writes, queries that do not grow with the rows ------------------------------

def test_the_students_import_runs_as_many_queries_for_60_rows_as_for_6(world):
    def run(count, pole, schools):
        sheet = read_workbook("besoins.csv", needs_csv(needs_rows(schools, count)))[0]
        index = find_header(sheet.rows, FIELDS)
        report = []
        queries = count_queries(lambda: report.append(run_import(
            sheet=sheet, header_index=index, mapping=guess_mapping(sheet.rows[index], FIELDS), pole=pole,
            today=datetime.date(2026, 11, 22), commit=True)))
        assert report[0].committed and report[0].count("nouveau") == count
        return queries

    assert run(6, world.pole_a, world.schools_a) == run(60, world.pole_b, world.schools_b)


def test_within_one_file_an_individual_and_a_shared_aid_cannot_overlap(world):
    rows = needs_rows(world.schools_a, 1)
    rows.append([*rows[0][:5], "M", "", "01/01/2026", "31/12/2026", "notifiée", "non", ""])
    rows[0][5], rows[0][6] = "I", "12"
    sheet = read_workbook("besoins.csv", needs_csv(rows))[0]
    index = find_header(sheet.rows, FIELDS)
    report = run_import(sheet=sheet, header_index=index, mapping=guess_mapping(sheet.rows[index], FIELDS),
                        pole=world.pole_a, today=datetime.date(2026, 11, 22), commit=True)
    assert not report.committed and not Student.objects.exists()
    assert any(e.startswith("Ligne 4 : aid_kind: Une aide individuelle et une aide mutualisée ne peuvent")
               for e in report.errors)


# --- Stateless: one step per process -----------------------------------------------------

STEP = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from pial.models import User
    setup_test_environment()
    step, email, token, school = sys.argv[1:5]
    client = Client()
    client.force_login(User.objects.get(email=email))
    if step == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile
        from eleves.tests.needs_file import needs_csv
        rows = [["LEFÈVRE Chloé", "14/03/2016", "", school, "CE2", "I", "12", "01/09/2025", "31/08/2028",
                 "notifiée", "non", ""]]
        pole = User.objects.get(email=email).memberships.get().pole_id
        response = client.post("/eleves/import/", {"file": SimpleUploadedFile("besoins.csv", needs_csv(rows)),
                                                   "pole": pole})
        print(json.dumps({"status": response.status_code, "location": response.get("Location", "")}))
    else:
        page = client.get(f"/eleves/import/{token}/colonnes/").content.decode()
        mapping = json.loads(sys.argv[5])
        response = client.post(f"/eleves/import/{token}/colonnes/", mapping)
        print(json.dumps({"page": "Date de naissance" in page and "LEFÈVRE Chloé" in page,
                          "status": response.status_code, "location": response.get("Location", "")}))
""")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
            f"{db['NAME']}")


def _step(tmp_path, *args) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DATABASE_URL": _database_url(), "PRIVATE_MEDIA_ROOT": str(tmp_path), "DEBUG": "1", "DEMO": "1",
                "DJANGO_SETTINGS_MODULE": "pial.settings", "PYTHONPATH": str(ROOT)})
    done = subprocess.run([sys.executable, "-c", STEP, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_step_one_and_step_two_run_in_two_separate_processes(world, settings, tmp_path, client_as):
    settings.STORAGES = {**settings.STORAGES, "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "imports")}}}
    email, school = world.users["coordinator_a"].email, world.schools_a[0].uai
    first = _step(tmp_path, "upload", email, "-", school)
    assert first["status"] == 302 and "/colonnes/" in first["location"]
    token = first["location"].rstrip("/").split("/")[-2]
    second = _step(tmp_path, "mapping", email, token, school, json.dumps(MAPPING))
    assert second == {"page": True, "status": 302, "location": f"/eleves/import/{token}/apercu/"}
    # A third process (this one) shows the preview the second stored, and saves.
    client = client_as("coordinator_a")
    assert "Aucune erreur : 1 ligne(s) prêtes" in _html(client.get(second["location"]))
    assert client.post(second["location"]).status_code == 302
    assert list(Student.objects.values_list("last_name", flat=True)) == ["LEFÈVRE"]


# --- Nothing left behind ------------------------------------------------------------------

def test_imports_left_between_two_steps_are_deleted_with_their_rows(client_as, world, _staging):
    client = client_as("coordinator_a")
    old = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 1))))
    recent = _token(_upload(client, world, needs_csv(needs_rows(world.schools_a, 2))))
    SpreadsheetImport.objects.filter(token=old).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    orphan = _staging / "orphelin.json.gz"
    orphan.write_bytes(b"")
    os.utime(orphan, (0, 0))
    assert import_jobs.purge_stale() == 1
    assert list(SpreadsheetImport.objects.values_list("token", flat=True)) == [recent]
    assert sorted(p.name for p in _staging.iterdir()) == [f"{recent}.json.gz"]


# --- Formats and big previews --------------------------------------------------------------

def test_an_old_xls_workbook_imports_like_the_others(client_as, world):
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Besoins_eleves")
    table = [["Besoins élèves — rentrée 2026"], [],
             ["Élève", "Date de naissance", "Établissement", "Type d'aide", "Heures notifiées", "Début", "Fin"],
             ["LEFÈVRE Chloé", datetime.date(2016, 3, 14), world.schools_a[0].uai, "I", 12.5,
              datetime.date(2025, 9, 1), datetime.date(2028, 8, 31)]]
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dates if isinstance(value, datetime.date) else xlwt.Style.default_style)
    out = io.BytesIO()
    book.save(out)
    client = client_as("coordinator_a")
    token = _token(_upload(client, world, out.getvalue(), name="besoins.xls"))
    assert client.post(reverse("eleves:import_preview", args=[token])).status_code == 302
    notification = Notification.objects.get()
    assert (str(notification.student), notification.weekly_hours, notification.start_date) == (
        "LEFÈVRE Chloé", 12.5, datetime.date(2025, 9, 1))


def test_a_big_preview_shows_its_rows_a_page_at_a_time(client_as, world, settings):
    _limit(settings, IMPORT_BACKGROUND_ROWS=1000)
    client = client_as("coordinator_a")
    rows = needs_rows(world.schools_a, 250)
    for row in rows[200:]:
        row[1] = "31/02/2016"  # 50 rows with an impossible birth date
    token = _token(_upload(client, world, needs_csv(rows)))
    client.post(reverse("eleves:import_mapping", args=[token]), MAPPING)
    url = reverse("eleves:import_preview", args=[token])
    first = _html(client.get(url))
    assert "50 erreur(s) : rien ne sera enregistré" in first and "250 ligne(s), page 1 sur 3" in first
    assert first.count('<td>MARTIN') == 10  # 100 rows shown, one in ten a MARTIN
    errors = _html(client.get(url, {"lignes": "erreurs"}))
    assert "Seulement les lignes en erreur" in errors and "· 50 ligne(s)</p>" in errors
    assert errors.count('<td>MARTIN') == 5 and "<td>203</td>" in errors and "<td>202</td>" not in errors
    assert client.get(url, {"page": "999999999999999999999"}).status_code == 200
    assert count_queries(lambda: client.get(url)) == count_queries(lambda: client.get(url, {"page": "3"}))
