from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation (manage.py seed_demo, docs/demo.md). The top of the stack: it builds its data
    through every app's services, and no app imports it."""

    name = "demo"
    verbose_name = "Demo organisation"
