"""A pôle whose schools sit in two circonscriptions, opened whole by the gestionnaire: each row of
its school table has a name of its own (found by an adversarial pass: two rows both called
« Autres établissements », one per circonscription, on the page and in the export)."""

import csv
import io

from django.urls import reverse

from pial.models import Pole
from reports.tests.test_privacy_audit import login


def test_each_row_of_a_straddling_pole_says_which_schools_it_counts(demo, client):
    login(client, "gestionnaire@demo.pial.fr")
    pole = Pole.objects.get(name="PIAL du collège Jean Moulin")
    assert pole.schools.values("circonscription").distinct().count() == 2  # the demo's pôle straddles
    response = client.get(reverse("reports:export", args=["csv"]) + f"?pole={pole.pk}")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "Établissement") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i] or lines[i][0] == "Total")
    labels = [line[0] for line in lines[start:end]]
    assert len(labels) >= 2 and len(labels) == len(set(labels)), labels
    assert "Autres établissements" not in labels, labels
