from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        # Re-route open cases when a reviewer leaves or line management changes (people.signals).
        from cases import receivers  # noqa: F401
