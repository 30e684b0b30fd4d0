"""Content-Security-Policy without 'unsafe-inline', and templates that need nothing inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    Path(settings.BASE_DIR) / app / "templates" for app in ("pial", "aesh", "eleves", "missions", "hours", "planner", "reports")
]
# E-mails are read by mail clients, not under our CSP; the only place inline style is the norm.
NOT_SERVED = ("emails/",)
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "attribut style"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "gestionnaire d'événement en ligne"),
    (re.compile(r"<script(?![^>]*\b(src|nonce)=)(?![^>]*type=\"application/json\")", re.I), "script en ligne"),
    (re.compile(r"<style(?![^>]*\bnonce=)", re.I), "élément style sans nonce"),
    (re.compile(r"javascript:", re.I), "URL javascript:"),
]


def _templates():
    for directory in TEMPLATE_DIRS:
        if directory.exists():
            yield from (p for p in directory.rglob("*.html") if not any(n in str(p) for n in NOT_SERVED))


def test_templates_hold_nothing_the_policy_would_block():
    found = []
    for path in _templates():
        text = path.read_text()
        for pattern, what in INLINE:
            found += [f"{path.relative_to(settings.BASE_DIR)}: {what}" for _ in pattern.finditer(text)]
    assert found == []
    assert len(list(_templates())) > 40


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_unsafe_inline(client_as):
    response = client_as("coordinator_a").get("/missions/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"] == "'self'"  # the DSFR scripts are our static files
    assert directives["style-src"] == "'self'"  # a nonce joins only when a page uses one
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_the_login_page_is_under_the_policy_too(client):
    response = client.get("/comptes/login/")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
