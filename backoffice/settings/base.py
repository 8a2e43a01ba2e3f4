"""Aktenfluss settings: one module, every deployment difference comes from the environment.

See `.env.example` for the variables.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", default=False)
DATA_DIR = env_path("AKTENFLUSS_DATA_DIR", BASE_DIR / "var")

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG=true.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "viewflow",
    "viewflow.workflow",
    "backoffice",
    "efile",
    "workflows",
    "invoicing",
    "api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "backoffice.nul_bytes.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # Last, as django-axes asks: answers locked-out logins with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backoffice" / "templates"],
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
        env_str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'aktenfluss.sqlite3'}"),
        conn_max_age=env_int("AKTENFLUSS_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a command or worker writes; IMMEDIATE makes a
    # writing transaction take the lock at BEGIN, so it waits instead of failing halfway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after this many failed logins for one user name from one
# address, logins are refused for the cool-off time; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AKTENFLUSS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AKTENFLUSS_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("AKTENFLUSS_SESSION_SECONDS", 8 * 60 * 60)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = env_path("AKTENFLUSS_BLOB_DIR", DATA_DIR / "blobs")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "file_permissions_mode": 0o640},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Upload limits: Django's own limit guards the request body, ours the single document.
AKTENFLUSS_MAX_UPLOAD_BYTES = env_int("AKTENFLUSS_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
AKTENFLUSS_AUTHORITY_NAME = env_str("AKTENFLUSS_AUTHORITY_NAME", default="Stadtverwaltung")
AKTENFLUSS_PAGE_SIZE = env_int("AKTENFLUSS_PAGE_SIZE", 25)
# Folder `manage.py watch_scans` watches when none is named on the command line; None
# (unset or empty) means the command needs the folder as its argument.
_scan_dir = env_str("AKTENFLUSS_SCAN_DIR", default="")
AKTENFLUSS_SCAN_DIR = Path(_scan_dir).expanduser().resolve() if _scan_dir else None
# Optional: a downloaded KoSIT validator configuration (scenarios.xml + XSLT). Each invoice is
# then also checked with those official files (saxonche) and disagreements are shown.
_official_rules = env_str("AKTENFLUSS_OFFICIAL_RULES_DIR", default="")
AKTENFLUSS_OFFICIAL_RULES_DIR = (
    Path(_official_rules).expanduser().resolve() if _official_rules else None
)

# Invoice approval. The city's own account, debited by the SEPA payment runs (pain.001).
AKTENFLUSS_PAYER_NAME = env_str("AKTENFLUSS_PAYER_NAME", default=AKTENFLUSS_AUTHORITY_NAME)
AKTENFLUSS_PAYER_IBAN = env_str("AKTENFLUSS_PAYER_IBAN", default="")
AKTENFLUSS_PAYER_BIC = env_str("AKTENFLUSS_PAYER_BIC", default="")
# Columns of the booking export (CSV), in order; see invoicing.approval.booking.COLUMNS.
AKTENFLUSS_BOOKING_COLUMNS = [
    column.strip()
    for column in env_str(
        "AKTENFLUSS_BOOKING_COLUMNS",
        default="belegdatum,belegnummer,kreditor,iban,sachkonto,kostenstelle,netto,steuer,"
        "brutto,steuerschluessel,faelligkeit",
    ).split(",")
    if column.strip()
]
# Open approval tasks escalate this many days before the Skonto date (else the due date):
# first a reminder to the assignee (or the group), then to the department's lead.
AKTENFLUSS_ESCALATE_REMINDER_DAYS = env_int("AKTENFLUSS_ESCALATE_REMINDER_DAYS", 3)
AKTENFLUSS_ESCALATE_LEAD_DAYS = env_int("AKTENFLUSS_ESCALATE_LEAD_DAYS", 1)
# Supplier e-files (Kreditorenakten) are opened on this filing plan position.
AKTENFLUSS_SUPPLIER_PLAN_CODE = env_str("AKTENFLUSS_SUPPLIER_PLAN_CODE", default="200.20")

# Paperless-ngx connector (optional; off while AKTENFLUSS_PAPERLESS_URL is empty). Documents
# carrying the pull tag are taken into the intake inbox of the org unit, then get the
# transferred tag; the Aktenzeichen of filed ones goes back as custom field or tag.
AKTENFLUSS_PAPERLESS_URL = env_str("AKTENFLUSS_PAPERLESS_URL", default="")
AKTENFLUSS_PAPERLESS_TOKEN = env_str("AKTENFLUSS_PAPERLESS_TOKEN", default="")
AKTENFLUSS_PAPERLESS_PULL_TAG = env_str("AKTENFLUSS_PAPERLESS_PULL_TAG", default="aktenfluss")
AKTENFLUSS_PAPERLESS_TRANSFERRED_TAG = env_str(
    "AKTENFLUSS_PAPERLESS_TRANSFERRED_TAG", default="aktenfluss-uebertragen"
)
AKTENFLUSS_PAPERLESS_ORG_UNIT = env_str("AKTENFLUSS_PAPERLESS_ORG_UNIT", default="")
AKTENFLUSS_PAPERLESS_PUSH_MODE = env_str("AKTENFLUSS_PAPERLESS_PUSH_MODE", default="custom_field")
AKTENFLUSS_PAPERLESS_CUSTOM_FIELD = env_str(
    "AKTENFLUSS_PAPERLESS_CUSTOM_FIELD", default="Aktenzeichen"
)
AKTENFLUSS_PAPERLESS_TIMEOUT = env_int("AKTENFLUSS_PAPERLESS_TIMEOUT", 30)
AKTENFLUSS_PAPERLESS_PULL_MINUTES = env_int("AKTENFLUSS_PAPERLESS_PULL_MINUTES", 15)
if AKTENFLUSS_PAPERLESS_PUSH_MODE not in ("custom_field", "tag"):
    raise ImproperlyConfigured("AKTENFLUSS_PAPERLESS_PUSH_MODE must be custom_field or tag.")

# Celery. Without a broker URL the embedded default runs tasks eagerly inside the calling
# process: no Redis and no worker process are needed, and a task runs exactly when its
# transaction has committed. Production sets CELERY_BROKER_URL (Redis) and runs workers.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# With acks_late, Redis hands a job whose worker died to another worker after this many
# seconds; it must be longer than the longest OCR job, or a slow job would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("AKTENFLUSS_BROKER_VISIBILITY_TIMEOUT", 3600)
}
# Periodic jobs, run by Celery beat (the `scheduler` service); each job is idempotent.
CELERY_BEAT_SCHEDULE = {
    "building-deadlines": {"task": "workflows.building_deadlines", "schedule": 6 * 60 * 60},
    "invoice-deadlines": {"task": "invoicing.escalate_deadlines", "schedule": 6 * 60 * 60},
    # Does nothing while AKTENFLUSS_PAPERLESS_URL is empty.
    "paperless-pull": {
        "task": "efile.paperless_pull",
        "schedule": AKTENFLUSS_PAPERLESS_PULL_MINUTES * 60,
    },
}

# Outgoing mail (notices to applicants, requests to Fachstellen). With DEBUG the mails are
# printed to the console unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="aktenfluss@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": AKTENFLUSS_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aktenfluss API",
    "DESCRIPTION": "E-Akten, Dokumente und Vorgänge der Verwaltung.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the installed sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request components, so file uploads are described as binary (multipart).
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "efile.models.DocumentKind",
        "PartyKindEnum": "efile.models.Party.Kind",
        "InvoiceDecisionEnum": "invoicing.models.Decision",
        "BuildingDecisionEnum": "workflows.models.Decision",
    },
}

# Production hardening; everything is switched on unless DEBUG.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("AKTENFLUSS_BEHIND_TLS_PROXY") else None
)
SECURE_SSL_REDIRECT = env_bool("AKTENFLUSS_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("AKTENFLUSS_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Joining the HSTS preload list binds the whole domain (often the city's) for a long time;
# that is the city's decision, not a default of this application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AKTENFLUSS_LOG_LEVEL", "INFO")},
}
