"""Settings shared by every environment, read from the environment with django-environ.

Every variable is listed in README.md ("Configuration"). local.py, test.py and production.py
only override what differs.
"""

from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-never-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

ORGANISATION_NAME = env("BOUNDARIES_ORGANISATION_NAME", default="Riverside Care Partnership")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    # The admin, with the Administrator-role rule as its default site (core/admin_access.py).
    "boundaries.apps.BoundariesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    # The ground level first (core: roles, shared helpers), then the apps above it.
    "core",
    "audit",
    "people",
    "policies",
    "cases",
    "disclosures",
    "registers",
    "reporting",
    "notifications",
    # The demo organisation (manage.py seed_demo): on top of every app, imported by none.
    "demo",
]

MIDDLEWARE = [
    "audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default (AC-01): every view needs a log-in unless it is marked
    # @login_not_required. The public views are listed in boundaries/urls.py.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "boundaries.urls"
WSGI_APPLICATION = "boundaries.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "boundaries.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL selects PostgreSQL (postgres://user:pass@host:5432/name);
# unset means an SQLite file beside manage.py, the embedded default for a first run.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and passwords (AS-02, AS-03).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# Sessions live in the database, so logging in never depends on Redis (AS-14).
# The cookie lasts SESSION_IDLE_MINUTES and is renewed on every request: an idle
# timeout (AS-08), long enough for a worker to type a careful account on a phone.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# UK English, UK dates (en-gb formats: 22/11/2026), London time; stored in UTC.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files (disclosure attachments, rendered reports) are kept outside the
# static and public paths and are only ever served through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))

# E-mail: console by default; EMAIL_URL selects SMTP, e.g. smtp+tls://user:pass@host:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="boundaries@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Disclosures and cases (issue 3). Attachments: one file at most this size.
DISCLOSURE_ATTACHMENT_MAX_BYTES = env.int("DISCLOSURE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Working days a reviewer has to acknowledge a new case (DESIGN §4), weekends skipped.
CASE_ACK_DAYS_URGENT = env.int("CASE_ACK_DAYS_URGENT", default=1)
CASE_ACK_DAYS_DEFAULT = env.int("CASE_ACK_DAYS_DEFAULT", default=5)
# Gifts (docs/registers.md): a declared gift worth more than this many pounds, not declined or given back,
# needs the reviewer's decision on the case before it can close (keep for the team, return, donate, decline).
# seed 004 §1.2 asks staff to discuss a gift with their line manager; the £25 figure is common policy, not a seed's.
GIFT_DECISION_THRESHOLD = Decimal(env.str("GIFT_DECISION_THRESHOLD", default="25"))
# Notifications outbox (docs/notifications.md): pending messages older than this are
# published again by the relay, which is how mail written while Redis was down goes out.
NOTIFICATIONS_RELAY_AFTER_SECONDS = env.int("NOTIFICATIONS_RELAY_AFTER_SECONDS", default=60)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)

# Quarterly reports (docs/reporting.md): counts below the threshold are shown as "fewer than N";
# the closure target is the "closed within N days" share; a compile is tried at most this often.
REPORT_SUPPRESSION_THRESHOLD = env.int("REPORT_SUPPRESSION_THRESHOLD", default=3)
REPORT_CLOSE_TARGET_DAYS = env.int("REPORT_CLOSE_TARGET_DAYS", default=90)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=4)
# Celery. REDIS_URL sets the broker; unset means tasks run in-process (a first run,
# no services needed). Tasks carry ids only and JSON only (IN-08, JR-06).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Late acknowledgement with idempotent tasks (JR-03, JR-04): a task whose worker dies
# is delivered again. The visibility timeout is longer than the hard time limit.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A request must never hang on a dead broker (JR-01): fail fast, the caller keeps the work.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers (HT-04); production.py adds HTTPS-only settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Request limits (IN-10).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The report renderers log every layout step and font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
