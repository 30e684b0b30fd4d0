"""django-allauth adapters: closed signup, invitation links, encrypted TOTP secrets."""

import base64
import hashlib
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from pial.enums import MFA_REQUIRED_ROLES


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Accounts are created by invitation only (coordinator or gestionnaire)."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt to set up MFA within minutes of logging in.

        The MFA middleware sends users there right after login; asking for the
        password they just typed would only add friction.
        """
        if app == "allauth.mfa" and self.request is not None and _logged_in_recently(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The account *and* the client's address: allauth's per-key limit on failed logins then
        counts one address's failures on one account, so an attacker's wrong passwords lock out
        only themselves (their address is limited too, over all accounts). The address is the one
        allauth trusts (ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER). allauth
        offers no public hook for this key; test_login pins the behaviour."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{self.get_client_ip(request)}"


def _logged_in_recently(request) -> bool:
    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records

    if not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return bool(records) and time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT


def _fernet_key(secret: str) -> bytes:
    digest = hashlib.sha256(f"pial.mfa.totp:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def totp_cipher() -> MultiFernet:
    """Cipher for TOTP secrets: MFA_ENCRYPTION_KEY, else derived from SECRET_KEY.

    Keys from SECRET_KEY_FALLBACKS still decrypt, so rotating SECRET_KEY does not
    lock anybody out.
    """
    if settings.MFA_ENCRYPTION_KEY:
        secrets = [settings.MFA_ENCRYPTION_KEY]
    else:
        secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(_fernet_key(s)) for s in secrets])


class MfaAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return totp_cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return totp_cipher().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A user whose role requires MFA cannot remove their last second factor (an
        authenticator app or a passkey); with another one left, they can."""
        factors = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        if authenticator.type not in factors or not settings.MFA_REQUIRED:
            return True
        user = authenticator.user
        needs = user.is_superuser or user.memberships.filter(
            role__in=sorted(MFA_REQUIRED_ROLES)
        ).exists()
        others = Authenticator.objects.filter(user=user, type__in=factors).exclude(pk=authenticator.pk)
        return not needs or others.exists()
