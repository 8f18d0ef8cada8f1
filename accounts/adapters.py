"""django-allauth, fitted to Boundaries: no sign-up, our throttle, our MFA step, SSO by e-mail match."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render

from accounts import throttle
from accounts.policy import IDP_MFA_SESSION_KEY, idp_claims_mfa, mfa_required_for
from audit.services import audit_record

LOGIN_ERROR = "Please enter a correct username and password. Note that both fields may be case-sensitive."


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, "username_password_mismatch": LOGIN_ERROR}

    def is_open_for_signup(self, request):
        """Accounts come from HR (the admin and its CSV import), never from signing up."""
        return False

    def get_login_stages(self):
        return [
            "accounts.stages.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def pre_authenticate(self, request, **credentials):
        """Refuse while the account name or the address is waiting out a throttle (AS-04)."""
        scopes = throttle.scopes_for(username=credentials.get("username") or "", address=_address(request))
        locked = throttle.wait_for(scopes)
        if locked:
            scope, wait = locked
            user = get_user_model().objects.filter(username=credentials.get("username") or "").first()
            audit_record(
                action="accounts.login.throttled",
                object_type=user._meta.label_lower if user else "",
                object_id=user.pk if user else "",
                ip_address=_address(request),
                detail={"scope": scope.name, "wait_seconds": int(wait.total_seconds())},
            )
            raise forms.ValidationError(
                f"Too many failed attempts to log in. Wait {throttle.describe_wait(wait)} and try again, "
                "or reset your password with the link below.",
                code="throttled",
            )
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and credentials.get("username"):
            throttle.login_success_record(username=credentials["username"])
        return user

    def authentication_failed(self, request, **credentials):
        throttle.login_failure_record(
            throttle.scopes_for(username=credentials.get("username") or "", address=_address(request))
        )

    def send_mail(self, template_prefix, email, context):
        context.setdefault("organisation_name", settings.ORGANISATION_NAME)
        super().send_mail(template_prefix, email, context)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Someone who must use a second factor cannot remove their last one; the two-person reset
        (accounts.services.mfa_reset_approve) is the only way round a lost device."""
        from allauth.mfa.models import Authenticator

        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        if not mfa_required_for(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on only for people who already have an account: matched by e-mail, never created."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        id_token = sociallogin.account.extra_data.get("id_token") or {}
        userinfo = sociallogin.account.extra_data.get("userinfo") or {}
        email = (userinfo.get("email") or id_token.get("email") or "").strip().lower()
        if not email:
            email = (id_token.get("preferred_username") or "").strip().lower()
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = _match_staff(email)
            if user is None:
                _refuse(request, email)
            sociallogin.connect(request, user)
        if not user.is_active:
            _refuse(request, email)
        if settings.OIDC_TRUST_MFA_CLAIM and idp_claims_mfa(id_token):
            request.session[IDP_MFA_SESSION_KEY] = True
        else:
            request.session.pop(IDP_MFA_SESSION_KEY, None)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        audit_record(
            action="accounts.sso.failed",
            ip_address=_address(request),
            detail={"provider": getattr(provider, "id", ""), "error": str(error or "")[:100]},
        )
        return super().on_authentication_error(request, provider, error, exception, extra_context)


def _address(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _match_staff(email: str):
    """The one active account with this address, in an allowed domain; None otherwise."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    if settings.OIDC_ALLOWED_EMAIL_DOMAINS and domain not in settings.OIDC_ALLOWED_EMAIL_DOMAINS:
        return None
    matches = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


def _refuse(request, email: str):
    domain = email.rsplit("@", 1)[1] if "@" in email else ""
    audit_record(action="accounts.sso.refused", ip_address=_address(request), detail={"email_domain": domain})
    response = render(request, "accounts/sso_refused.html", {"email": email}, status=403)
    raise ImmediateHttpResponse(response)
