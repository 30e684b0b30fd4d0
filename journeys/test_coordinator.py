"""A coordinator's start of year, in the browser: sign in with TOTP, hire, import, place, be refused."""

import csv
import datetime
import io
import re

import pytest

from aesh.models import Aesh
from eleves.models import Student
from missions.models import Assignment, TimeSlot

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["Élève", "Date de naissance", "Établissement 2026-2027", "Niveau", "Type d'aide",
          "Heures notifiées", "Début", "Fin", "État"]


def students_csv(uai: str) -> bytes:
    today = datetime.date.today()
    start, end = (today - datetime.timedelta(days=60)).strftime("%d/%m/%Y"), f"31/08/{today.year + 2}"
    rows = [["ROUSSEL Inès", "14/03/2016", uai, "CE2", "I", "9", start, end, "notifiée"],
            ["FAURE Malo", "02/10/2015", uai, "CM1", "I", "6", start, end, "notifiée"]]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([["Besoins élèves — rentrée"], HEADER, *rows, ["TOTAL"]])
    return out.getvalue().encode("cp1252")


def waiting_count(page) -> int:
    """The dashboard's waiting figure, as the coordinator reads it."""
    text = page.locator("main").inner_text()
    return int(re.search(r"(\d+)\s+élèves? en attente d'AESH", text).group(1))


def test_coordinator_hires_imports_places_and_is_refused_a_double_booking(journey, world):
    page = journey.page
    school = world.schools_a[0]
    today = datetime.date.today()

    with journey.step("connexion avec code TOTP"):
        journey.login("coordinator_a@ac-test.fr")

    with journey.step("nouvel AESH"):
        journey.go("/aesh/nouveau/")
        page.locator("#id_last_name").fill("Lemoine")
        page.locator("#id_first_name").fill("Sarah")
        page.locator("#id_email").fill("sarah.lemoine@ac-test.fr")
        box = page.get_by_role("checkbox", name=re.compile(re.escape(school.name)))
        box.focus()
        page.keyboard.press("Space")  # DSFR checkboxes: the keyboard alone, no Ctrl-click
        assert box.is_checked()
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_url(re.compile(r".*/aesh/\d+/$"))
        journey.check_page()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Sarah LEMOINE")

    with journey.step("contrat de 24 h"):
        page.get_by_role("link", name="Nouveau contrat").click()
        page.wait_for_url(re.compile(r".*/contrats/nouveau/$"))  # not the page being left (issue 21)
        journey.check_page()
        page.locator("#id_kind").select_option(index=1)
        page.locator("#id_start_date").fill((today - datetime.timedelta(days=90)).isoformat())
        page.locator("#id_end_date").fill(f"{today.year + 1}-08-31")
        page.locator("#id_weekly_hours").fill("24")
        page.locator("#id_contractual_quotite").fill("62")
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_url(re.compile(r".*/aesh/\d+/$"))
        assert page.get_by_text("24 h").count() > 0

    with journey.step("import des élèves"):
        journey.go("/eleves/import/")
        page.get_by_label("Tableau (CSV, XLSX, ODS ou XLS)").set_input_files(
            files=[{"name": "besoins.csv", "mimeType": "text/csv", "buffer": students_csv(school.uai)}])
        page.get_by_role("button", name="Lire le fichier").click()
        page.wait_for_url(re.compile(r".*/colonnes/$"))
        journey.check_page()
        page.get_by_role("button", name="Voir l'aperçu").click()
        page.wait_for_url(re.compile(r".*/apercu/$"))
        journey.check_page()
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer l'import").click()
        assert page.get_by_text("Import terminé : 2 créé(s)").count() == 1
        assert Student.objects.filter(school=school).count() == 2
    journey.go("/missions/")
    waiting_before = waiting_count(page)
    assert waiting_before >= 2

    malo = Student.objects.get(last_name__iexact="Faure")  # 6 h notifiées : deux matinées
    with journey.step("affectation de Malo à Sarah"):
        journey.go("/missions/affectations/nouvelle/")
        page.locator("#id_aesh").select_option(value=str(Aesh.objects.get(last_name__iexact="Lemoine").pk))
        page.locator("#id_kind").select_option(value="INDIVIDUELLE")
        page.locator("#id_student").select_option(value=str(malo.pk))
        page.locator("#id_end_date").fill(f"{today.year + 1}-07-04")  # inside Sarah's contract
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer").click()
        assert Assignment.objects.filter(student=malo, aesh__last_name__iexact="Lemoine").exists()

    sarah = Assignment.objects.get(student=malo).aesh
    for day in ("Lundi", "Mardi"):
        with journey.step(f"créneau du {day.lower()}"):
            journey.go(f"/missions/aesh/{sarah.pk}/creneaux/nouveau/")
            page.locator("#id_weekday").select_option(label=day)
            page.locator("#id_start_time").fill("08:30")
            page.locator("#id_end_time").fill("11:30")
            page.locator("#id_school").select_option(value=str(school.pk))
            page.get_by_label(re.compile("FAURE", re.I)).check()
            page.get_by_role("button", name="Enregistrer").click()
            page.wait_for_url(re.compile(r".*/semaine/$"))
            journey.check_page()
    assert TimeSlot.objects.filter(aesh=sarah).count() == 2

    with journey.step("double réservation refusée"):
        journey.go(f"/missions/aesh/{sarah.pk}/creneaux/nouveau/")
        page.locator("#id_weekday").select_option(label="Lundi")
        page.locator("#id_start_time").fill("10:00")
        page.locator("#id_end_time").fill("12:00")
        page.locator("#id_school").select_option(value=str(school.pk))
        page.get_by_role("button", name="Enregistrer").click()
        error = page.locator(".fr-error-text, .fr-alert--error").first
        assert re.search(r"chevauche|déjà|occupé", error.inner_text(), re.I), error.inner_text()
        journey.check_page()
        assert TimeSlot.objects.filter(aesh=sarah).count() == 2

    with journey.step("la liste d'attente a diminué"):
        journey.go("/missions/")
        assert waiting_count(page) == waiting_before - 1
