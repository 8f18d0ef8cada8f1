"""Who must use a second factor, and has this session given one (AS-01)."""

from django.conf import settings

from core.roles import Role, user_roles

# Roles that can read case content, reports or the audit trail, or administer accounts.
MFA_ROLES = frozenset(
    {
        Role.LINE_MANAGER,
        Role.SENIOR_MANAGER,
        Role.SAFEGUARDING_LEAD,
        Role.HR,
        Role.SPEAK_UP_GUARDIAN,
        Role.COMMITTEE_MEMBER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    }
)
# Set in the session when the identity provider's amr/acr claim vouched for a second factor.
IDP_MFA_SESSION_KEY = "accounts_idp_mfa"


def demo_skips_mfa() -> bool:
    """The demo's shortcut: only ever with DEBUG on (docs/security.md)."""
    return bool(settings.DEBUG and settings.BOUNDARIES_DEMO_SKIP_MFA)


def mfa_required_for(user) -> bool:
    """Must this account use a second factor? Every reviewing, reporting, auditing or admin role."""
    if not user.is_authenticated:
        return False
    if settings.MFA_REQUIRED_FOR_EVERYONE or user.is_superuser or user.is_staff:
        return True
    return bool(user_roles(user) & {role.value for role in MFA_ROLES})


def mfa_enrolled(user) -> bool:
    """Has the account a TOTP app or a passkey/security key (recovery codes alone do not count)?"""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_used_second_factor(request) -> bool:
    """Did this session sign in with a second factor (TOTP, passkey, recovery code or a trusted IdP claim)?"""
    from allauth.account.authentication import get_authentication_records

    if request.session.get(IDP_MFA_SESSION_KEY):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def idp_claims_mfa(id_token: dict) -> bool:
    """Does the identity provider's token say a second factor was used (amr or acr)?"""
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.OIDC_MFA_AMR_VALUES):
        return True
    acr = id_token.get("acr")
    return bool(acr and acr in settings.OIDC_MFA_ACR_VALUES)
