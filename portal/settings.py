"""Settings for Samverkansportalen, read from environment variables.

Production is the default: DEBUG is off and a secret key, allowed hosts and a
database URL must be given. The README lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable; anything but the known words stops the start.

    A typo such as `DJANGO_SECURE_COOKIES=ture` must not silently turn a protection off.
    """
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-local-use-never-in-production-0123456789"
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "collaboration",
    "principles",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    "axes",
]
# Tooling (demo data, seeding, benchmarks, the load test): for development and measurement, never production.
DEVTOOLS = env_bool("PORTAL_DEVTOOLS", DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("collaboration.devtools")

MIDDLEWARE = [
    # First: a load balancer's probe is answered whatever its Host header or scheme.
    "portal.middleware.HealthCheckMiddleware",
    "portal.middleware.NulFreeHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so that it sees failed sign-ins of every view.
    "axes.middleware.AxesMiddleware",
]
if DEBUG:
    # The development server serves static files itself.
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")

# The load benchmark (`manage.py benchmark_load`) measures a trivial view as its floor, through the same
# server, settings and middleware as the pages. Its URL exists only when this is on, never by default.
BENCHMARK_FLOOR = env_bool("PORTAL_BENCHMARK_FLOOR", False)
ROOT_URLCONF = "collaboration.devtools.urls_benchmark" if BENCHMARK_FLOOR else "portal.urls"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
FORM_RENDERER = "portal.renderers.PortalFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

_sqlite_path = BASE_DIR / ".var" / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{_sqlite_path}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people autosave at once: wait for the write lock instead of failing,
    # and take it at the start of a transaction so that upgrades cannot deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] == str(_sqlite_path):
        _sqlite_path.parent.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day, as the e-mail says
# Reset mails: at most this many per address and per client address within the window
# (portal.throttling.password_reset_allowed; counted in the database, so across app servers).
PASSWORD_RESET_LIMITS = {"per_address": 5, "per_client": 20, "window_minutes": 60}
INVITATION_VALID_DAYS = env_int("PORTAL_INVITATION_VALID_DAYS", 14)

# Sign-in throttling (django-axes): lock a user name from one address after
# five failures for fifteen minutes. The user name is the normalised e-mail
# address, so that `Styrelse@…`, `STYRELSE@…` or a full-width variant count
# against the same lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "portal.throttling.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address (django-ipware). Without proxies only the connection's
# address counts, and an X-Forwarded-For header sent by anyone is ignored. Behind
# N proxies that each append the address they received the request from (nginx,
# cloud load balancers), the N-th address from the right of X-Forwarded-For is the
# client: the entries to its left are whatever the client sent and cannot be trusted.
# ipware counts only the proxies that appear *in* the header after the client, and
# the nearest proxy appends the client itself, hence N - 1; `strict` off so that a
# client's own (forged or corporate-proxy) entries to the left are skipped, not a
# reason to fall back to the balancer's address.
_proxy_count = env_int("AXES_IPWARE_PROXY_COUNT", 0)
if _proxy_count < 0:
    raise ImproperlyConfigured("AXES_IPWARE_PROXY_COUNT must be 0 or more.")
if _proxy_count:
    AXES_IPWARE_PROXY_COUNT: int | None = _proxy_count - 1
    # Only the header: the balancer's own address must never stand in for a client.
    AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("HTTP_X_FORWARDED_FOR",)
else:
    AXES_IPWARE_PROXY_COUNT = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the portal keeps (rendered PDFs of fixed agreement versions): a folder by default; an S3-compatible
# store is a matter of setting STORAGES["default"] (e.g. django-storages), see README "PDF".
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / ".var" / "media")))
MEDIA_URL = "/media/"  # never served: every stored file goes out through a permission-checked view
# The longest a PDF may take to lay out on request (collaboration.documents.pdf_layout stops it then and the person
# gets a Swedish page); the task worker allows PDF_TASK_RENDER_SECONDS. The worst document under the
# page cap takes about 2.5 s on the 2-core reference machine (benchmark_pdf).
PDF_RENDER_SECONDS = float(env_str("PDF_RENDER_SECONDS", "6"))
PDF_TASK_RENDER_SECONDS = float(env_str("PDF_TASK_RENDER_SECONDS", "60"))
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

# E-mail (Django 6.1 mailers): the console in development, SMTP from the environment in production.
_email_backend = env_str("DJANGO_EMAIL_BACKEND", "console" if DEBUG else "smtp")
if _email_backend not in {"smtp", "file", "console"}:
    # A typo must not send reset links and invitation tokens to the log instead of to people.
    raise ImproperlyConfigured(f"DJANGO_EMAIL_BACKEND must be smtp, file or console, not {_email_backend!r}.")
if _email_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
elif _email_backend == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".var" / "mail"))},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samverkansportalen <noreply@samverkansportalen.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The portal's address as people reach it, for links in mail sent by the task worker (which has no request).
SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).netloc or urlsplit(SITE_URL).path:
    raise ImproperlyConfigured(f"PORTAL_SITE_URL must be like https://samverkan.example.se, not {SITE_URL!r}.")
# Notification mail (portal.notifications): a failed send is tried again after NOTIFICATION_RETRY_SECONDS,
# then twice as long each time, NOTIFICATION_MAX_ATTEMPTS tries in all; then it is marked failed.
NOTIFICATION_MAX_ATTEMPTS = env_int("PORTAL_MAIL_MAX_ATTEMPTS", 5)
NOTIFICATION_RETRY_SECONDS = env_int("PORTAL_MAIL_RETRY_SECONDS", 60)
if NOTIFICATION_MAX_ATTEMPTS < 1 or NOTIFICATION_RETRY_SECONDS < 0:
    raise ImproperlyConfigured("PORTAL_MAIL_MAX_ATTEMPTS must be 1 or more and PORTAL_MAIL_RETRY_SECONDS 0 or more.")

# Security headers. HTTPS settings follow DEBUG so that `check --deploy` is clean
# in production while the development server still works over plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
# includeSubDomains and preload bind every host under the domain (a municipality's whole domain) to HTTPS,
# preload for good: a decision for the domain's owner, so both are opt-in (their deploy checks are silenced
# below for that reason, and only while they are off).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Background work (mail) goes through Django's tasks framework. "database" (django-tasks-db) stores
# tasks in the database and `manage.py db_worker` runs them, on as many servers as you like;
# "immediate" runs each task inside the request that queued it (tests, or a setup without workers).
_tasks_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env_str("PORTAL_TASKS_BACKEND", "database")
if _tasks_backend not in _tasks_backends:
    raise ImproperlyConfigured(
        f"PORTAL_TASKS_BACKEND must be one of {', '.join(_tasks_backends)}, not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": _tasks_backends[_tasks_backend]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; its warnings (a refused URL, an unknown CSS property) still show.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # says "logger bridge initialized" at INFO on first use
    },
}
