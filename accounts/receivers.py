"""Audit events for what allauth does (AU-02), and the session bookkeeping for AS-08 and AS-11.

Django's own signals (log-in, log-out, failed log-in) are audited by audit/receivers.py.
"""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.socialaccount import signals as social_signals
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY
from audit.services import audit_record


def _address(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def _on_logged_in(sender, request, user, **kwargs):
    """Start the absolute lifetime, and let a fresh sign-in count as a recent one for ten minutes:
    the re-authentication check (AS-11) asks for a password or second factor within that time."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_STARTED_KEY] = request.session[SESSION_RENEWED_KEY] = time.time()  # saved now
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list) and records:
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**r, "reauthenticated": True} for r in records]


@receiver(mfa_signals.authenticator_added, dispatch_uid="accounts_mfa_added")
def _on_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit_record(
        action="accounts.mfa.added",
        actor=user,
        obj=user,
        ip_address=_address(request),
        detail={"type": authenticator.type},
    )
    # Setting one up proves it is in hand: this session now counts as having used a second factor.
    if request is not None and authenticator.type != "recovery_codes":
        record_authentication(request, user, method="mfa", type=authenticator.type, enrolled=True)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accounts_mfa_removed")
def _on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action="accounts.mfa.removed",
        actor=user,
        obj=user,
        ip_address=_address(request),
        detail={"type": authenticator.type},
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="accounts_mfa_reset")
def _on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    audit_record(
        action="accounts.mfa.recovery_codes_regenerated",
        actor=user,
        obj=user,
        ip_address=_address(request),
        detail={"type": authenticator.type},
    )


@receiver(mfa_signals.authenticator_used, dispatch_uid="accounts_mfa_used")
def _on_authenticator_used(sender, request, user, authenticator, reauthenticated=False, passwordless=False, **kw):
    audit_record(
        action="accounts.mfa.used",
        actor=user,
        obj=user,
        ip_address=_address(request),
        detail={"type": authenticator.type, "reauthentication": bool(reauthenticated), "passkey": bool(passwordless)},
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="accounts_mfa_failed")
def _on_mfa_failed(sender, request, user, authenticator=None, **kwargs):
    audit_record(
        action="accounts.mfa.failed",
        object_type=user._meta.label_lower,
        object_id=user.pk,
        ip_address=_address(request),
        detail={"type": getattr(authenticator, "type", "")},
    )


@receiver(social_signals.social_account_added, dispatch_uid="accounts_sso_linked")
def _on_social_account_added(sender, request, sociallogin, **kwargs):
    audit_record(
        action="accounts.sso.linked",
        actor=sociallogin.user,
        obj=sociallogin.user,
        ip_address=_address(request),
        detail={"provider": sociallogin.account.provider},
    )


@receiver(social_signals.social_account_removed, dispatch_uid="accounts_sso_unlinked")
def _on_social_account_removed(sender, request, socialaccount, **kwargs):
    audit_record(
        action="accounts.sso.unlinked",
        actor=socialaccount.user,
        obj=socialaccount.user,
        ip_address=_address(request),
        detail={"provider": socialaccount.provider},
    )
