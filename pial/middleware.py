"""Per-request scope resolution, mandatory two-factor authentication, idle sessions refreshed
only when their expiry is a few minutes old, signed-in pages kept out of the browser's cache."""

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from pial.access import user_access
from pial.scope import SESSION_KEY, choose_scope

REFRESHED_KEY = "_pial_refreshed"


class SessionRefreshMiddleware:
    """Slides the idle expiry without writing the session on every request.

    A session's expiry moves when it is saved; saving it on every GET (an UPDATE, a commit and a
    Redis write) was a fifth of a page's cost. Here a session is saved when something changed or
    when its last refresh is older than SESSION_REFRESH_SECONDS, so an idle session still ends
    between SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last
    request. Sits right after SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return response


class PrivateResponseMiddleware:
    """Every answer to a signed-in person is `private, no-store` unless its view said otherwise.

    Pages and exports name pupils and speak of their health: on a school's shared computer, after
    « Se déconnecter », neither the Back button nor the browser's cache may show them again, and
    no proxy may keep them. Public pages (sign-in, health check) and static files are untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class ScopeMiddleware:
    """Sets `request.scope` (the acting scope) and `request.available_scopes`.

    Both are resolved lazily, once per request, from pial.access (cached per user).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def scopes():
            if not hasattr(request, "_pial_scopes"):
                request._pial_scopes = user_access(request.user)[0]
            return request._pial_scopes

        request.available_scopes = SimpleLazyObject(scopes)
        request.scope = SimpleLazyObject(
            lambda: choose_scope(scopes(), request.session.get(SESSION_KEY))
        )
        return self.get_response(request)


# Pages a user without TOTP may still open: the account pages (login, logout,
# password, MFA setup itself) and static files.
MFA_EXEMPT_PREFIXES = ("/comptes/", "/static/", "/favicon.ico")


class MfaRequiredMiddleware:
    """Sends users whose roles can see student data to the TOTP setup page.

    allauth has no setting to make MFA mandatory, so this enforces it for every
    page outside the account pages, including the admin. Relaxed only when
    settings.MFA_REQUIRED is false (DEBUG and DEMO both set).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enroll(request):
            if _aesh_only(request):
                # On a phone, a passkey (fingerprint, face) is the easy path; the page also
                # offers an authenticator app.
                messages.warning(
                    request,
                    "Vous accédez à des informations sur la santé de vos élèves : ajoutez une clé "
                    "d'accès (empreinte ou visage sur votre téléphone) ou une application "
                    "d'authentification pour continuer.",
                )
                return redirect("mfa_index")
            messages.warning(
                request,
                "Votre rôle donne accès à des données de santé d'élèves : activez la "
                "double authentification (application TOTP) pour continuer.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enroll(self, request) -> bool:
        if not settings.MFA_REQUIRED or not request.user.is_authenticated:
            return False
        if request.path.startswith(MFA_EXEMPT_PREFIXES):
            return False
        if not any(scope.requires_mfa for scope in request.available_scopes):
            return False
        return not user_access(request.user)[1]


def _aesh_only(request) -> bool:
    from pial.enums import Role

    scopes = request.available_scopes
    return bool(scopes) and all(scope.role == Role.AESH for scope in scopes)
