from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organisation"

    def ready(self):
        # An account switched off or its roles taken away, by any path, tells people.signals listeners.
        from people import receivers  # noqa: F401
