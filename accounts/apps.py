from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: MFA, single sign-on, throttling, session limits, re-authentication, CSP reports."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import checks, receivers  # noqa: F401
