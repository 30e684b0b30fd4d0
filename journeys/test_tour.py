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
