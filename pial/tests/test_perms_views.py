"""Who may open each page of the territory app, and who may not (les-emplois shape)."""

import pytest
from django.urls import reverse

ALL_ROLES = [
    "coordinator_a", "coordinator_b", "pilot_a", "aesh_a", "aesh_b", "inspector_a",
    "referent_a", "gestionnaire", "gestionnaire_other", "admin", "norole",
]


@pytest.mark.parametrize("who", ALL_ROLES)
def test_home_open_to_every_logged_in_user(client_as, who):
    """The inspector's home is the circonscription report."""
    response = client_as(who).get(reverse("home"), follow=True)
    assert response.status_code == 200
    landed = response.redirect_chain[-1][0] if response.redirect_chain else reverse("home")
    assert (landed == reverse("reports:report")) == (who == "inspector_a")


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_a", 200), ("pilot_a", 200), ("gestionnaire", 200), ("admin", 200),
     ("aesh_a", 403), ("inspector_a", 403), ("referent_a", 403), ("norole", 403)],
)
def test_people_page(client_as, who, status):
    assert client_as(who).get(reverse("people")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_a", 200), ("gestionnaire", 200), ("admin", 200),
     ("pilot_a", 403), ("aesh_a", 403), ("inspector_a", 403), ("referent_a", 403), ("norole", 403)],
)
def test_invite_page(client_as, who, status):
    assert client_as(who).get(reverse("invite")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_a", 200), ("gestionnaire", 200), ("admin", 200),
     ("pilot_a", 403), ("aesh_a", 403), ("inspector_a", 403), ("referent_a", 403), ("norole", 403)],
)
def test_admin_index(client_as, who, status):
    assert client_as(who).get(reverse("admin:index")).status_code == status


def test_admin_login_form_is_never_served(client, world):
    """The admin has no login form of its own: it would bypass MFA."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
