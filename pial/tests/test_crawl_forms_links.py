"""Every page each demo login can reach, crawled with the test client (pial/tests/crawl.py):

- every form with a field has a control that submits it (a form without one is a dead end: the
  avenant answer had radios and a date, and nothing to press);
- no same-site link shown to a person answers 403 or 404 to that person (the gestionnaire was
  offered an AESH's week and hours, then « Accès refusé »);
- no DSFR button of the main content loses its text to its icon (« Planificateur » read as a
  calendar square: a group of buttons shows icons beside text only with fr-btns-group--icon-*).

The crawl reads only (GET); the browser journeys submit the forms (journeys/test_forms.py).
"""

import pytest

from aesh.models import Amendment
from pial.models import User
from pial.tests.crawl import crawl

# django-dsfr's own admin (DsfrConfig) has a URLField without assume_scheme: Django warns on its form.
pytestmark = [pytest.mark.sweep, pytest.mark.filterwarnings("ignore:The default scheme will be changed:django.utils.deprecation.RemovedInDjango60Warning")]

# One login per role and kind of pôle (the second pilot and collège coordinator add no page).
LOGINS = ["admin", "gestionnaire", "ien", "coordination", "coordination-pas", "pilote",
          "enseignant-referent", "aesh", "referente"]
EDITORS = {"admin", "gestionnaire", "coordination", "coordination-college", "coordination-pas"}


def _starts(local: str) -> list[str]:
    """The home page, and for those who answer avenants the records of AESH with one pending: a
    crawl that reads two records of each kind would not meet the answer form otherwise."""
    starts = ["/"]
    if local in EDITORS:
        pending = Amendment.objects.filter(state="PROPOSED").values_list("contract__aesh_id", flat=True)
        starts += [f"/aesh/{pk}/" for pk in sorted(set(pending))]
    return starts


@pytest.fixture
def crawled(demo, client, settings):
    settings.MFA_REQUIRED = False  # the demo's logins (DEBUG and DEMO)

    def run(local: str):
        client.force_login(User.objects.get(email=f"{local}@demo.pial.fr"))
        return crawl(client, starts=_starts(local))

    return run


@pytest.mark.parametrize("local", LOGINS)
def test_every_page_form_submits_and_no_link_is_refused(crawled, local):
    result = crawled(local)
    assert len(result.visits) > 5, f"{local} : le parcours n'a presque rien trouvé"
    errors = [f"{v.url} → {v.status} (vu sur {v.found_on})" for v in result.visits.values() if v.status >= 500]
    assert errors == [], errors
    assert result.forms_without_submit() == [], "\n".join(result.forms_without_submit())
    assert result.refused() == [], "\n".join(result.refused())
    icons = [f"{v.url} : {v.icon_only}" for v in result.visits.values() if v.icon_only]
    assert icons == [], "Boutons réduits à leur icône :\n" + "\n".join(icons)
    if local == "coordination":  # the family check reaches the form the first users could not submit
        answers = [form for form in result.forms() if "/reponse/" in form.page and "answer" in form.fields]
        assert answers and all(form.submits for form in answers), "réponse à un avenant non rencontrée"
