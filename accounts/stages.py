from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage

from accounts.policy import IDP_MFA_SESSION_KEY, demo_skips_mfa


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's "enter your code" step, skipped only when the identity provider already vouched for a
    second factor (OIDC_TRUST_MFA_CLAIM) or on a demo machine (DEBUG and BOUNDARIES_DEMO_SKIP_MFA)."""

    def _should_handle(self, request) -> bool:
        if demo_skips_mfa() or request.session.get(IDP_MFA_SESSION_KEY):
            return False
        return super()._should_handle(request)
