"""Forms a person could not complete, completed in the browser (issue 21): the avenant answer, which
had no button; the dashboard's main buttons, which showed as bare icons; page 2 of the AESH list,
whose filter panel overflowed. Each page passes the journeys' checks (axe, overflow at 360 px)."""

import datetime
import re

import pytest

from aesh.models import Amendment
from aesh.tests.factories import AmendmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_records_the_agents_answer_to_an_avenant(journey, world, team):
    page = journey.page
    today = datetime.date.today()
    amendment = AmendmentFactory(contract=team["aesh"].contracts.get(), proposed_on=today,
                                 effective_date=today + datetime.timedelta(days=30), lunch_duty=True)
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")
    with journey.step("fiche de l'AESH, avenant proposé"):
        journey.go(f"/aesh/{team['aesh'].pk}/")
        page.get_by_role("link", name="Enregistrer la réponse").click()
        page.wait_for_url(re.compile(r".*/reponse/$"))
        journey.check_page()
    with journey.step("réponse : accepté, validée avec la touche Entrée"):
        page.get_by_label("Accepté").check()
        page.get_by_label("Date de la réponse").fill(today.isoformat())
        assert page.get_by_role("button", name="Enregistrer").is_visible()
        with page.expect_navigation():
            page.get_by_label("Date de la réponse").press("Enter")
        assert page.get_by_text("Réponse de l'agent enregistrée.").count() == 1
        journey.check_page()
    amendment.refresh_from_db()
    assert amendment.state == "ACCEPTED"
    assert Amendment.objects.filter(state="PROPOSED").count() == 0


def test_dashboard_buttons_show_their_words_and_lists_page_two_fits(journey, world, team):
    page = journey.page
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")
    with journey.step("tableau de bord"):
        journey.go("/missions/")
        for width in (1280, 360):
            journey.resize({"width": width, "height": 900})
            for name in ("Planificateur", "Nouvelle affectation"):
                button = page.get_by_role("link", name=name, exact=True)
                fits = button.evaluate("(el) => el.scrollWidth <= el.clientWidth && el.clientWidth > 80")
                assert fits, f"{width} px : « {name} » réduit à son icône"
        journey.resize({"width": 1280, "height": 900})
    with journey.step("deuxième page des AESH, filtres ouverts"):
        journey.go("/aesh/?page=2")
        journey.checked.discard("/aesh/")  # the checks run once per path: again, filters open
        journey.go("/aesh/?q=a")  # the open filter panel: no overflow at 360 px (check_page)
