from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self):
        # Log-in, log-out and failed log-in events; `check --deploy` on the database role (DI-05).
        from audit import checks, receivers  # noqa: F401
