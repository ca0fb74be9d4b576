"""Anju settings: one module, driven by the environment (see README, Configuration)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from anju import envfile

BASE_DIR = Path(__file__).resolve().parent.parent
for _env_file in envfile.candidates(BASE_DIR):
    envfile.load(_env_file)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "anju-insecure-development-key-do-not-use-in-production-0123456789"

# The fund journal's HMAC chain key (issue 18), kept outside the database: `ANJU_LEDGER_KEY` holds
# "id:secret" pairs separated by commas, `ANJU_LEDGER_KEY_FILE` a file of such lines (what
# `anju fund rotate-key` adds to). All keys ever used stay listed so old entries verify; which one
# signs is recorded in the database by the last rotation. `make setup` writes one into .env; with
# DEBUG off a missing key is a system check error (fund.E001) and the WSGI application refuses to start.
ANJU_LEDGER_KEY = os.environ.get("ANJU_LEDGER_KEY", "")
ANJU_LEDGER_KEY_FILE = os.environ.get("ANJU_LEDGER_KEY_FILE", "")
# Development only: a fixed, public key signs when none is configured and stays accepted after one is.
ANJU_LEDGER_DEV_KEY = DEBUG

# Where Anju keeps its files: the SQLite database, attachments (MEDIA_ROOT), collected static files.
# A checkout keeps them in its var/; an installed package in var/ of the directory it runs from (never
# inside site-packages).
_CHECKOUT = (BASE_DIR / "pyproject.toml").exists()
DATA_DIR = Path(os.environ.get("ANJU_DATA_DIR") or (BASE_DIR if _CHECKOUT else Path.cwd()) / "var")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form gets the site's page in Chinese (JSON under /api/), not Django's English one.
CSRF_FAILURE_VIEW = "anju.core.error_pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Serves Swagger UI's files from /static/ (no CDN: intranet browsers reach nothing outside).
    "ninja",
    # Background jobs: Django's tasks framework with its database backend, run by `anju worker`.
    "django_tasks_db",
    "anju.core",
    "anju.registry",
    "anju.fund",
    "anju.fund.arrears",
    "anju.fund.lifts",
    "anju.rental",
    "anju.termite",
    "anju.subsidy",
    "anju.petitions",
    "anju.worklog",
    "anju.legacy",
    "anju.oversight",
    "anju.performance",
    "anju.demo",
]

MIDDLEWARE = [
    # Outermost: every answer is logged, those of the middleware below included (redirects, 413s, static).
    "anju.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every answer (SECURE_CSP below); the per-request nonce.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files from the app server itself, compressed and with hashed names when DEBUG is off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.core.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required (the public views:
    # anju/core/tests/test_public_views.py names them all); the API answers 401 itself.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "anju.core.middleware.UploadLimitMiddleware",
    # A NUL character in a parameter or a field is refused with 400 (PostgreSQL cannot hold one).
    "anju.core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "anju.core.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}` answered from the kept addresses (anju.core.links).
            "builtins": ["anju.core.templatetags.kept_url"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anju.core.context_processors.navigation",
                "anju.core.organisation.context",
            ],
        },
    }
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'anju.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the owners' query and staff pages read while a job writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Kept open between requests as PostgreSQL's are (CONN_MAX_AGE): a new SQLite connection reads the
    # whole schema (about 600 tables, indexes and triggers) before its first query, ~4 ms a request.
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("PG_JIT", "off") == "off":
    # PostgreSQL's JIT compiles every statement its planner costs above jit_above_cost (a sum over the journal,
    # a count over the ledgers) for 0.1–0.25 s, longer than such a statement then runs: off for the pages'
    # short statements (bench/load.py, staff pages on PostgreSQL: 33.6 → 39.4 requests/s). PG_JIT=on leaves
    # the server's own setting.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Django's database sessions and model backend, each reading the signed-in session and user with one
# plain statement instead of a query built per request (anju.core.signin).
SESSION_ENGINE = "anju.core.signin"
AUTHENTICATION_BACKENDS = ["anju.core.signin.StaffBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# The idle timeout is kept by saving the session at most once a minute (core.middleware.SessionRefreshMiddleware),
# not on every request: pages that only read write nothing (SQLite has one writer; a long import holds it).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Login lockout: this many failures for one user name within the window lock it for the window.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# API tokens end this many days after they are made (a new password ends them at once).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

LANGUAGE_CODE = "zh-hans"
# The center works in Chinese only (issue 19): no language menu; msgids stay English as the translation
# source, the zh_Hans catalogs cover every string shown.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "anju" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Project-wide assets (the stylesheet and the vendored htmx/ECharts) live outside any app.
STATICFILES_DIRS = [BASE_DIR / "anju" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Without DEBUG: `anju collectstatic` writes hashed, compressed copies that whitenoise serves
    # with far-future caching; with DEBUG the files are served as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
# The largest request body (an upload) Anju accepts; a larger one is refused with a message before it is read.
UPLOAD_MAX_MB = int(os.environ.get("UPLOAD_MAX_MB", "50"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A whole estate's vote grid posts one field per unit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# Behind a reverse proxy that appends the client address to X-Forwarded-For (nginx:
# proxy_add_x_forwarded_for), the audit log and the owners' query rate limit use that address.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Files of finished background jobs (exports, reports) are kept this many days.
JOB_FILE_DAYS = int(os.environ.get("JOB_FILE_DAYS", "7"))
# Imports and list exports of more rows than this run as background jobs (progress on the job's page).
BACKGROUND_ROWS = int(os.environ.get("BACKGROUND_ROWS", "5000"))
# /healthz fails when a background task has waited longer than this for the worker.
TASK_MAX_WAIT_MINUTES = int(os.environ.get("TASK_MAX_WAIT_MINUTES", "10"))
# `anju worker` touches its heartbeat this often; /healthz fails when no worker was seen for the second.
WORKER_BEAT_SECONDS = int(os.environ.get("WORKER_BEAT_SECONDS", "15"))
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "90"))

# /healthz fails (503) when the data directory has less free space than this.
HEALTH_MIN_FREE_MB = int(os.environ.get("HEALTH_MIN_FREE_MB", "1024"))

# Uploaded spreadsheets larger than this many data rows are refused by the import pages.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "300000"))

# The owners' vote rule for fund use (DOMAIN.md §1): the Civil Code's (default) or the 2007 办法's
# "double two-thirds" that some cities' local rules still apply.
FUND_VOTE_RULE = os.environ.get("FUND_VOTE_RULE", "civil_code_2021")
if FUND_VOTE_RULE not in ("civil_code_2021", "two_thirds_2007"):
    raise ImproperlyConfigured("FUND_VOTE_RULE must be civil_code_2021 or two_thirds_2007")

# HTTPS (default on): secure cookies, redirect to https, HSTS. Off only for a plain-HTTP intranet
# install, where secure cookies would make logging in impossible; the deploy check and the web
# server's start say what that changes (anju.core.checks).
ANJU_HTTPS = env_bool("ANJU_HTTPS", True)
if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    if ANJU_HTTPS:
        SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (issue 12), sent by django.middleware.csp on every answer: the browser runs
# and loads only this server's own files. Scripts: files from /static/ (htmx, ECharts, js/anju.js) and
# inline <script> elements that carry the request's nonce (`nonce="{{ csp_nonce }}"`, from the `csp`
# context processor); no inline event handlers or javascript: links (js/anju.js reads data-autosubmit,
# data-print, data-back and data-confirm instead) and no eval (htmx's allowEval is off in base.html).
# Styles: /static/ and the nonce'd <style> blocks of the print pages; htmx's own injected indicator
# style is switched off (includeIndicatorStyles, the rule is in anju.css). style="…" attributes stay
# allowed by the narrow `style-src-attr 'unsafe-inline'`: ECharts writes them into its tooltips and a
# few templates set a width or height; an attribute cannot load anything (img-src is 'self' and
# data:) nor carry a selector, while <style> elements and stylesheets from elsewhere stay refused.
# Browsers without style-src-attr fall back to style-src and only lose those attributes' looks.
from django.utils.csp import CSP  # noqa: E402

TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")  # type: ignore[index]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Logs go to stdout (systemd's journal, docker logs). REQUEST_LOG: one JSON line per request
# (anju.core.middleware.RequestLogMiddleware), on by default without DEBUG.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
        "json_lines": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"},
    },
    "loggers": {
        "anju.request": {
            "handlers": ["json_lines"],
            "level": "INFO" if env_bool("REQUEST_LOG", not DEBUG) else "WARNING",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
