from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground level: helpers every app may use (roles, form styling, spreadsheet safety, admin access).
    It imports no other app of the project, and has no models."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import lookups

        lookups.register()
