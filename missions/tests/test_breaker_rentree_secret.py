"""Finding of the adversarial pass (branch `breaker`): fails on main as it stood.

README (« Rapports ») : « L'inspection, la DSDEN et le niveau national lisent des agrégats, sous
secret statistique » — un effectif de 1 à 2 élèves n'est pas publié. The DSDEN gestionnaire's
« Préparer la rentrée » page (a pôle's « Bilan à blanc ») and « Basculer » simulation publish,
pôle by pôle, counts of pupils of 1 and 2 (leaving the follow-up, changing pôle, without a
known school, transfers to accept…), with no secret at all; the report the same reader opens
hides the same small counts."""

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
    settings.PIAL = {**settings.PIAL, "RENTREE_PREPARATION_OPENS": "09-02"}  # as the demo opens it
    membership = Membership.objects.filter(role=Role.GESTIONNAIRE).select_related("user").first()
    TotpFactory(user=membership.user)
    client.force_login(membership.user)
    return client


def test_the_dsden_reads_no_count_of_one_or_two_pupils_on_the_rentree_pages(gestionnaire):
    small = []
    for pole in Pole.objects.order_by("pk"):
        text = _text(gestionnaire.get(f"/missions/rentree/?pole={pole.pk}").content.decode())
        for label in PUPIL_ROWS:
            found = re.search(re.escape(label) + r" (\d+)", text)
            if found and found[1] in ("1", "2"):
                small.append(f"{pole}: {label} {found[1]}")
    assert small == []
