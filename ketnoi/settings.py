"""The only settings file. Everything that differs between machines comes from the environment.

Small helpers below fail loudly on a bad value instead of silently falling back.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (``127.0.0.1,10.0.0.0/8``)."""
    items = env_list(name, [])
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (127.0.0.1, 10.0.0.0/8), got {item!r}"
            ) from exc
    return items


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "ketnoi"


KETNOI_ENV = env_str("KETNOI_ENV", "development")
if KETNOI_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"KETNOI_ENV must be development, production or test, got {KETNOI_ENV!r}")
PRODUCTION = KETNOI_ENV == "production"
TESTING = "pytest" in sys.modules or KETNOI_ENV == "test"

if TESTING and not env_str("KETNOI_DATA_DIR"):
    # Tests never touch a person's real data directory: each run gets a fresh temporary one.
    os.environ["KETNOI_DATA_DIR"] = tempfile.mkdtemp(prefix="ketnoi-test-")
DATA_DIR = Path(env_str("KETNOI_DATA_DIR") or _default_data_dir()).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served: stored files go through ketnoi.core.files (scope checked)
# Who sends a stored file's bytes once Django has checked the caller may see it: Django itself (""),
# nginx ("x-accel-redirect", with an internal location KETNOI_FILE_ACCEL_PREFIX aliased to MEDIA_ROOT)
# or Apache/lighttpd ("x-sendfile").
KETNOI_FILE_SENDER = env_str("KETNOI_FILE_SENDER", "")
# A DHIS2 instance to sync with (ketnoi dhis2-sync, reporting.dhis2_sync); the worker pushes the approved
# values of the forms listed in KETNOI_DHIS2_SYNC_FORMS every night.
KETNOI_DHIS2_URL = env_str("KETNOI_DHIS2_URL", "")
KETNOI_DHIS2_USERNAME = env_str("KETNOI_DHIS2_USERNAME", "")
KETNOI_DHIS2_PASSWORD = env_str("KETNOI_DHIS2_PASSWORD", "")
KETNOI_DHIS2_TOKEN = env_str("KETNOI_DHIS2_TOKEN", "")
KETNOI_DHIS2_SYNC_FORMS = env_list("KETNOI_DHIS2_SYNC_FORMS", [])
if KETNOI_FILE_SENDER not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        f"KETNOI_FILE_SENDER must be empty, x-accel-redirect or x-sendfile, got {KETNOI_FILE_SENDER!r}"
    )
KETNOI_FILE_ACCEL_PREFIX = env_str("KETNOI_FILE_ACCEL_PREFIX", "/protected-files/")


