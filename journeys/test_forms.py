"""Forms a person could not complete, completed in the browser (issue 21): the avenant answer, which
had no button; the dashboard's main buttons, which showed as bare icons; page 2 of the AESH list,
whose filter panel overflowed. Each page passes the journeys' checks (axe, overflow at 360 px)."""

import datetime
import re

import pytest

from aesh.models import Aesh, Amendment
from aesh.tests.factories import AmendmentFactory
from journeys.conftest import NARROW, WIDE
from missions.models import Assignment
from missions.tests.conftest import YEAR_END
from planner.tests.conftest import misaligned  # noqa: F401  (a pôle whose slots do not align)

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


def _clean_after_redirect(journey, name: str):
    """After a POST and its redirect: nothing in the console nor in the page's CSP counter, at
    1280 px and after the DSFR's work at 360 px (the header copies its links into the mobile menu)."""
    for viewport in (NARROW, WIDE):
        journey.resize(viewport)
        journey.settle()
        assert journey.csp_violations() == [], f"{name} : {journey.csp_violations()}"
        assert journey.console == [], f"{name} : {journey.console}"


def test_post_redirect_flows_leave_a_clean_console(journey, world, misaligned):  # noqa: F811
    """Issue 21 items 10 and 13: creating an AESH (schools ticked with the keyboard), their contract
    (the quotité proposed as the person types, computed when left empty), replacing an absent AESH,
    an assignment without an end date; after each POST → redirect the console is clean, CSP included."""
    page = journey.page
    school = world.schools_a[0]
    today = datetime.date.today()
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")

    with journey.step("nouvel AESH, établissement coché au clavier"):
        journey.go("/aesh/nouveau/")
        page.locator("#id_last_name").fill("Lemoine")
        page.locator("#id_first_name").fill("Sarah")
        group = page.get_by_role("group", name=re.compile("Établissements d'exercice"))
        box = group.get_by_role("checkbox", name=re.compile(re.escape(school.name)))
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
        journey.submit(page.get_by_role("button", name="Enregistrer"), re.compile(r".*/aesh/\d+/$"))
        assert page.get_by_text("AESH enregistré·e.").count() == 1
        _clean_after_redirect(journey, "après la création de l'AESH")
    sarah = Aesh.objects.get(last_name="Lemoine")
    assert list(sarah.schools.all()) == [school]

    with journey.step("contrat : la quotité proposée pendant la saisie, calculée laissée vide"):
        page.get_by_role("link", name="Nouveau contrat").click()
        page.wait_for_url(re.compile(r".*/contrats/nouveau/$"))
        journey.check_page()
        page.locator("#id_kind").select_option("CDD")
        page.locator("#id_start_date").fill((today - datetime.timedelta(days=30)).isoformat())
        page.locator("#id_end_date").fill(f"{today.year + 2}-08-31")
        page.locator("#id_weekly_hours").press_sequentially("24")
        quotite = page.locator("#id_contractual_quotite")
        assert quotite.input_value() == "" and quotite.get_attribute("placeholder") == "62"
        proposal = page.locator("#quotite-proposal")
        assert proposal.inner_text().startswith("Proposition : 24 h × 41 semaines ÷ 1607 h = 62 %")
        assert "quotite-proposal" in quotite.get_attribute("aria-describedby")
        page.locator("#id_weekly_hours").fill("45")  # more than a full time: said, not proposed
        assert proposal.inner_text().startswith("45 h par semaine sur 41 semaines dépassent un temps plein")
        assert quotite.get_attribute("placeholder") == ""
        page.locator("#id_weekly_hours").fill("20")
        assert "20 h × 41 semaines ÷ 1607 h = 52 %" in proposal.inner_text()
        journey.submit(page.get_by_role("button", name="Enregistrer"), re.compile(r".*/aesh/\d+/$"))
        assert page.get_by_text("Quotité contractuelle calculée : 20 h × 41 semaines ÷ 1607 h = 52 %").count() == 1
        _clean_after_redirect(journey, "après l'enregistrement du contrat")
    assert sarah.contracts.get().contractual_quotite == 52

    start = today + datetime.timedelta(days=14)
    start += datetime.timedelta(days=(7 - start.weekday()) % 7)
    with journey.step("absence de Marc"):
        journey.go("/missions/absences/")
        page.locator("#id_aesh").select_option(value=str(misaligned["marc"].pk))
        page.locator("#id_start_date").fill(start.isoformat())
        page.locator("#id_end_date").fill((start + datetime.timedelta(days=4)).isoformat())
        page.locator("#id_reason").select_option(index=1)
        journey.submit(page.get_by_role("button", name="Enregistrer l'absence"), re.compile(r".*/absences/\d+/$"))
        _clean_after_redirect(journey, "après la saisie de l'absence")

    with journey.step("remplacement : la page nomme qui couvre, console propre"):
        section = page.locator("section", has_text="ROUX Damien")
        journey.submit(section.get_by_role("button", name=re.compile("Proposer ces créneaux")).first)
        assert "Couvert par" in page.locator("section", has_text="ROUX Damien").inner_text()
        assert page.get_by_text(re.compile(r"créneau\(x\) de remplacement proposé\(s\)")).count() == 1
        _clean_after_redirect(journey, "après le remplacement")

    damien = misaligned["damien"]
    with journey.step("affectation sans date de fin : la fin de la notification, et pourquoi"):
        journey.go("/missions/affectations/nouvelle/")
        page.locator("#id_aesh").select_option(value=str(sarah.pk))
        page.locator("#id_kind").select_option(value="INDIVIDUELLE")
        page.locator("#id_student").select_option(value=str(damien.pk))
        page.locator("#id_end_date").fill("")
        journey.submit(page.get_by_role("button", name="Enregistrer"), re.compile(r".*/missions/$"))
        note = (f"Fin de l'affectation fixée au {YEAR_END:%d/%m/%Y} : la fin de la notification de l'élève, qui "
                f"vient avant celle du contrat de l'AESH (31/08/{today.year + 2}).")
        assert page.get_by_text(note).count() == 1, page.locator("main").inner_text()[:1500]
        _clean_after_redirect(journey, "après l'affectation")
    assert Assignment.objects.get(aesh=sarah, student=damien).end_date == YEAR_END


def test_the_console_check_sees_an_inline_style(journey, world):
    """The check above can fail: a style attribute written as HTML under the CSP is counted."""
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")
    journey.go("/aesh/")
    journey.page.evaluate("() => { document.querySelector('main').insertAdjacentHTML('beforeend', "
                          "'<p style=\"color: red\">x</p>'); }")
    journey.settle()
    assert journey.csp_violations() and "style-src" in journey.csp_violations()[0]
    journey.console.clear()
