from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self):
        from audit import receivers  # noqa: F401  (log-in, log-out and failed log-in events)
