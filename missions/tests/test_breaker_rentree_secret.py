"""Finding of the adversarial pass (branch `breaker`): fails on main as it stood.

README (« Rapports ») : « L'inspection, la DSDEN et le niveau national lisent des agrégats, sous
secret statistique » — un effectif de 1 à 2 élèves n'est pas publié. The DSDEN gestionnaire's
« Préparer la rentrée » page (a pôle's « Bilan à blanc ») and « Basculer » simulation publish,
pôle by pôle, counts of pupils of 1 and 2 (leaving the follow-up, changing pôle, without a
known school, transfers to accept…), with no secret at all; the report the same reader opens
hides the same small counts."""

import datetime
import re

import pytest

from pial.enums import Role
from pial.models import Membership, Pole
from pial.tests.factories import TotpFactory

PUPIL_ROWS = ("Élèves qui changent de pôle", "Élèves qui quittent le suivi", "Élèves sans établissement connu",
              "Transferts entrants à accepter", "Élèves accueillis d'un autre pôle")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def gestionnaire(demo, client, settings):
    # Open whatever today's date (the demo opens it on 2 September: closed on 1 September).
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": yesterday.strftime("%m-%d")}
    membership = Membership.objects.filter(role=Role.GESTIONNAIRE).select_related("user").first()
    TotpFactory(user=membership.user)
    client.force_login(membership.user)
    return client


def test_the_dsden_reads_no_count_of_one_or_two_pupils_on_the_rentree_pages(gestionnaire):
    small = []
    for pole in Pole.objects.order_by("pk"):
        text = _text(gestionnaire.get(f"/missions/rentree/?pole={pole.pk}").content.decode())
        assert "Bilan à blanc" in text  # the page is open: its figures are read
        for label in PUPIL_ROWS:
            found = re.search(re.escape(label) + r" (\d+)", text)
            if found and found[1] in ("1", "2"):
                small.append(f"{pole}: {label} {found[1]}")
    assert small == []


def test_the_dsden_reads_no_small_count_on_the_switch_page(gestionnaire):
    """The « Basculer » simulation: the département's small counts are « secret », the blockers
    name the pôle without a count of 1 or 2 pupils."""
    text = _text(gestionnaire.get("/missions/rentree/bascule/").content.decode())
    assert "Changements de la bascule" in text
    assert re.search(r"\b[12] élève\(s\)", text) is None
    for label in ("Élèves changeant de niveau", "Élèves changeant d'établissement", "Transferts acceptés effectués",
                  "Élèves quittant le suivi (début de la durée de conservation)"):
        found = re.search(re.escape(label) + r" (\S+)", text)
        assert found and found[1] not in ("1", "2"), label


def test_the_coordination_still_reads_its_exact_counts(demo, client, settings):
    """Need to know: the pôle's coordination acts on its pupils, its page hides nothing."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": yesterday.strftime("%m-%d")}
    membership = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    TotpFactory(user=membership.user)
    client.force_login(membership.user)
    text = _text(client.get("/missions/rentree/").content.decode())
    assert "Bilan à blanc" in text and "secret" not in text
