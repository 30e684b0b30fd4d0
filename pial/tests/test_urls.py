"""Deny by default: every URL of the URLconf, requested anonymously, leads to the login.

The test walks the whole URLconf, so a new view cannot escape: a page meant to
be public must be added to PUBLIC below, on purpose, with a reason.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL names that anonymous users may open, and why.
PUBLIC = {
    # Logging in and recovering a password happen before authentication.
    "account_login", "account_reset_password", "account_reset_password_done",
    "account_reset_password_from_key", "account_reset_password_from_key_done",
    # allauth pages that only explain a state (closed signup, inactive account,
    # e-mail confirmation) or continue a login already under way (MFA code).
    "account_signup", "account_inactive", "account_email_verification_sent",
    "account_confirm_email", "mfa_authenticate", "account_logout",
    "account_confirm_login_code", "account_reauthenticate",
    # Calendar apps cannot log in: the AESH's iCal feed is protected by a revocable token.
    "calendar_feed",
    # Load balancers and process managers probe it; it says "ok" or not, nothing else.
    "healthz",
    # The site's icon, for browsers that ask before any login.
    "favicon",
}

_GROUP = re.compile(r"\(\?P<\w+>([^)]*)\)")
_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _concrete(route: str) -> str:
    """A request path matching a route: converters and regex groups filled in."""
    route = route.replace("^", "").replace("$", "")

    def group(match):
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x"

    route = _GROUP.sub(group, route)
    route = _CONVERTER.sub(lambda m: "1" if m.group(1) in (None, "int", "path") else "x", route)
    return "/" + route


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield _concrete(prefix + str(pattern.pattern)), pattern.name or "", namespace


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)))


def test_urlconf_was_walked():
    names = {name for _, name, _ in ALL_URLS}
    assert {"home", "people", "invite", "scope_switch", "pial_school_import"} <= names
    assert len(ALL_URLS) > 50


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name", "namespace"), ALL_URLS)
def test_anonymous_is_sent_to_login(client, path, name, namespace):
    response = client.get(path)
    if name in PUBLIC:
        assert response.status_code < 500
        return
    login = reverse("account_login")
    # The admin first sends to its own login URL, which hands over to allauth's.
    for _ in range(3):
        assert response.status_code == 302, f"{path} ({name}) répond {response.status_code}"
        location = response["Location"]
        if location.startswith(login):
            break
        response = client.get(location)
    assert location.startswith(login), f"{path} redirige vers {location}"
