"""Settings shared by every environment, read from the environment with django-environ.

Every variable is listed in README.md ("Configuration"). local.py, test.py and production.py
only override what differs.
"""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE

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
    # Sign-in, MFA, single sign-on, re-authentication (docs/security.md).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "audit",
    "accounts",
    "people",
    "policies",
    "cases",
    "disclosures",
    "registers",
    "reporting",
    "privacy",
    "notifications",
    # The demo organisation (manage.py seed_demo): on top of every app, imported by none.
    "demo",
]

MIDDLEWARE = [
    # The client address: the proxy's X-Forwarded-For entry only behind a TLS proxy (AS-04).
    "accounts.middleware.ClientAddressMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's 404 or 403 on a named route is an audit event, one a minute (AU-03).
    "audit.middleware.RefusalAuditMiddleware",
    # Deny by default (AC-01): every view needs a log-in unless it is marked
    # @login_not_required. The public views are listed in boundaries/urls.py.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Absolute session lifetime (AS-08), the second factor before anything else (AS-01), and
    # re-authentication before the sensitive views (AS-11).
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "accounts.reauth.ReauthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # What case_list_for reads about the person, read once per GET request (docs/performance.md).
    "cases.selectors.visibility.VisibilityMemoMiddleware",
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
                "csp.context_processors.nonce",
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
# Behind PgBouncer in transaction mode (docs/deployment.md): a server connection serves one
# transaction at a time, so no server-side cursors (they outlive the transaction that made them).
# Nothing else the app does holds session state: its locks are transaction-level
# (pg_advisory_xact_lock, SELECT ... FOR UPDATE) and its settings transaction-local (set_config).
if env.bool("DATABASE_BEHIND_PGBOUNCER", default=False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
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
    # The organisation's name, "boundaries", the username, and the demo password outside the demo.
    {"NAME": "accounts.validators.ContextWordsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# Sessions live in the database, so logging in never depends on Redis (AS-14).
# The cookie lasts SESSION_IDLE_MINUTES and is renewed as the person works: an idle timeout
# (AS-08), long enough for a worker to type a careful account on a phone. It is renewed at most
# once every SESSION_RENEW_SECONDS (accounts.middleware.SessionLifetimeMiddleware) rather than on
# every request, which would write the session row three statements at a time on every page view
# (docs/performance.md); an idle session so ends at most that much earlier, never later.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# However busy, a session ends this long after signing in (AS-08; accounts.middleware).
SESSION_ABSOLUTE_HOURS = env.float("SESSION_ABSOLUTE_HOURS", default=12)

# --- Sign-in, MFA and single sign-on: django-allauth (docs/security.md) -------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "accounts.adapters.MfaAdapter"
MFA_FORMS = {"add_webauthn": "accounts.forms.AddWebAuthnForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # the idle timeout above applies; no "remember me" box
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-in again (password or second factor) within 10 minutes before sensitive actions (AS-11).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60
# The views that need it, by URL name, and for which methods ("*" = any). New views can use
# accounts.reauth.reauthentication_required instead.
REAUTHENTICATION_REQUIRED = {
    "audit:export": "*",
    "reporting:download_pdf": "*",
    "reporting:download_csv": "*",
    "reporting:download_xlsx": "*",
    "admin:auth_user_change": ["POST"],
    "admin:auth_user_add": ["POST"],
    "accounts:mfa_resets": ["POST"],
    "accounts:mfa_reset_decide": ["POST"],
    # The subject-access copy holds everything about a person (docs/privacy.md).
    "privacy:sar_release": ["POST"],
    "privacy:sar_download": "*",
    "accounts:role_grant_decide": ["POST"],
    "admin:auth_user_password_reset_link": ["POST"],
    "privacy:audit_actor_reveal": ["POST"],
}
# Failed sign-ins are throttled per account and per address by accounts.throttle (a growing wait);
# allauth's own fixed-window limits stay on for everything else.
ACCOUNT_RATE_LIMITS = {"login_failed": False, "login": "60/m/ip"}
# Throttle: after this many failures the wait starts at one minute and doubles with each further one.
LOGIN_THROTTLE_ACCOUNT_FAILURES = env.int("LOGIN_THROTTLE_ACCOUNT_FAILURES", default=5)
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=30)
LOGIN_THROTTLE_MAX_MINUTES = env.int("LOGIN_THROTTLE_MAX_MINUTES", default=60)
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)

MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_RECOVERY_CODE_COUNT = 10
MFA_TOTP_ISSUER = f"Boundaries ({ORGANISATION_NAME})"
# A code from the 30 seconds before or after is accepted too (RFC 6238 §5.2: a phone's clock drifts, and
# typing takes time); each code still works only once.
MFA_TOTP_TOLERANCE = 1
MFA_TRUST_ENABLED = False
# Every role that can read case content, reports or the audit trail, and administrators, must use a
# second factor (AS-01); this makes it everyone's rule, workers included.
MFA_REQUIRED_FOR_EVERYONE = env.bool("MFA_REQUIRED_FOR_EVERYONE", default=False)
# With DEBUG on (never otherwise) the demo accounts may skip the second factor; bin/serve turns it on.
BOUNDARIES_DEMO_SKIP_MFA = env.bool("BOUNDARIES_DEMO_SKIP_MFA", default=False)

# Single sign-on through one OpenID Connect provider, e.g. Microsoft Entra ID (docs/deployment.md).
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="your organisation's account")
OIDC_ALLOWED_EMAIL_DOMAINS = [d.lower() for d in env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])]
# Let the provider's amr/acr claim count as the second factor (only if the provider enforces MFA).
OIDC_TRUST_MFA_CLAIM = env.bool("OIDC_TRUST_MFA_CLAIM", default=False)
OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa", "otp", "hwk", "swk", "fido", "sc"])
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching by e-mail is accounts.adapters' job
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_ISSUER and OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": OIDC_PROVIDER_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_ISSUER, "token_auth_method": "client_secret_post"},
            }
        ],
    }

