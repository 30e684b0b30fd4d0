"""Found by an adversarial pass: the AESH export writes a contract's weekly hours as stored (39,20 h -> "39,2"),
not a float artefact ("39,2000000000000" seen in the demo's CSV for Anaïs Sauvage)."""

import csv
import io
from decimal import Decimal

from django.urls import reverse

from aesh.tests.factories import AeshFactory, ContractFactory


def test_csv_weekly_hours_are_not_a_float_artefact(client_as, world):
    aesh = AeshFactory(home_pole=world.pole_a, last_name="Sauvage")
    ContractFactory(aesh=aesh, weekly_hours=Decimal("39.20"), contractual_quotite=Decimal("100"))
    response = client_as("coordinator_a").get(reverse("aesh:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Heures hebdomadaires")
    row = next(r for r in rows[1:] if r[0] == "Sauvage")
    assert row[column] in ("39,2", "39,20")
