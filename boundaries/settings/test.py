"""The test suite. PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (CI), SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, PASSWORD_HASHERS

DEBUG = False
# Hashing with Argon2 is slow on purpose; the suite creates hundreds of users.
# tests/test_settings.py checks that base.py keeps Argon2 first (AS-03).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; the integration tests start a real worker
# and send through the broker themselves (tests/integration/).
CELERY_TASK_ALWAYS_EAGER = True
PRIVATE_MEDIA_ROOT = BASE_DIR / ".cache" / "test-private-media"

# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The live server is plain http on 127.0.0.1, which browsers treat as secure for passkeys.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
