"""Fuente's settings: one file, read from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Admin classes and forms are generic in their model for mypy (admin.ModelAdmin[Source]);
# Django's own classes take no subscript at run time until this adds __class_getitem__.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Only a debug server may fall back to a fixed key. Without DEBUG an unset key stays empty:
# commands that need no key (migrate, build_course) still run, while anything that signs
# (sessions, CSRF) refuses with "The SECRET_KEY setting must not be empty", and
# `check --deploy` fails. Production must set its own.
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "courseware",
    "quizzes",
    "lti",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # LTI-launched sessions: cookies sent cross-site, pages framed by the platform (lti/).
    "lti.middleware.LaunchedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language cookie, else Accept-Language (after sessions, before CommonMiddleware).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language a signed-in person chose, or their LMS launch's (courseware/language.py).
    "courseware.language.SessionLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "lti.middleware.LaunchedFramingMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "courseware.params.RefuseNulQueryMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# PostgreSQL connection pool (psycopg_pool, one per process) with DATABASE_POOL=true: a request
# borrows an open connection and gives it back. It replaces CONN_MAX_AGE (Django refuses both),
# so a CONN_MAX_AGE above 0 beside it is an error here, not at the first request.
if env_bool("DATABASE_POOL", False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_POOL=true needs PostgreSQL (a postgres:// DATABASE_URL)."
        )
    if DATABASES["default"]["CONN_MAX_AGE"] != 0:
        raise ImproperlyConfigured(
            "DATABASE_POOL=true replaces CONN_MAX_AGE: set CONN_MAX_AGE=0 (or unset it)."
        )
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env_str("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(env_str("DATABASE_POOL_MAX_SIZE", "4")),
        "timeout": float(env_str("DATABASE_POOL_TIMEOUT", "10")),
    }
# Django sends PostgreSQL each statement as text (client-side binding), and PostgreSQL plans it
# every time. With server-side binding psycopg prepares a statement the fifth time a connection
# runs it, and PostgreSQL reuses the plan: an answer save costs the database server about a
# third of the CPU (docs/performance.md). Behind pgbouncer in transaction mode, prepared
# statements need pgbouncer 1.21+ with max_prepared_statements; otherwise set it false.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
# Behind pgbouncer in transaction mode a server-side cursor (QuerySet.iterator()) may meet
# another client's connection: DATABASE_DISABLE_SERVER_SIDE_CURSORS=true (docs/operations.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # With Django's defaults two concurrent writers fail with "database is locked": WAL lets
    # readers run beside the writer, IMMEDIATE takes the write lock at BEGIN (so a transaction
    # never has to upgrade a read lock and deadlock), and the timeout makes writers queue.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# LTI nonces, launch state and platforms' key sets must be seen by every process (the login
# and the launch may land on different workers): the database by default (`make setup` runs
# createcachetable), Redis when REDIS_URL is set (docs/lti.md). Without REDIS_URL "default" is
# per process and sessions live in the database: one machine, nothing else to run. With it,
# "default" is Redis too and sessions are read from Redis but written through to the database
# (cached_db), so a Redis restart or flush signs nobody out (docs/operations.md).
_REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "lti": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fuente_lti_cache",
    },
}
if _REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
            "KEY_PREFIX": f"fuente-{alias}",
        }
        for alias in ("default", "lti")
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (grade passback to the LMS, and anything else a person must not wait for)
# runs on django-tasks. The default backend keeps the queue in the database, so `make run`
# needs no other service; `make run` starts the worker (`manage.py db_worker`) beside the web
# server. TASKS_BACKEND=redis (with REDIS_URL) queues them in Redis instead, for RQ's workers
# (`manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default`).
# docs/operations.md says how to run workers in production.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASK_QUEUES = ["default"]
TASKS: dict[str, dict[str, object]]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "redis":
    if not _REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL (see .env.example).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    RQ_QUEUES = {name: {"URL": _REDIS_URL, "DEFAULT_TIMEOUT": 300} for name in TASK_QUEUES}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or redis, not {TASKS_BACKEND!r}.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks every login (the site's and the admin's) before the password: five
# failures for one username from one address lock that pair out for 15 minutes, and the right
# password does not unlock it. Its backend needs the request, so `authenticate()` must be
# given one (Django's login views do; tests use force_login).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
# Failed attempts are kept (that is the lockout); a log of every successful login is not needed.
AXES_DISABLE_ACCESS_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# English and Spanish (docs/translation.md). A request's language: the one a signed-in person
# chose, else their LMS launch's locale, else the language cookie, else Accept-Language, else
# English. Dates and numbers follow it (Django 5 always formats for the active language).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Where build_course reads the course pack from.
SEEDS_DIR = BASE_DIR / env_str("SEEDS_DIR", "seeds")  # an absolute path replaces BASE_DIR
# The largest source text accepted, however it comes in (course pack, import_source, the
# admin's upload or paste): 2 MB is a long book. A pasted text must fit in a request's body.
SOURCE_MAX_BYTES = int(env_str("SOURCE_MAX_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, SOURCE_MAX_BYTES + 1024 * 1024)

# Production hardening; each one is checked by `manage.py check --deploy`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds the whole domain for years: a decision for
# whoever owns the domain (set SECURE_HSTS_PRELOAD=true), so its warning is not a failure here.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by config.middleware.SecurityHeadersMiddleware: no page needs these browser features.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Content-Security-Policy (django-csp) on every response, the admin's included: scripts and
# styles only from our own static files, no inline script or style, no eval. htmx is told not
# to inject its indicator <style> and not to eval (templates/base.html). Browsers report
# violations to csp_report (config/urls.py), which logs them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": "/csp-report/",
    },
}

# Password reset by e-mail is offered only where the school has configured e-mail (EMAIL_HOST);
# otherwise a teacher sets a student's new password (courseware.services.accounts).
EMAIL_HOST = env_str("EMAIL_HOST", "")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_HOST)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env_str("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"fuente@{EMAIL_HOST}")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; its warnings (failures, lockouts) are what matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
