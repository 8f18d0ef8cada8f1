"""A developer's or evaluator's machine: debug pages on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# http://127.0.0.1:8000 counts as a secure origin for passkeys in browsers.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