def _secret_key() -> str:
    key = env_str("KETNOI_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "KETNOI_SECRET_KEY is not set. Production refuses to start without a secret key: "
            "set KETNOI_SECRET_KEY to a long random value (for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Development and demo: a key generated once and kept in the data directory.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("KETNOI_DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = env_list(
    "KETNOI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KETNOI_ALLOWED_HOSTS must list the host names the product is served on.")
CSRF_TRUSTED_ORIGINS = env_list("KETNOI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "ninja",
    "ketnoi.core",
    "ketnoi.units",
    "ketnoi.accounts",
    "ketnoi.pages",
    "ketnoi.connectors",
    "ketnoi.reporting",
    "ketnoi.directives",
    "ketnoi.publishing",
    "ketnoi.lookalike",
    "ketnoi.documents",
    "ketnoi.site",  # the layer above the apps: URL root, API mounting, home overview, demo order
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ketnoi.core.middleware.SecurityHeadersMiddleware",
    "ketnoi.core.client.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ketnoi.accounts.middleware.SessionLifetimeMiddleware",
    "ketnoi.core.middleware.LanguageMiddleware",
    "ketnoi.core.middleware.UploadSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ketnoi.accounts.middleware.UserLanguageMiddleware",
    "ketnoi.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "ketnoi.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "ketnoi.site.urls"
WSGI_APPLICATION = "ketnoi.wsgi.application"
ASGI_APPLICATION = "ketnoi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketnoi.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
# SQLite in WAL mode with synchronous=FULL by default: an acknowledged write survives a power cut.
# PostgreSQL in production through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ketnoi.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")

# The cache is shared by every process of the server (gunicorn's workers, the task worker): the public
# check's rate limit is one count per address, and a cache version bumped by one process is seen by all.
# Redis with REDIS_URL; otherwise files in the data directory (never a per-process memory cache).
CACHES: dict[str, Any]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "ketnoi.core.cache.LockedFileBasedCache",  # counts atomic across processes
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# --- Task queue -----------------------------------------------------------------------------------
HUEY: dict[str, Any]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "ketnoi", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ketnoi",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }
# `ketnoi worker`: SIGTERM (systemd, kill) is the graceful stop: the task running finishes (at most
# 5 seconds, then it is interrupted and stays queued) and the worker exits; SIGINT stops at once.
HUEY["consumer"] = {"workers": 2, "worker_type": "thread", "graceful_signal": "TERM", "shutdown_timeout": 5}
if TESTING:
    HUEY["immediate"] = True

# --- Accounts, login and sessions -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ketnoi.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Passwords are hashed with Argon2id at OWASP's baseline parameters (``accounts/hashers.py``): as strong
# as PBKDF2 with 600.000 rounds against guessing on GPUs, at about a fifteenth of the CPU time of Django's
# default PBKDF2 per login, which is what a deadline day's thousands of logins on a small server spend.
# Hashes made before (PBKDF2) still verify and are re-made with Argon2id at the person's next login.
PASSWORD_HASHERS = [
    "ketnoi.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
KETNOI_ARGON2_MEMORY_KIB = env_int("KETNOI_ARGON2_MEMORY_KIB", 19456)  # 19 MiB
KETNOI_ARGON2_TIME_COST = env_int("KETNOI_ARGON2_TIME_COST", 2)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ketnoi.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 12 * 60 * 60  # 12 hours in all
KETNOI_SESSION_IDLE_SECONDS = env_int("KETNOI_SESSION_IDLE_SECONDS", 30 * 60)  # 30 minutes idle
KETNOI_SESSION_MAX_SECONDS = SESSION_COOKIE_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
AXES_FAILURE_LIMIT = env_int("KETNOI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: locked out for 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "ketnoi.accounts.lockout.lockout_response"
AXES_ENABLED = True
# Logins are security events (ketnoi.core.audit, with who, when, from where and unit): axes's own access log
# would be a second record of each login and a second write inside it.
AXES_DISABLE_ACCESS_LOG = True
# Behind a reverse proxy: the proxies whose X-Forwarded-For is believed. The client's address (for the
# lockout, the public rate limit and the login records) comes from ketnoi.core.client, nowhere else.
KETNOI_TRUSTED_PROXIES = env_networks("KETNOI_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "ketnoi.core.client.client_address"
# Security events (logins, refusals, tokens, roles...) are kept this many days, then removed by
# `ketnoi prune-security-events` (run it daily). At least 180 days.
KETNOI_SECURITY_EVENT_DAYS = env_int("KETNOI_SECURITY_EVENT_DAYS", 365)
if KETNOI_SECURITY_EVENT_DAYS < 180:
    raise ImproperlyConfigured("KETNOI_SECURITY_EVENT_DAYS must be at least 180.")
OTP_TOTP_ISSUER = "Kết Nối"
# TOTP two-factor is required for administrators and approvers in production.
KETNOI_REQUIRE_2FA = env_bool("KETNOI_REQUIRE_2FA", PRODUCTION)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# ketnoi/lib is no app: its messages (ketnoi.lib.values) have a catalogue of their own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "lib" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["ketnoi.formats"]
LANGUAGE_COOKIE_NAME = "ketnoi_language"

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("KETNOI_STATIC_ROOT") or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# --- Uploads --------------------------------------------------------------------------------------
# The largest file accepted per kind, in MB (ketnoi/lib/uploads.py checks every upload and import
# against these and against fixed limits on unpacked size, rows, columns and line length).
KETNOI_UPLOAD_LIMITS_MB = {
    "metrics": env_int("KETNOI_UPLOAD_METRICS_MB", 64),  # page metrics, CSV or XLSX
    "report_sheet": env_int("KETNOI_UPLOAD_REPORT_SHEET_MB", 10),  # filled-in report templates (.xlsx)
    "data_values": env_int("KETNOI_UPLOAD_DATA_VALUES_MB", 20),  # dataValueSets JSON or CSV
    "document": env_int("KETNOI_UPLOAD_DOCUMENT_MB", 20),  # attached documents (.docx, .pdf, .txt)
    "evidence": env_int("KETNOI_UPLOAD_EVIDENCE_MB", 20),  # evidence of a task's progress
    "image": env_int("KETNOI_UPLOAD_IMAGE_MB", 10),  # a story's image (JPEG, PNG or WebP)
}
# Bodies that are not files (dataValueSets JSON or CSV sent as the body) up to their limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = KETNOI_UPLOAD_LIMITS_MB["data_values"] * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "KETNOI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("KETNOI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KETNOI_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KETNOI_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("KETNOI_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("KETNOI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("KETNOI_EMAIL_FROM", "ketnoi@localhost")
# The address people use to reach the product, for absolute links in e-mails (https://ketnoi.example.gov.vn).
KETNOI_BASE_URL = env_str("KETNOI_BASE_URL", "")

# --- Secrets at rest ------------------------------------------------------------------------------
# Platform access tokens are encrypted with a key derived from this value (Fernet). Keep it apart
# from the database backups; rotate it with `ketnoi rotate-key` (ketnoi/core/crypto.py says how).
KETNOI_ENCRYPTION_KEY = env_str("KETNOI_ENCRYPTION_KEY") or SECRET_KEY
# During a key rotation: the previous key(s), still accepted for reading until `ketnoi rotate-key` has
# re-encrypted every stored secret (see ketnoi/core/crypto.py).
KETNOI_ENCRYPTION_OLD_KEYS = env_list("KETNOI_ENCRYPTION_OLD_KEYS", [])

# --- Platform connectors --------------------------------------------------------------------------
KETNOI_FACEBOOK_GRAPH_URL = env_str("KETNOI_FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v23.0")
KETNOI_YOUTUBE_API_URL = env_str("KETNOI_YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3")
KETNOI_ZALO_OA_URL = env_str("KETNOI_ZALO_OA_URL", "https://openapi.zalo.me")
KETNOI_ZALO_OAUTH_URL = env_str("KETNOI_ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
KETNOI_CONNECTOR_PULL_HOURS = env_int("KETNOI_CONNECTOR_PULL_HOURS", 24)
# Look-alike watch: the platform's page search (Graph API "pages/search" shape) and its token; empty = off.
KETNOI_LOOKALIKE_SEARCH_URL = env_str("KETNOI_LOOKALIKE_SEARCH_URL", "")
KETNOI_LOOKALIKE_SEARCH_TOKEN = env_str("KETNOI_LOOKALIKE_SEARCH_TOKEN", "")
KETNOI_CONNECTOR_WARN_DAYS = env_int("KETNOI_CONNECTOR_WARN_DAYS", 7)
KETNOI_YOUTUBE_DAILY_QUOTA = env_int("KETNOI_YOUTUBE_DAILY_QUOTA", 10000)
KETNOI_YOUTUBE_QUOTA_MARGIN = env_int("KETNOI_YOUTUBE_QUOTA_MARGIN", 100)
# Publishing: a call without an answer after this many seconds has an unknown outcome (checked before any
# retry); a worker's claim on a publication lasts longer than a call, so a dead worker's rows come back.
KETNOI_PUBLISH_TIMEOUT_SECONDS = env_int("KETNOI_PUBLISH_TIMEOUT_SECONDS", 30)
KETNOI_PUBLISH_LEASE_SECONDS = env_int("KETNOI_PUBLISH_LEASE_SECONDS", 120)
if KETNOI_PUBLISH_LEASE_SECONDS <= KETNOI_PUBLISH_TIMEOUT_SECONDS:
    raise ImproperlyConfigured(
        "KETNOI_PUBLISH_LEASE_SECONDS must be longer than KETNOI_PUBLISH_TIMEOUT_SECONDS."
    )
KETNOI_PUBLISH_BACKOFF_SECONDS = float(env_str("KETNOI_PUBLISH_BACKOFF_SECONDS", "5"))
KETNOI_PUBLISH_MAX_ATTEMPTS = env_int("KETNOI_PUBLISH_MAX_ATTEMPTS", 8)

# --- Official pages -------------------------------------------------------------------------------
# Requests per minute per address to the public directory and link check.
KETNOI_PUBLIC_RATE_PER_MINUTE = env_int("KETNOI_PUBLIC_RATE_PER_MINUTE", 60)
# Domains whose addresses count as official recovery e-mails in the security checklist.
KETNOI_OFFICIAL_MAIL_DOMAINS = tuple(
    env_list("KETNOI_OFFICIAL_MAIL_DOMAINS", ["gov.vn", "dcs.vn", "org.vn", "edu.vn", "mattran.org.vn"])
)

# --- Production hardening -------------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("KETNOI_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("KETNOI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KETNOI_LOG_LEVEL", "WARNING")},
    "loggers": {"ketnoi": {"level": env_str("KETNOI_LOG_LEVEL", "INFO")}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
