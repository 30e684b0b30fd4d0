"""Answers to a signed-in person stay out of every cache (browser, proxy); public pages do not
need to, and a view that sets its own Cache-Control keeps it."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("who", "url"), [
    ("coordinator_a", "/"), ("coordinator_a", "/aesh/export.csv"), ("coordinator_a", "/eleves/"),
    ("inspector_a", "/rapports/"), ("aesh_a", "/missions/moi/"),
])
def test_signed_in_pages_and_exports_are_private_and_not_stored(client_as, who, url):
    response = client_as(who).get(url)
    assert response.status_code == 200, url
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.mark.django_db
def test_the_sign_in_page_keeps_its_own_headers(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    # allauth's login view is never_cache: Django's own header, left as it is.
    assert "must-revalidate" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it():
    from types import SimpleNamespace

    from django.http import HttpResponse

    from pial.middleware import PrivateResponseMiddleware

    response = HttpResponse("ok")
    response["Cache-Control"] = "max-age=60"
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True))
    assert PrivateResponseMiddleware(lambda r: response)(request)["Cache-Control"] == "max-age=60"
    bare = PrivateResponseMiddleware(lambda r: HttpResponse("ok"))(request)
    assert {d.strip() for d in bare["Cache-Control"].split(",")} == {"private", "no-store"}
