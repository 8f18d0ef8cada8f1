from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """The registers a manager keeps an eye on: gifts and hospitality, declared relationships (docs/registers.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "registers"
    verbose_name = "Registers"