# UK English, UK dates (en-gb formats: 22/11/2026), London time; stored in UTC.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# One date style everywhere ("17 July 2026"): boundaries/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["boundaries.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (disclosure attachments, compiled reports) are kept in the "private" storage,
# outside the static and public paths, and only ever served through permission-checked views
# (core/storage.py). One machine: a folder. Several hosts: an S3-compatible object store, when
# S3_BUCKET is set (docs/deployment.md); the store is never public and never hands out links.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default="private"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
else:
    PRIVATE_STORAGE = {"BACKEND": "core.storage.PrivateFolderStorage"}
STORAGES = {
    "default": PRIVATE_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: console by default; EMAIL_URL selects SMTP, e.g. smtp+tls://user:pass@host:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="boundaries@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Disclosures and cases. Attachments: one file at most this size (IN-09).
DISCLOSURE_ATTACHMENT_MAX_BYTES = env.int("DISCLOSURE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Working days a reviewer has to acknowledge a new case (DESIGN §4), weekends skipped.
CASE_ACK_DAYS_URGENT = env.int("CASE_ACK_DAYS_URGENT", default=1)
CASE_ACK_DAYS_DEFAULT = env.int("CASE_ACK_DAYS_DEFAULT", default=5)
# Other cases about the same people shown beside a case, and how long before a planned activity a
# variation request must be decided (seed 000 §5.7–5.8: risk-assessed and agreed before it happens).
AROUND_CASE_MONTHS = env.int("AROUND_CASE_MONTHS", default=24)
VARIATION_DECISION_DAYS_BEFORE = env.int("VARIATION_DECISION_DAYS_BEFORE", default=2)
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
# The attacker (manage.py report_attack) must not narrow a hidden count that could be below the
# threshold to a range narrower than this: 2 keeps a "fewer than 3" anywhere from 0 to 2.
REPORT_PROTECTION_INTERVAL = env.int("REPORT_PROTECTION_INTERVAL", default=2)
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
# One beat sends the schedule however many hosts start one (boundaries/beat.py).
CELERY_BEAT_SCHEDULER = "boundaries.beat:SingleLeaderScheduler"

# Retention (docs/retention.md): the most cases and people one run of the daily job removes or
# anonymises; outbox rows and audit events go in batches of 50 times this. The rest waits for the next run.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=200)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy (HT-03): django-csp 4 with a nonce per response; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "report-uri": ["/csp-report/"],
    },
}
if OIDC_ISSUER:
    # The "Continue" form of single sign-on is answered with a redirect to the identity provider,
    # which browsers check against form-action too.
    _idp = urlsplit(OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idp.scheme}://{_idp.netloc}")
# Everything the product does not use is off; passkeys need publickey-credentials-* (HT-04).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "screen-wake-lock": [],
    "xr-spatial-tracking": [],
    "interest-cohort": [],
    "browsing-topics": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

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
