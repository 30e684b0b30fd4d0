"""Every page of the main menus, for each role that has them: accessible, no overflow, no console error.

The pages the first audit flagged (tables that a keyboard could not scroll at 360 px, the
dashboard that overflowed, the admin's missing static file) are among them.
"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR_PAGES = ["/", "/missions/", "/aesh/", "/eleves/", "/eleves/journal/", "/personnes/",
                     "/missions/heures/validation/", "/missions/heures/bilans/", "/missions/lettres/",
                     "/rapports/", "/admin/", "/admin/aesh/aesh/", "/admin/eleves/student/",
                     "/pole/", "/pole/livrets/", "/pole/nouveaux/", "/pole/ressources/", "/pole/ressources/nouvelle/",
                     "/pole/echanges/", "/pole/echanges/nouveau/", "/aesh/besoins-de-formation/",
                     "/rapports/besoins-de-formation/", "/sollicitations/"]
AESH_PAGES = ["/", "/aesh/moi/", "/missions/moi/", "/missions/heures/", "/pole/", "/pole/livrets/", "/pole/ressources/",
              "/pole/echanges/", "/sollicitations/mes-demandes/", "/sollicitations/nouvelle/",
              "/aesh/moi/besoins-de-formation/"]


@pytest.mark.parametrize(("user", "pages"), [("coordinator_a", COORDINATOR_PAGES), ("aesh_a", AESH_PAGES)])
def test_menu_pages_pass_the_checks(journey, world, team, user, pages):
    with journey.step("connexion"):
        journey.login(f"{user}@ac-test.fr")
    for path in pages:
        with journey.step(path):
            response = journey.go(path)
            assert response.status == 200, (path, response.status)



ADMIN_FORMS = ["/admin/aesh/aesh/add/", "/admin/aesh/aesh/{aesh}/change/", "/admin/missions/assignment/add/"]


def test_admin_add_and_change_pages_pass_axe(journey, world, team):
    """The back-office is covered by the RGAA too: the AESH add and change pages (inline contracts,
    autocomplete selects, the filter's help icon, the breadcrumb) pass axe at 1280 and 360 px, with a
    clean console: axe's CSSOM preload re-created forms.css's @import as a <style> the CSP refused
    (issue 21 item 13), the journeys now run axe without it."""
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")
    for path in ADMIN_FORMS:
        path = path.format(aesh=team["aesh"].pk)
        with journey.step(path):
            response = journey.go(path)
            assert response.status == 200, (path, response.status)
            # No console.clear(): axe runs without its CSSOM preload, so the console is the page's own.


def test_admin_forms_raise_no_csp_error(journey, world, team):
    """Opened as a person opens them (no axe at all), the admin's forms raise no console error, CSP
    included (checked at each step)."""
    with journey.step("connexion"):
        journey.login("coordinator_a@ac-test.fr")
    for path in ADMIN_FORMS:
        with journey.step(path):
            journey.page.goto(journey.url(path.format(aesh=team["aesh"].pk)))
