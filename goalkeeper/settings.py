"""Django settings, read from environment variables only (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from goalkeeper.accounts.hardening import (
    DEFAULT_CSP,
    DEFAULT_PERMISSIONS_POLICY,
    secure_cookies_default,
)
from goalkeeper.env import envbool, envint, envlist, envstr, persistent_secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(envstr("GOALKEEPER_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = envbool("DEBUG", False)
SECRET_KEY = persistent_secret_key(DATA_DIR)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "goalkeeper.core",
    "goalkeeper.accounts",
    "goalkeeper.audit",
    "goalkeeper.changes",
    "goalkeeper.okrs",
    "goalkeeper.kpis",
    "goalkeeper.bridges",
    "goalkeeper.comments",
    "goalkeeper.api",
    "goalkeeper.webhooks",
    "goalkeeper.channels",
    "goalkeeper.sources",
    "goalkeeper.notifications",
    "goalkeeper.alerts",
    "goalkeeper.web",
    "goalkeeper.digests",
    "goalkeeper.insights",
    "goalkeeper.exports",
    "goalkeeper.dashboards",
    "goalkeeper.reports",
    "goalkeeper.search",
    "goalkeeper.documents",
    "goalkeeper.scim",
    "goalkeeper.sso",
    "goalkeeper.twofactor",
    "goalkeeper.backups",
    "goalkeeper.portability",
    "goalkeeper.library",
    "goalkeeper.importers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers gzipped for clients that accept it. Below WhiteNoise, which
    # serves its own precompressed static files; above everything that reads or writes
    # the body. BREACH: the CSRF token in a page is masked anew for every response, and
    # Django pads the gzip header with random bytes.
    "django.middleware.gzip.GZipMiddleware",
    # /api/v1/: requests per minute per token (RateLimit-* headers, 429) and JSON 405s.
    "goalkeeper.api.middleware.ApiEdgesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language the browser asks for (Accept-Language), else English; after the session,
    # before anything that renders (docs/languages.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A person's own language (User.language) over the browser's; the API always English.
    "goalkeeper.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A workspace that requires two-factor: its people set it up before anything else.
    "goalkeeper.twofactor.middleware.RequirementMiddleware",
]

ROOT_URLCONF = "goalkeeper.urls"
WSGI_APPLICATION = "goalkeeper.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goalkeeper.web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# One variable switches from the embedded SQLite file to PostgreSQL.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'goalkeeper.sqlite3'}")
_db: dict[str, Any] = dict(
    dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, retrying a BEGIN or a lone write that found the database
    # locked (goalkeeper/db/sqlite/base.py, docs/operations.md).
    _db["ENGINE"] = "goalkeeper.db.sqlite"
    # WAL lets readers run while a writer commits; IMMEDIATE transactions take the write
    # lock at BEGIN so two writers queue on the busy timeout instead of failing
    # mid-transaction with "database is locked" when one upgrades its read lock. A BEGIN
    # that waited out the timeout is tried again (it wrote nothing), LOCK_RETRIES times.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 5),
        "lock_retries": envint("SQLITE_LOCK_RETRIES", 6),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY;"
            "PRAGMA cache_size=-20000;"
        ),
    }
    # The in-memory test database, named so: test runners that tell SQLite by the stock
    # engine name (pytest-django under xdist) would otherwise derive a file name from NAME.
    _db["TEST"] = {"NAME": ":memory:"}
# One write, one transaction: every write goes through a service function wrapped in
# transaction.atomic, and views call one service per request. Reads stay outside a
# transaction so that, on SQLite, page views never queue behind the write lock.
_db["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs ------------------------------------------------------------------
HUEY_URL = envstr("HUEY_URL", "")
if HUEY_URL.startswith("redis://"):
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": "goalkeeper",
        "url": HUEY_URL,
        "immediate": False,
    }
elif HUEY_URL.startswith(("postgres://", "postgresql://")):
    # A PostgreSQL queue (huey's SQL storage, FOR UPDATE SKIP LOCKED): several workers on
    # several machines share it without a broker.
    HUEY = {
        "huey_class": "huey.contrib.sql_huey.SqlHuey",
        "name": "goalkeeper",
        "database": HUEY_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "goalkeeper",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": envbool("HUEY_IMMEDIATE", False),
    }

# --- Backups (goalkeeper/backups, docs/operations.md) --------------------------------------
# `goalkeeper backup` writes one file: the database (SQLite's online backup, or pg_dump's
# custom format), the data directory's files and a manifest. The worker makes one on this
# schedule (off, hourly or daily at BACKUP_HOUR in TIME_ZONE) into BACKUP_DIR, once per
# period whatever the number of workers, and keeps the BACKUP_KEEP newest.
BACKUP_SCHEDULE = envstr("BACKUP_SCHEDULE", "off")
BACKUP_HOUR = envint("BACKUP_HOUR", 3)
BACKUP_DIR = Path(envstr("BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
BACKUP_KEEP = envint("BACKUP_KEEP", 7)

# --- REST API ---------------------------------------------------------------------------
# Requests per minute per token (docs/api.md, "Rate limits"); 0 turns the limit off. Counted
# in the database, so every process and machine serving the API shares the count.
API_RATE_LIMIT = envint("API_RATE_LIMIT", 600)

# --- Data sources (goalkeeper/sources) -------------------------------------------------
# One pull may take at most this long (connecting, querying, downloading).
SOURCE_TIMEOUT_SECONDS = envint("SOURCE_TIMEOUT_SECONDS", 30)
# "Test connection" runs in the worker with a shorter bound, and a workspace may have at
# most MAX_PENDING tests queued or running at once (the next one is refused until one ends;
# fewer than the worker's threads, so one workspace cannot take them all).
SOURCE_TEST_TIMEOUT_SECONDS = envint("SOURCE_TEST_TIMEOUT_SECONDS", 10)
SOURCE_TEST_MAX_PENDING = envint("SOURCE_TEST_MAX_PENDING", 1)
# A failed pull is retried after RETRY seconds, then twice as long each time (never later
# than the source's own interval); after BROKEN_AFTER failures in a row it is broken.
SOURCE_RETRY_SECONDS = envint("SOURCE_RETRY_SECONDS", 60)
SOURCE_BROKEN_AFTER = envint("SOURCE_BROKEN_AFTER", 3)
# Files at a path are read only inside these directories.
SOURCE_FILE_ROOTS = [
    Path(p).resolve() for p in envlist("SOURCE_FILE_ROOTS", [str(DATA_DIR / "files")])
]
# Downloads (CSV, XLSX, JSON) larger than this are refused.
SOURCE_MAX_BYTES = envint("SOURCE_MAX_BYTES", 20 * 1024 * 1024)
# Exports (docs/exports.md): a list of at most this many rows is downloaded at once; a
# longer one is prepared by the worker as a file under the data directory.
EXPORT_INLINE_MAX_ROWS = envint("EXPORT_INLINE_MAX_ROWS", 5000)
EXPORTS_DIR = DATA_DIR / "exports"
# Fernet keys for passwords and tokens in source settings, newest first (older ones still
# decrypt, for rotation). Unset: one key derived from SECRET_KEY.
SOURCE_ENCRYPTION_KEYS = envlist("GOALKEEPER_ENCRYPTION_KEYS", [])

# --- Template library (goalkeeper/library, docs/templates.md) ---------------------------
# A folder of the company's own templates (*.yaml, *.yml, *.json in the open format), listed
# beside the built-in ones. Unset: the built-in templates only.
_template_dir = envstr("GOALKEEPER_TEMPLATE_DIR", "")
TEMPLATE_LIBRARY_DIR = Path(_template_dir).resolve() if _template_dir else None

# --- Outbound requests (goalkeeper/outbound.py) -----------------------------------------
# Sources, webhooks and chat channels may not reach loopback, private, link-local or cloud
# metadata addresses, except the networks (CIDRs) and host names listed here (on-premise).
OUTBOUND_ALLOW = envlist("GOALKEEPER_OUTBOUND_ALLOW", [])

# --- Outbound webhooks (goalkeeper/webhooks) --------------------------------------------
# A failed delivery waits BACKOFF seconds, then twice as long each time (capped at 6 hours),
# for at most MAX_ATTEMPTS attempts in all.
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_BACKOFF_SECONDS = envint("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10)

# --- Chat channels (goalkeeper/channels) ------------------------------------------------
# The same retry rules for messages posted to Slack, Teams, Mattermost, Rocket.Chat or JSON.
CHAT_MAX_ATTEMPTS = envint("CHAT_MAX_ATTEMPTS", 6)
CHAT_BACKOFF_SECONDS = envint("CHAT_BACKOFF_SECONDS", 30)
CHAT_TIMEOUT_SECONDS = envint("CHAT_TIMEOUT_SECONDS", 10)

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Passwords, and logins made through a workspace's single sign-on (docs/sso.md).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "goalkeeper.sso.backends.SingleSignOnBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link works once, for two hours; an invitation link once, for a week.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)
INVITATION_DAYS = envint("INVITATION_DAYS", 7)
# Rate limits (goalkeeper/accounts/ratelimit.py), counted in the database so that every web
# process shares them. Failed logins slow down: after LOGIN_DELAY_AFTER failures of one
# account from one address each further attempt waits 2 s, 4 s, 8 s..., at most
# LOGIN_DELAY_MAX seconds; the same per account from every address past
# LOGIN_ACCOUNT_DELAY_AFTER failures in an hour; the person is emailed at LOGIN_WARN_AFTER
# failures in an hour. Per client address, and for reset emails per account and per
# address: "at most COUNT per WINDOW seconds".
LOGIN_DELAY_AFTER = envint("LOGIN_DELAY_AFTER", 3)
LOGIN_DELAY_MAX = envint("LOGIN_DELAY_MAX", 15 * 60)
LOGIN_ACCOUNT_DELAY_AFTER = envint("LOGIN_ACCOUNT_DELAY_AFTER", 20)
LOGIN_WARN_AFTER = envint("LOGIN_WARN_AFTER", 5)
LOGIN_LIMIT_ADDRESS_COUNT = envint("LOGIN_LIMIT_ADDRESS", 20)
LOGIN_LIMIT_ADDRESS_WINDOW = envint("LOGIN_LIMIT_WINDOW", 15 * 60)
RESET_LIMIT_ACCOUNT_COUNT = envint("RESET_LIMIT_ACCOUNT", 3)
RESET_LIMIT_ADDRESS_COUNT = envint("RESET_LIMIT_ADDRESS", 10)
RESET_LIMIT_ACCOUNT_WINDOW = RESET_LIMIT_ADDRESS_WINDOW = 60 * 60
# How many reverse proxies of ours stand in front. 0: the client address is REMOTE_ADDR and
# X-Forwarded-For (which any client can write) is ignored. See docs/security.md.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# --- Sessions and cookies -----------------------------------------------------------------
# A session lasts a working day and ends when the browser closes, whichever comes first.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure outside debug, except for the plain-http demo on this machine (see hardening.py).
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", secure_cookies_default(DEBUG, SITE_URL))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), not the cookie
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = envstr("CONTENT_SECURITY_POLICY", DEFAULT_CSP)
PERMISSIONS_POLICY = DEFAULT_PERMISSIONS_POLICY
# Django 5.2 sets no CSP header itself: this middleware adds it (and Permissions-Policy),
# right after SecurityMiddleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "goalkeeper.accounts.security.SecurityHeadersMiddleware",
)

# --- Internationalisation (docs/languages.md) ---------------------------------------------
# English is the source language (the msgids); each app keeps its German catalogue in
# goalkeeper/<app>/locale/de/LC_MESSAGES/, the compiled .mo committed beside the .po.
LANGUAGE_CODE = "en"
# The languages a person may choose (accounts.models.Language); German is complete.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates and numbers in the reader's language, named in templates (`|date:"DATE_FORMAT"`).
FORMAT_MODULE_PATH = ["goalkeeper.formats"]
# Numbers rendered by a template stay ungrouped ("1234", never "1.234"): ids land in URLs and
# attributes. Grouping for people is the qty/with_unit filters' job (goalkeeper/l10n.py).
USE_THOUSAND_SEPARATOR = False

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns at every start when STATIC_ROOT is missing, though it serves from the
# finders; the folder only ever holds `collectstatic` output.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages come from the npm registry into node_modules (see package.json);
# only the built files we serve are exposed, under a "vendor/" prefix
# (goalkeeper/core/staticfiles.py: VENDOR_FILES).
NODE_MODULES = Path(envstr("GOALKEEPER_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "goalkeeper.core.staticfiles.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, gzip and brotli copies, once `goalkeeper serve` (or `collectstatic`)
    # has collected them into STATIC_ROOT; plain names before (docs/operations.md).
    "staticfiles": {"BACKEND": "goalkeeper.core.staticfiles.StaticStorage"},
}
# Collected files are served from STATIC_ROOT (hashed names cached for a year, immutable);
# the finders also serve the plain names, so pages work before anything is collected.
WHITENOISE_USE_FINDERS = True
# Only the hashed names are kept (and compressed) in STATIC_ROOT: the plain names come from
# the finders, and compressing each file once halves the time of the first start.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "goalkeeper@localhost")

# LOG_LEVEL=DEBUG also shows the worker's routine lines (each job started and finished).
LOG_LEVEL = envstr("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "worker": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {
        "routine_at_debug": {"()": "goalkeeper.core.logs.RoutineAtDebug", "level": LOG_LEVEL},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "worker": {
            "class": "logging.StreamHandler",
            "formatter": "worker",
            "filters": ["routine_at_debug"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # httpx logs every request line at INFO, URL included; a data source's URL may
        # carry a token in its query string.
        "httpx": {"level": "WARNING"},
        # The worker's queue: its job-by-job lines are routine (goalkeeper/core/logs.py).
        # With a handler here, huey's consumer adds none of its own.
        "huey": {"handlers": ["worker"], "level": LOG_LEVEL, "propagate": False},
    },
}
