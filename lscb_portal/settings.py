"""The portal's one settings module, driven by the environment.

Development needs nothing set: ``make run`` exports ``DEBUG=1`` and the
database is an embedded Postgres in ``var/``. With ``DEBUG`` off (production)
a missing ``SECRET_KEY``, ``DATABASE_URL``, ``ALLOWED_HOSTS`` or ``SITE_URL``
stops the start with a message saying what to set. See README ("Settings").
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from django.utils.module_loading import import_string
from django_prose_editor.config import html_tags, process_link
from js_asset import static_lazy

from lscb_portal import dbserver

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = dbserver.VAR_DIR


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def required(name: str, why: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off: {why}")
    return value


DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-key-never-used-with-debug-off"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
    # `PORT=8080 make run` serves on another port: emailed links follow it.
    SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or 8000}")
else:
    SECRET_KEY = required("SECRET_KEY", "it signs sessions and the links sent by email.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off: list the host names the portal answers to."
        )
    SITE_URL = required("SITE_URL", "emails need the portal's public address, e.g. https://example.org.")
    required("DATABASE_URL", "production needs a named Postgres server.")

SITE_URL = SITE_URL.rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(
        f"SITE_URL must be the portal's full address, e.g. https://example.org, not {SITE_URL!r}."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or ["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))]

# HTTPS is terminated at a proxy that sets X-Forwarded-Proto. HTTPS_ONLY=0 turns
# off the HTTPS-only settings for plain-HTTP load tests on loopback, and only there.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if not DEBUG and not HTTPS_ONLY and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured("HTTPS_ONLY=0 is only for load tests on loopback: ALLOWED_HOSTS must be loopback.")
if not DEBUG and HTTPS_ONLY and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// (emailed links must not travel in plain HTTP).")

INSTALLED_APPS = [
    "lscb_portal.core",
    "lscb_portal.pages",
    "newsletters",
    "training",
    "procedures",
    "whitenoise.runserver_nostatic",
    # The admin with staff security: two-factor step, password reset, lockout page (core.admin_site).
    "lscb_portal.core.admin_apps.PortalAdminConfig",
    "lscb_portal.core.system_apps.StaffAccountsConfig",  # django.contrib.auth, named for the admin
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "django_prose_editor",
    "nested_admin",
    "lscb_portal.core.system_apps.BackgroundJobsConfig",  # procrastinate.contrib.django
    "lscb_portal.core.system_apps.SignInLockoutsConfig",  # axes
    "django_otp",
    "lscb_portal.core.system_apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "lscb_portal.core.system_apps.BackupCodesConfig",  # django_otp.plugins.otp_static
    "lscb_portal.core.system_apps.EmailCodesConfig",  # django_otp.plugins.otp_email
    "simple_history",
    "solo",
    "lscb_portal.core.system_apps.TopicsConfig",  # taggit
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lscb_portal.core.middleware.SecurityHeadersMiddleware",
    "lscb_portal.core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lscb_portal.core.middleware.PortalCSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "lscb_portal.core.middleware.RateLimitMiddleware",
    "lscb_portal.core.security.StaffSecurityMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lscb_portal.urls"
WSGI_APPLICATION = "lscb_portal.wsgi.application"

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
                "csp.context_processors.nonce",
                "lscb_portal.core.context_processors.board",
            ],
            "builtins": ["lscb_portal.core.templatetags.portal", "lscb_portal.core.templatetags.richtext"],
        },
    }
]

# Database: always Postgres. Persistent connections with health checks make a
# several-fold difference to throughput; CONN_MAX_AGE=0 turns them off.
DATABASES = {
    "default": dj_database_url.parse(
        dbserver.database_url(),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator())
# cannot outlive its transaction: DB_TRANSACTION_POOLING=1 turns them off. See docs/deploying.md.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_TRANSACTION_POOLING", False)
# The search's ranking query binds its parameters on the server, so psycopg prepares it after this many runs on a
# connection (core.search); Django's own queries bind on the client and are never prepared. A prepared statement
# lives on one server connection, so not behind PgBouncer in transaction mode.
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    None if DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] else 5
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lscb_portal.core.password_validation.PatternPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Rendered public pages (lscb_portal/core/pagecache.py). Each process keeps its own copies: the
# versions of the content areas they are checked against live in Postgres, so every server sees a
# change at once and nothing but the database is shared. PAGE_CACHE_SECONDS bounds how late a change that comes
# with time alone (a scheduled issue, a booking closing) can show; 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 60)
# Parts of pages that show fewer areas than the page (the shell, an issue's articles), kept per
# process while those areas' versions stand (pagecache.fragment); 0 turns them off.
PAGE_FRAGMENT_SECONDS = env_int("PAGE_FRAGMENT_SECONDS", 0 if DEBUG else 60)
PAGE_FRAGMENT_ENTRIES = env_int("PAGE_FRAGMENT_ENTRIES", 300)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 500)},
    },
    # Pages asked for with parameters (searches, filters, later pages): a small bound of their own, so
    # that crawlers asking for ever new ones push out only each other.
    "page_queries": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "page-queries",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_QUERY_ENTRIES", 60)},
    },
}

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# Email: every message is first a row in the outbox (core.outbox); the worker
# sends it with this backend. Development writes messages to files in var/mail.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Safeguarding Children Partnership <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Delivery retries with a growing delay (1, 5, 15, 60, 180, 360 minutes); after
# the last attempt an email is marked failed for the back office to send again.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
# Seconds after which an email left "sending" by a worker that died is sent again.
EMAIL_CLAIM_TIMEOUT = env_int("EMAIL_CLAIM_TIMEOUT", 300)

# Security headers. See README ("Settings") for HTTPS_ONLY.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
# __Host- cookies need Secure, so plain-HTTP development keeps the usual names.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS_ONLY else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS_ONLY else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# A form sent with a missing or stale token gets the portal's page, not Django's.
CSRF_FAILURE_VIEW = "lscb_portal.pages.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions end after an hour without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 3600)
SESSION_SAVE_EVERY_REQUEST = True
# ...and after this long in any case, however busy (core.security.StaffSecurityMiddleware).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 3600)
# Request bodies larger than these are refused with 413 before anything is read (core.middleware):
# the public forms need a few kilobytes; the back office takes documents up to the attachment limit.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 1024 * 1024)
MAX_STAFF_REQUEST_BYTES = env_int("MAX_STAFF_REQUEST_BYTES", 25 * 1024 * 1024)

# Staff security (core.security). Staff need a second factor (an authenticator app) for the admin:
# STAFF_2FA_REQUIRED is on whenever DEBUG is off, and may be turned off only in development or for a load
# test on loopback. Logins lock after STAFF_LOCKOUT_FAILURES failures for one username from one IP address
# (so nobody can lock a colleague out from elsewhere) for STAFF_LOCKOUT_MINUTES.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", not DEBUG)
if not DEBUG and not STAFF_2FA_REQUIRED and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "STAFF_2FA_REQUIRED=0 is only for development or load tests on loopback: ALLOWED_HOSTS must be loopback."
    )
AUTHENTICATION_BACKENDS = [
    "lscb_portal.core.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("STAFF_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out neither count nor extend the wait, so the page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "lscb_portal.core.security.client_ip"
AXES_LOCKOUT_CALLABLE = "lscb_portal.core.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The portal logs its own security events (lscb_portal.security); axes keeps its records in the database.
AXES_VERBOSE = False
# A password reset link works for an hour.
PASSWORD_RESET_TIMEOUT = 3600
# Superusers can remove a lost authenticator app in the admin, but never see its key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The admin's widgets (and the rich-text editor) set inline styles. The editor's
# import map is an inline script the admin cannot give a nonce: it is allowed by
# its hash, worked out from the static files' addresses on first use.
ADMIN_CSP_UPDATE = {
    "style-src": ["'unsafe-inline'"],
    "script-src": lazy(lambda: import_string("lscb_portal.core.richtext.editor_csp_hashes")(), list)(),
}

# Opt in now to Django 6.0's https default for URL form fields.
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles only text, email and password inputs, text areas,
# selects and clearable file inputs; these give the other widgets GOV.UK classes.
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "telinput": "govuk-input",
    "searchinput": "govuk-input",
    "dateinput": "govuk-input",
    "timeinput": "govuk-input",
    "datetimeinput": "govuk-input",
    "fileinput": "govuk-file-upload",
    "selectmultiple": "govuk-select",
}

TAGGIT_CASE_INSENSITIVE = True
# Topics are separated by commas only: "Domestic abuse" is one topic, never "Domestic" and "abuse".
TAGGIT_TAGS_FROM_STRING = "lscb_portal.core.topics.parse_topics"
TAGGIT_STRING_FROM_TAGS = "lscb_portal.core.topics.join_topics"

# The rich-text editor's own extensions (lscb_portal.core.richtext.EDITOR_EXTENSIONS).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/prose-editor.mjs")],
        "extensions": {"KeptLink": process_link, "LabelledEditor": html_tags([])},
    }
]

# The worker: procrastinate on the portal's own Postgres. Each app's tasks.py
# declares its jobs and periodic jobs.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# Rate limits on public forms, counted in Postgres. RATE_LIMIT_SCALE multiplies
# every limit (load tests raise it; 0 turns limits off).
RATE_LIMIT_SCALE = float(os.environ.get("RATE_LIMIT_SCALE", "1"))
# How many proxies in front of the portal append to X-Forwarded-For.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    # Request logs name the path, and token pages carry their secret in it: hidden before any handler writes.
    "filters": {"redact_tokens": {"()": "lscb_portal.core.links.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "lscb_portal.security": {"level": "INFO"},
        "procrastinate": {"level": "WARNING"},
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {"filters": ["redact_tokens"]},
    },
}

# Where "Exit this page" takes someone who needs to leave quickly.
EXIT_PAGE_URL = os.environ.get("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")
SOLO_CACHE = None

# Newsletters: the largest document an editor may attach to an article.
NEWSLETTER_ATTACHMENT_MAX_BYTES = env_int("NEWSLETTER_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Rate limits by form (core.ratelimit): {scope: {"email" | "ip": (attempts, seconds)}}; scopes not named here
# get 5 an hour per email address and 300 an hour per IP address, times RATE_LIMIT_SCALE.
RATE_LIMITS = {
    "alerts.subscribe": {"email": (5, 3600), "ip": (300, 3600)},
    "alerts.manage_link": {"email": (5, 3600), "ip": (300, 3600)},
}

# Privacy (UK GDPR): how long personal data is kept; the daily core.apply_retention job applies these and the
# privacy notice quotes them. Booking details are anonymised PRIVACY_BOOKINGS_KEPT_YEARS after the session; access
# and dietary needs deleted PRIVACY_NEEDS_KEPT_DAYS after it; unconfirmed alert sign-ups deleted after
# PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS; newsletter contributions and feedback after
# PRIVACY_CONTRIBUTIONS_KEPT_DAYS.
PRIVACY_BOOKINGS_KEPT_YEARS = env_int("PRIVACY_BOOKINGS_KEPT_YEARS", 6)
PRIVACY_NEEDS_KEPT_DAYS = env_int("PRIVACY_NEEDS_KEPT_DAYS", 7)
PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS = env_int("PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS", 7)
PRIVACY_CONTRIBUTIONS_KEPT_DAYS = env_int("PRIVACY_CONTRIBUTIONS_KEPT_DAYS", 365)

# Training: booking closes at TRAINING_CLOSE_TIME, TRAINING_CLOSE_WORKING_DAYS working days (England and Wales)
# before a session unless the session says otherwise; a freed place is held for TRAINING_OFFER_HOURS (never past
# the closing time); reminders go TRAINING_REMINDER_DAYS before; access and dietary needs are deleted
# TRAINING_NEEDS_KEPT_DAYS after the session; "my training" links work for TRAINING_MY_LINK_DAYS.
TRAINING_CLOSE_WORKING_DAYS = env_int("TRAINING_CLOSE_WORKING_DAYS", 2)
TRAINING_OFFER_HOURS = env_int("TRAINING_OFFER_HOURS", 48)
TRAINING_REMINDER_DAYS = env_int("TRAINING_REMINDER_DAYS", 3)
TRAINING_NEEDS_KEPT_DAYS = PRIVACY_NEEDS_KEPT_DAYS
TRAINING_MY_LINK_DAYS = 3
# Booking: tight per email (3 in 10 minutes, 10 a day); per client address a burst limit (10 a minute: a script
# filling a programme, not a council's training coordinator) beside a generous hourly one.
RATE_LIMITS["training.book"] = {"email": [(3, 600), (10, 86400)], "ip": [(10, 60), (100, 3600)]}
# A nomination emails everyone it names: tighter per address than a booking, and as generous per IP address as a
# council's managers need.
RATE_LIMITS["training.nominate"] = {"email": [(3, 600), (10, 86400)], "ip": [(10, 60), (60, 3600)]}
RATE_LIMITS["training.my"] = {"email": (5, 3600), "ip": (300, 3600)}
# Checking a certificate's code: an employer checks a few; a burst is someone trying codes.
RATE_LIMITS["training.verify_certificate"] = {"ip": [(10, 60), (60, 3600)]}
# The impact evaluation is emailed TRAINING_EVALUATION_AFTER_DAYS after a session (the certificate follows it);
# its link works for TRAINING_EVALUATION_LINK_DAYS.
TRAINING_EVALUATION_AFTER_DAYS = env_int("TRAINING_EVALUATION_AFTER_DAYS", 28)
TRAINING_EVALUATION_LINK_DAYS = 180
