"""Territory = intersection, and every report query parameter × every demo role.

- The demo's « PIAL du collège Jean Moulin » straddles Lys-Nord and Lys-Sud: the inspector of
  Lys-Nord who opens it reads only its schools in Lys-Nord, on the page and in every export,
  and the page says so.
- Every drill-down parameter, asked by every role of the demo with ids of every territory and
  with malformed or huge values, answers 200 (a part of the reader's territory, or ignored),
  403 (no report for the role) or 404 — never 500, and never a name from outside the territory.
"""

import datetime

import pytest
from django.urls import reverse

from pial.models import Circonscription, Departement, Membership, Pole, School
from pial.scope import Scope
from reports.report import build
from reports.tests.test_privacy_audit import login
from reports.tests.test_reports import _texts

pytestmark = pytest.mark.sweep  # a whole-site sweep: in make test, not in make test-fast

FORMATS = ("page", "csv", "xlsx", "ods", "pdf")


def fetch(client, fmt: str, query: str):
    url = reverse("reports:report") if fmt == "page" else reverse("reports:export", args=[fmt])
    return client.get(f"{url}?{query}")


def readable(response, fmt: str) -> str:
    return response.content.decode() if fmt == "page" else _texts(response.content, fmt)


def test_the_inspector_reads_only_their_part_of_a_straddling_pole_in_every_format(demo, client, settings):
    settings.PIAL = {**settings.PIAL, "REPORT_SCHOOL_MIN_STUDENTS": 1}  # every school on a row of its own
    inspector = login(client, "ien@demo.pial.fr")
    pole = Pole.objects.get(name="PIAL du collège Jean Moulin")
    inside = list(School.objects.filter(pole=pole, circonscription=inspector.circonscription, students__isnull=False)
                  .distinct().values_list("name", flat=True))
    outside = list(School.objects.filter(pole=pole).exclude(circonscription=inspector.circonscription)
                   .values_list("name", flat=True))
    assert inside and outside  # the demo's pôle straddles two circonscriptions
    for fmt in FORMATS:
        response = fetch(client, fmt, f"pole={pole.pk}")
        assert response.status_code == 200, fmt
        text = readable(response, fmt)
        for name in outside:
            assert name not in text, (fmt, name)
        assert any(name in text for name in inside), fmt
    page = fetch(client, "page", f"pole={pole.pk}").content.decode()
    assert "Seuls les établissements du pôle situés dans votre territoire" in page
    # The part's total is the pôle's row of the inspector's own report: one cell, one value.
    day = datetime.date(2026, 12, 2)
    whole = build(Scope.of(inspector), day)
    part = build(Scope.of(inspector), day, ("pole", pole.pk))
    row = next(r for r in whole.main.rows if r.key == pole.pk)
    assert part.summary.values["students"] == row.values["students"]
    assert part.summary.node.hidden == row.node.hidden


BAD = ["abc", "-1", "0", "9" * 30, "٣", "1e3", " 1", "1;2", ""]


@pytest.mark.django_db
def test_every_drill_parameter_for_every_role_answers_without_leaking(demo, client):
    from pial.tests.factories import TotpFactory

    ids = {"pole": list(Pole.objects.values_list("pk", flat=True)),
           "circonscription": list(Circonscription.objects.values_list("pk", flat=True)),
           "departement": list(Departement.objects.values_list("pk", flat=True)),
           "etablissement": list(School.objects.values_list("pk", flat=True))}
    names = dict(School.objects.values_list("pk", "name"))
    failures, checked = [], 0
    from allauth.mfa.models import Authenticator

    for membership in Membership.objects.select_related("user").order_by("pk"):
        if not Authenticator.objects.filter(user=membership.user).exists():
            TotpFactory(user=membership.user)
        client.force_login(membership.user)
        session = client.session
        session["pial_scope"] = str(membership.pk)
        session.save()
        visible = set(School.objects.visible_to(Scope.of(membership)).values_list("pk", flat=True))
        for param, values in ids.items():
            for value in [*map(str, values), *BAD]:
                for fmt in ("page", "csv"):
                    response = fetch(client, fmt, f"{param}={value}&date=2026-12-02")
                    checked += 1
                    if response.status_code not in (200, 403, 404):
                        failures.append(f"{membership} {param}={value} {fmt} → {response.status_code}")
                    if response.status_code == 200:
                        text = readable(response, fmt)
                        leaked = [n for pk, n in names.items() if pk not in visible and n in text]
                        if leaked:
                            failures.append(f"{membership} {param}={value} {fmt} shows {leaked[:2]}")
        for query in ("date=" + "9" * 40, "date=2026-13-45", "date=%00", "pole=1&pole=2"):
            response = fetch(client, "page", query)
            checked += 1
            if response.status_code not in (200, 403, 404):
                failures.append(f"{membership} {query} → {response.status_code}")
    assert failures == [] and checked > 500, failures[:10]
