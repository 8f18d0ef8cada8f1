"""seed_demo's step for the second factor: an authenticator-app secret for each demo login.

With DEBUG on and BOUNDARIES_DEMO_SKIP_MFA (bin/serve's default) nobody is asked for a code; turn the
shortcut off (BOUNDARIES_DEMO_SKIP_MFA=false bin/serve) and type the secret printed here into an
authenticator app to try the real thing.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model

DEMO_LOGINS = ("worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "auditor", "admin")


def demo_totp_secrets() -> dict[str, str]:
    """Each demo login's TOTP secret, made on the first run and kept."""
    secrets = {}
    for user in get_user_model().objects.filter(username__in=DEMO_LOGINS).order_by("username"):
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            totp = TOTP.activate(user, generate_totp_secret()).instance
        secrets[user.username] = decrypt(totp.data["secret"])
    return secrets


def seed_totp(ctx) -> str:
    lines = [f"    {username:<13} {secret}" for username, secret in demo_totp_secrets().items()]
    return "authenticator-app (TOTP) secrets, to try the second factor:\n" + "\n".join(lines)
