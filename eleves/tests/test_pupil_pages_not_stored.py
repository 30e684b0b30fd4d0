"""Found by an adversarial pass: a pupil's record (health data of a minor) is served without Cache-Control.

The PPS documents are sent "no-store"; the HTML pages that show the same pupil (fiche,
extrait du PPS, semaine de l'élève) carry no Cache-Control at all, so after « Se déconnecter »
on a shared school computer the Back button (or the browser cache) shows the record again.
"""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("name", "who"), [
    ("eleves:detail", "coordinator_a"), ("eleves:pps", "coordinator_a"),
    ("eleves:detail", "aesh_a"), ("missions:student_week", "coordinator_a"),
])
def test_pupil_pages_are_not_stored(client_as, students, name, who):
    response = client_as(who).get(reverse(name, args=[students["leo"].pk]))
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")
