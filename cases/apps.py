from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        # Re-route open cases when a reviewer leaves or line management changes (people.signals).
        from cases import receivers  # noqa: F401
        from cases.selectors import digest_context
        from notifications.models import OutboxMessage
        from notifications.services import notification_context_register

        # The daily digest's counts are worked out when the e-mail is rendered (docs/cases.md "Reminders").
        notification_context_register(template=OutboxMessage.Template.DAILY_DIGEST, provider=digest_context)
