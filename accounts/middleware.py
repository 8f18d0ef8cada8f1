"""Client address, Permissions-Policy, absolute session lifetime and the second-factor gate."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

from accounts.policy import demo_skips_mfa, mfa_enrolled, mfa_required_for, session_used_second_factor

SESSION_STARTED_KEY = "accounts_signed_in_at"
SESSION_RENEWED_KEY = "accounts_renewed_at"


class ClientAddressMiddleware:
    """Behind the TLS proxy (DJANGO_BEHIND_TLS_PROXY), the client's address is the right-most
    X-Forwarded-For entry: the one our proxy appended. Anything to its left came from the client and
    could be forged, so it is never used. Without the setting the header is ignored altogether."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.BEHIND_TLS_PROXY:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
            if entries:
                request.META["REMOTE_ADDR"] = entries[-1]
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off the browser features the product never uses (HT-04); passkeys stay allowed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class SessionLifetimeMiddleware:
    """However busy, a session ends SESSION_ABSOLUTE_HOURS after signing in (AS-08). The idle
    timeout is the session cookie's age, renewed when SESSION_RENEW_SECONDS have passed since it
    was last renewed (base.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                from audit.services import audit_record

                audit_record(action="accounts.session.expired", actor=request.user, obj=request.user)
                logout(request)
                messages.info(request, "For your security you have been logged out. Please log in again.")
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            if now - request.session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now  # saved, and the cookie's age starts again
        return self.get_response(request)


# The pages someone who still owes a second factor may use: enrolment, signing out, and what those
# pages need. Everything else (every case, report, audit and admin page) waits (AS-01).
MFA_PENDING_ALLOWED = {
    "accounts:mfa_required",
    "logout",
    "account_logout",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "csp_report",
    "healthz",
    "readyz",
}


class MfaRequiredMiddleware:
    """A signed-in account that must use a second factor gets nothing but the enrolment pages until it
    has enrolled and this session has used one (AS-01)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or demo_skips_mfa() or not mfa_required_for(user):
            return None
        if session_used_second_factor(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in MFA_PENDING_ALLOWED:
            return None
        if mfa_enrolled(user):
            # Enrolled, yet this session never gave the second factor (it was started some other way):
            # sign in again, through the code step.
            logout(request)
            messages.info(request, "Please log in again with your second factor.")
            return redirect(settings.LOGIN_URL)
        return redirect("accounts:mfa_required")
