"""Password rules beyond Django's (AS-02, ASVS v5-6.2.11): no context words, no demo password in use."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

DEMO_PASSWORD = "boundaries-demo"


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class ContextWordsValidator:
    """Refuse a password containing the organisation's name, "boundaries" or the username, and the
    demo password anywhere but a demo (DEBUG on)."""

    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            if settings.DEBUG:
                return  # the demo's published password, allowed only on a demo machine
            raise ValidationError("This password is published with the demo. Choose your own.", code="demo_password")
        squashed = _squash(password)
        words = {"boundaries": "the product's name", _squash(settings.ORGANISATION_NAME): "the organisation's name"}
        for part in settings.ORGANISATION_NAME.split():
            if len(part) >= 5:
                words.setdefault(_squash(part), "the organisation's name")
        if user is not None and getattr(user, "username", ""):
            words.setdefault(_squash(user.username), "your username")
        for word, what in words.items():
            if len(word) >= 4 and word in squashed:
                raise ValidationError(f"Your password must not contain {what}.", code="password_context_word")

    def get_help_text(self):
        return "Your password must not contain your username, the organisation's name or the product's name."


def validators_for_demo_password():
    """The configured validators without this one: seed_demo checks its published password with these."""
    from django.contrib.auth.password_validation import get_default_password_validators

    return [v for v in get_default_password_validators() if not isinstance(v, ContextWordsValidator)]
