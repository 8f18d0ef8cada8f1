"""The test suite. PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (CI), SQLite otherwise."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, PASSWORD_HASHERS, REDIS_URL

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

# Under pytest-xdist (.ci/run: -n 2) each test process has its own Redis database (gw0: the next
# after REDIS_URL's, gw1: the one after), so one process's Celery worker never takes another's
# tasks. The integration fixtures and the processes they start read it from the environment.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw"):
    _base, _, _db = REDIS_URL.rpartition("/")
    if not _db.isdigit():
        _base, _db = REDIS_URL.rstrip("/"), "0"
    REDIS_URL = f"{_base}/{int(_db) + 1 + int(_xdist_worker[2:])}"
    os.environ["REDIS_URL"] = REDIS_URL
    CELERY_BROKER_URL = REDIS_URL
