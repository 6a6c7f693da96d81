"""Settings shared by every environment. Values that differ between machines come from env.py."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

from madina.settings.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_database_url,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("MADINA_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_secret("SECRET_KEY", "madina-development-key-not-for-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The project's apps come first: their translations and templates take precedence over those of
# Django and third-party apps (Django's admin translates "Filter" and "Save" its own way).
INSTALLED_APPS = [
    "madina.core",
    "madina.accounts",
    "madina.territory",
    "madina.actors",
    "madina.initiatives",
    "madina.coordination",
    "madina.meetings",
    "madina.interop",
    "madina.directory",
    "madina.cases",
    "madina.outreach",
    "madina.results",
    "madina.consultations",
    "madina.feedback",
    "madina.portal",
    "madina.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "huey.contrib.djhuey",
    "django_htmx",
    "template_partials",
    "phonenumber_field",
]

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma-separated);
# empty: REMOTE_ADDR is the client (madina/core/proxy.py, docs/deploy.md).
MADINA_TRUSTED_PROXIES = env_list("MADINA_TRUSTED_PROXIES", [])

MIDDLEWARE = [
    # First, so that rate limits and axes see the client's address, not the proxy's.
    "madina.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "madina.core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "madina.core.middleware.LanguagePreferenceMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "madina.portal.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "madina.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns locked-out logins into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "madina.urls"
WSGI_APPLICATION = "madina.wsgi.application"

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
                "madina.core.context_processors.layout",
                "madina.cases.context_processors.cases_menu",
                "madina.portal.context_processors.portal",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
DATABASES = {
    "default": parse_database_url(DATABASE_URL, base_dir=BASE_DIR)
    if DATABASE_URL
    else sqlite_database(VAR_DIR / "madina.sqlite3")
}
# App servers keep their connection for CONN_MAX_AGE seconds and check it before reusing it, so
# that after a database restart the next request opens a new one instead of failing.
DATABASES["default"]["CONN_MAX_AGE"] = env_int(
    "CONN_MAX_AGE", 60 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
    {"NAME": "madina.accounts.validators.CharacterClassValidator"},
]

# Lock an account (per user name and address) after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Platform and organisation roles for which two-factor authentication is mandatory.
# Values: "platform_admin", "coordinator", "org_admin", "member", "readonly".
MADINA_2FA_REQUIRED_ROLES = env_list("MADINA_2FA_REQUIRED_ROLES", ["platform_admin"])
# The case roles (case_worker, case_supervisor, referral_receiver) always require it.

# Case data at rest (madina/cases/crypto.py): Fernet keys separated by commas, the first one
# encrypts; without any, development derives one from SECRET_KEY (production requires them).
MADINA_CASE_KEYS = [k.strip() for k in env_secret("MADINA_CASE_KEYS", "").split(",") if k.strip()]
# Closed cases are anonymised this many days after closing (a nightly job).
MADINA_CASE_RETENTION_DAYS = env_int("MADINA_CASE_RETENTION_DAYS", 5 * 365)
# An import that has shown no progress for this long lost its worker: it is marked interrupted
# (nothing was written) and its owner may run it again (madina.interop.services).
MADINA_IMPORT_STALE_MINUTES = env_int("MADINA_IMPORT_STALE_MINUTES", 10)
OTP_TOTP_ISSUER = "Madina"

LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
]
# The staff pages speak these; the public portal speaks every language of LANGUAGES (Spanish too).
MADINA_STAFF_LANGUAGES = ("ar", "fr", "en")
MADINA_PORTAL_FALLBACK = "fr"
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "madina_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "build" / "vendor"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files go to an S3-compatible object store when MADINA_S3_BUCKET names a bucket (so that
# every app server and worker sees them), else to MEDIA_ROOT. Files are private: never a public
# URL; a link, where one is made, is signed and expires. Case attachments are encrypted before
# they reach either (madina/cases/crypto.py).
MADINA_S3_BUCKET = env_str("MADINA_S3_BUCKET", "")
if MADINA_S3_BUCKET:
    _s3_options = {
        "bucket_name": MADINA_S3_BUCKET,
        "endpoint_url": env_str("MADINA_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("MADINA_S3_REGION", "") or None,
        "location": env_str("MADINA_S3_PREFIX", "").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    # Without keys, boto3 looks for credentials itself (instance role, ~/.aws).
    _s3_access_key = env_secret("MADINA_S3_ACCESS_KEY_ID", "")
    _s3_secret_key = env_secret("MADINA_S3_SECRET_ACCESS_KEY", "")
    if _s3_access_key or _s3_secret_key:
        _s3_options.update(access_key=_s3_access_key, secret_key=_s3_secret_key)
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads larger than that wait in a temporary file until a form has checked them: keep it in our
# own folder, readable by the platform's user only (an attachment may belong to a case file).
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", str(VAR_DIR / "uploads-in-progress"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "madina",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "madina",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Madina <no-reply@madina.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Map tiles: none by default (communes are drawn as points on a plain background). A deployment
# that hosts its own tile server names it here, and the CSP admits that origin only.
# The platform's address as people reach it (https://madina.example.org), for links in e-mails;
# without it, e-mails carry paths only.
MADINA_BASE_URL = env_str("MADINA_BASE_URL", "")
MADINA_TILE_URL = env_str("MADINA_TILE_URL", "")
# Where the portal's "leave quickly" button goes: a neutral page that says nothing of Madina.
MADINA_LEAVE_URL = env_str("MADINA_LEAVE_URL", "https://www.google.com/search?q=weather")
# Public submissions per client: (how many, in how many seconds), per kind.
MADINA_PUBLIC_RATE_LIMITS = {
    "default": (10, 3600),
    "feedback": (5, 3600),
    "answer": (10, 3600),
    "status": (30, 3600),
}
MADINA_TILE_ATTRIBUTION = env_str("MADINA_TILE_ATTRIBUTION", "")


def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return [f"{parsed.scheme}://{parsed.netloc}"] if parsed.scheme and parsed.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(MADINA_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    # The token class comes first so that a refused key answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "madina.accounts.authentication.OrganisationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Madina API",
    "DESCRIPTION": "Coordination of the actors of a territory working for migrants.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name get names of their own; the first two keep the names
    # they had before coordination spaces came, StatusEnum the one it had before meetings came.
    "ENUM_NAME_OVERRIDES": {
        "TypeEnum": "madina.actors.models.Organisation.Type",
        "VisibilityEnum": "madina.initiatives.models.Initiative.Visibility",
        "SpaceTypeEnum": "madina.coordination.models.Space.Type",
        "SpaceVisibilityEnum": "madina.coordination.models.Space.Visibility",
        "StatusEnum": "madina.initiatives.models.Initiative.Status",
        "MeetingTypeEnum": "madina.meetings.models.Meeting.Type",
        "MeetingModeEnum": "madina.meetings.models.Meeting.Mode",
        "MeetingStatusEnum": "madina.meetings.models.Meeting.Status",
        "RecommendationStateEnum": "madina.meetings.models.Recommendation.State",
        "RecommendationPriorityEnum": "madina.meetings.models.Recommendation.Priority",
        "ProgrammeKindEnum": "madina.coordination.models.Programme.Kind",
        "ProgrammeStatusEnum": "madina.coordination.models.Programme.Status",
        "ProgrammeItemKindEnum": "madina.coordination.models.ProgrammeItem.Kind",
        "ProgrammeItemStatusEnum": "madina.coordination.models.ProgrammeItem.Status",
        "LanguageEnum": "madina.core.languages.STAFF_LANGUAGE_CHOICES",
        "PortalLanguageEnum": "madina.core.languages.ALL_LANGUAGE_CHOICES",
    },
}

PHONENUMBER_DEFAULT_REGION = env_str("PHONENUMBER_DEFAULT_REGION", "MA")
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# LOG_FORMAT=json writes one JSON object a line (for a log collector), else plain text. Either way
# the same levels below keep personal data out; the JSON formatter also drops the request object
# that Django attaches to its request errors (its repr carries the query string).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
_LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": _LOG_FIELDS},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": _LOG_FIELDS,
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Axes logs user names and addresses with failures and lockouts: no personal data in
        # logs, so only its errors are kept. Lockouts are still recorded in its database table.
        "axes": {"level": "ERROR"},
        # WeasyPrint and fontTools narrate every step of every PDF at INFO; the text of a
        # document (which may name people) must not reach the logs either.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # send_robust logs a failing receiver's exception with its message, which could carry a
        # record's text; the senders log their own line without it (coordination.signals).
        "django.dispatch": {"level": "CRITICAL"},
        # run_huey gives the "huey" logger a plain handler of its own unless it has one: this one
        # keeps the workers' lines in the format chosen above, once each.
        "huey": {
            "handlers": ["console"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
    },
}
