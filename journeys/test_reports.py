"""The report pages on the demo's own data, as the inspector, the gestionnaire and the
coordination meet them at 1280 and 360 px: the waiting figures first and whole on a desk
screen (« En attente » in view, no table to scroll), one card per territory on a phone,
axe at both widths (journeys.conftest), and what two readers' pages say about the same
circonscription compared."""

import re

import pytest

from pial.demo import DEMO_PASSWORD
from pial.models import User
from pial.tests.factories import TotpFactory
from pial.tests.fixtures import replay_demo

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 780}
DESK = {"width": 1280, "height": 900}
TABLES = "table.pial-report-table"


@pytest.fixture
def demo_data():
    replay_demo()  # seed_demo's rows, seeded once per test process
    for email in ("ien@demo.pial.fr", "gestionnaire@demo.pial.fr", "coordination@demo.pial.fr"):
        TotpFactory(user=User.objects.get(email=email))


def tables_fit(page) -> list[str]:
    """Student tables that need a horizontal scroll, or whose « En attente » is off-screen."""
    return page.evaluate(f"""() => [...document.querySelectorAll('{TABLES}')].filter(t => {{
        const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
        if (!heads.includes('En attente')) return false;
        const waiting = [...t.querySelectorAll('thead th')].find(th => th.textContent.trim() === 'En attente');
        const first = heads.indexOf('En attente') === 1;
        return t.scrollWidth > t.clientWidth + 1 || waiting.getBoundingClientRect().right > window.innerWidth
            || !first; }}).map(t => t.querySelector('caption').textContent)""")


def cards(page) -> list[dict]:
    """On a phone: each row of the first student table as its card reads, label by label."""
    return page.evaluate(f"""() => [...document.querySelector('{TABLES}').querySelectorAll('tbody tr')].map(tr => ({{
        name: tr.querySelector('th').textContent.trim(),
        figures: [...tr.querySelectorAll('td')].map(td => [getComputedStyle(td, '::before').content.replace(/"/g, ''),
                                                          td.textContent.trim()]),
        width: tr.getBoundingClientRect().width }}))""")


def waiting_of(page, name: str) -> str:
    row = page.locator(f"{TABLES} tbody tr", has=page.locator("th", has_text=name)).first
    return row.locator("td").first.inner_text().strip()


def test_inspector_and_gestionnaire_read_their_reports_at_1280_and_360(journey, demo_data):
    page = journey.page
    with journey.step("l'inspecteur ouvre son rapport sur un écran de bureau"):
        journey.login("ien@demo.pial.fr", password=DEMO_PASSWORD)
        journey.go("/rapports/")
        journey.resize(DESK)
        assert tables_fit(page) == []
        headline = page.locator(".pial-figures div", has=page.locator("dt", has_text="Élèves en attente"))
        waiting = headline.locator("dd").inner_text().strip()
        assert waiting.isdigit(), waiting  # the circonscription's own waiting is published
        assert waiting_of(page, "Total") == waiting

    with journey.step("l'inspecteur lit les pôles en fiches sur un téléphone"):
        journey.resize(PHONE)
        read = cards(page)
        assert read and all(card["width"] <= 360 for card in read)
        assert all(card["figures"][0][0] == "En attente" for card in read)   # waiting first
        assert {label for card in read for label, _ in card["figures"]} >= {"Élèves notifié·es", "Couverture"}
        total = next(card for card in read if card["name"] == "Total")
        assert total["figures"][0][1] == waiting

    with journey.step("l'inspecteur ouvre un pôle"):
        journey.resize(DESK)
        with page.expect_navigation():
            page.locator(f"{TABLES} tbody th a").first.click()
        journey.check_page()
        assert tables_fit(page) == []

    page.context.clear_cookies()
    with journey.step("la gestionnaire lit le même chiffre pour la circonscription"):
        journey.login("gestionnaire@demo.pial.fr", password=DEMO_PASSWORD)
        journey.go("/rapports/")
        journey.resize(DESK)
        assert tables_fit(page) == []
        assert waiting_of(page, "Lys-Nord") == waiting
        departement = page.locator(".pial-figures dd").first.inner_text().strip()
        assert departement.isdigit() and int(departement) >= int(waiting)

    with journey.step("la gestionnaire sur un téléphone"):
        journey.resize(PHONE)
        read = cards(page)
        assert [card["name"] for card in read][-1] == "Total"
        assert all(card["figures"][0][0] == "En attente" for card in read)
        aesh = page.locator(TABLES).filter(has=page.locator("th", has_text="AESH sous contrat")).first
        assert aesh.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == \
            '"AESH sous contrat"'

    with journey.step("la gestionnaire ouvre une circonscription"):
        journey.resize(DESK)
        with page.expect_navigation():
            page.get_by_role("link", name="Lys-Nord").first.click()
        journey.check_page()
        assert tables_fit(page) == []
        assert re.search(r"circonscription=\d+", page.url)

    page.context.clear_cookies()
    with journey.step("la coordination lit son pôle en entier"):
        journey.login("coordination@demo.pial.fr", password=DEMO_PASSWORD)
        journey.go("/rapports/")
        text = page.locator("main").inner_text()
        assert "chaque établissement sur sa ligne" in text
        assert page.locator(".pial-secret").count() == 0
        assert "Autres établissements" not in text
