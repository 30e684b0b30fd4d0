"""The AESH on a 360 px phone, with the keyboard alone: reads their school's welcome sheet, says
they read it, then writes to the inspector (« Solliciter l'IEN »); the inspector reads it. axe at
1280 and 360 px on every page (journeys.conftest)."""

import re

import pytest

from recourse.models import Recourse, RecourseRead
from referents import services
from referents.models import WelcomeSheetRead

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 780}


def test_aesh_reads_the_sheet_and_sends_a_recourse_with_the_keyboard_on_a_phone(journey, world, team):
    page = journey.page
    page.set_viewport_size(PHONE)
    school = world.schools_a[0]
    services.sheet_save(school=school, user=world.users["coordinator_a"], author_label="coordination",
                        data={"access": "Portail de la rue des Lilas", "hours": "Accueil à 8 h 20",
                              "aesh_room": "Casier au nom de l'AESH, salle des maîtres"})

    with journey.step("connexion sur téléphone"):
        journey.login("aesh_a@ac-test.fr")

    with journey.step("les livrets de mes établissements"):
        journey.go("/pole/livrets/")
        assert school.name in page.locator("main").inner_text()
        assert world.schools_a[1].name not in page.locator("main").inner_text()  # no assignment there

    with journey.step("le livret, ouvert au clavier"):
        journey.tab_to(f"a[href='/pole/livrets/{school.pk}/']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        journey.check_page()
        text = page.locator("main").inner_text()
        assert "Portail de la rue des Lilas" in text and "Casier au nom de l'AESH" in text

    with journey.step("j'ai lu ce livret"):
        journey.tab_to("main form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert WelcomeSheetRead.objects.filter(aesh=team["aesh"], sheet__school=school).exists()
        assert "vous avez lu ce livret" in page.locator("main").inner_text().lower()
        journey.check_page()

    with journey.step("solliciter l'IEN : la page et ses garanties"):
        journey.go("/sollicitations/mes-demandes/")
        assert "Qui lit votre demande" in page.locator("main").inner_text()
        journey.tab_to("a[href='/sollicitations/nouvelle/']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        journey.check_page()
        assert "aucune information de santé" in page.locator("main").inner_text().lower()

    with journey.step("la demande écrite et envoyée au clavier"):
        journey.tab_to("select[name=category]")
        page.keyboard.press("End")  # « Autre » … then back to « L'équipe pédagogique »
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        journey.tab_to("input[name=subject]")
        page.keyboard.type("Consignes contradictoires en classe")
        journey.tab_to("input[name=student_label]")
        page.keyboard.type("léo m")
        journey.tab_to("textarea[name=text]")
        page.keyboard.type("Deux enseignants me donnent des consignes opposées pour le même moment.")
        journey.tab_to("main form [type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        recourse = Recourse.objects.get()
        assert recourse.category == "TEACHING_TEAM"
        assert recourse.student_label == "Léo M." and recourse.circonscription == school.circonscription
        assert not recourse.inform_coordination
        assert re.search(r"envoyée à l.IEN", page.locator("main").inner_text())
        journey.check_page()

    page.context.clear_cookies()
    with journey.step("l'inspecteur de la circonscription la lit"):
        page.set_viewport_size({"width": 1280, "height": 900})
        journey.login("inspector_a@ac-test.fr")
        journey.go("/sollicitations/")
        page.get_by_role("link", name="Consignes contradictoires en classe").click()
        page.wait_for_url(re.compile(rf".*/sollicitations/{recourse.pk}/$"))
        journey.check_page()
        assert "Deux enseignants" in page.locator("main").inner_text()
        assert RecourseRead.objects.filter(recourse=recourse, user=world.users["inspector_a"]).count() == 1
