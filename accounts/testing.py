"""Test support: `Client.force_login` behaves like a full sign-in (password and second factor, just now).

Every existing test that calls `client.force_login(user)` stands for a person who has signed in
properly. The root conftest.py installs this; tests of the second-factor gate itself sign in through
the real pages or call `force_login_password_only`.
"""

import time

from django.test import Client

_original_force_login = Client.force_login


def force_login_password_only(client, user, backend=None):
    """A session that has given the password and nothing else."""
    _original_force_login(client, user, backend)


def _force_login_fully(self, user, backend=None):
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    _original_force_login(self, user, backend)
    session = self.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "reauthenticated": True},
        {"method": "mfa", "type": "totp", "at": now, "reauthenticated": True},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def install():
    Client.force_login = _force_login_fully


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (a test fixture's secret)


def totp_enrol(user, secret: str = TEST_TOTP_SECRET):
    """Give the account an authenticator app with a known secret; returns the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, at: float | None = None) -> str:
    """The six digits an authenticator app would show now (or at a given time), computed here."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def totp_code_for(user) -> str:
    """The current code for an account that has an authenticator app (from the stored secret)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt
    from django.core.cache import cache

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    cache.clear()  # allauth refuses a code seen before; tests may sign the same person in twice
    return totp_code(decrypt(authenticator.data["secret"]))
