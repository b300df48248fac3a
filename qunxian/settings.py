"""Settings for 群团e家, all from the environment.

Development needs nothing set: DEBUG defaults on and the database is a SQLite
file. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
optionally REDIS_URL; nothing else differs.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "qunxian",
    "venues",
    "bookings",
    "feedback",
    "activities",
    "notices",
    "membership",
    "volunteering",
    "representatives",
    "dashboards",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_filters",
    "django_htmx",
    "leaflet",
    "csp",
    # The demo loader: it imports from every app, and none imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qunxian.http.PublicGZipMiddleware",  # only pages without secrets: see there
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qunxian.http.AtomicWritesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "qunxian.urls"
WSGI_APPLICATION = "qunxian.wsgi.application"
ASGI_APPLICATION = "qunxian.asgi.application"

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
                "csp.context_processors.nonce",
                "qunxian.context_processors.roles",
                "qunxian.context_processors.display",
            ],
            # `{% url %}` that remembers its answers (qunxian/templatetags/urls.py).
            "builtins": ["qunxian.templatetags.urls"],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url reads otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            # No health check: it is a round trip at the start of every
            # request; after a database restart each worker's first request
            # fails once and its connection is replaced.
            DATABASE_URL,
            conn_max_age=600,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, so that psycopg prepares a query the
        # fifth time a connection runs it: PostgreSQL then plans it once, not
        # on every request (planning a booking's four joins took 0.7 ms).
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5,
            **DATABASES["default"].get("OPTIONS", {}),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # Reopening the file runs the PRAGMAs below on every request.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue
                # instead of one failing at its first write ("database is locked").
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# "default" is shared by every process (versions, log-in limits);
# "fragments" is each process's own memory, for rendered parts kept under the
# shared versions (qunxian/caching.py); "usage" holds the day's view marks
# until `flush_view_counts` counts them (venues/usage.py): it must be shared
# and must not evict, so it has its own table.
FRAGMENTS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5_000},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "fragments": FRAGMENTS_CACHE,
        "usage": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "usage",
        },
    }
else:
    # A table that every process shares, so that log-in limits hold across
    # gunicorn workers; migration qunxian 0003 creates it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qunxian_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
        "fragments": FRAGMENTS_CACHE,
        # Migration venues 0007 creates it. Marks are deleted by the flush of
        # their day, never culled (a culled mark would be a lost view).
        "usage": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qunxian_usage",
            "OPTIONS": {"MAX_ENTRIES": 100_000_000},
        },
    }
# Sessions are rows that name their user, read with it in one query: a
# signed-in page costs that query and no round trip to the cache.
SESSION_ENGINE = "qunxian.sessions"

# Accounts
AUTH_USER_MODEL = "qunxian.User"
AUTHENTICATION_BACKENDS = [
    "qunxian.accounts.ModelBackend",
    "qunxian.accounts.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_DISPLAY = str  # the display name chosen at sign-up, else the username
ACCOUNT_ADAPTER = "qunxian.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "username"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "qunxian.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {
    "signup": "qunxian.accounts.SignupForm",
    "request_login_code": "qunxian.accounts.RequestLoginCodeForm",
    "change_phone": "qunxian.accounts.ChangePhoneForm",
    "reset_password": "qunxian.accounts.ResetPasswordForm",
}
# Codes by SMS: the number typed at sign-up is verified, and anyone may log in
# or reset a password with a code instead. Six digits, 5 minutes, 5 tries.
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 5
# Text messages per number and per client address, below the provider's own
# 1/min, 5/h, 10/day per number. "send_sms" is ours and counts every flow's
# texts together (see qunxian.accounts); allauth's per-flow keys match it.
SMS_RATE = "1/m/key,5/h/key,10/d/key,1/m/ip,5/h/ip,10/d/ip"
# Failed log-ins count per client address and per account, whichever of its
# identifiers was typed (see AccountAdapter).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "send_sms": SMS_RATE,
    "request_login_code": SMS_RATE,
    "verify_phone": SMS_RATE,
}
# The client is the address that the proxy in front (see README) appends to
# X-Forwarded-For; with none trusted, REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)
)
# Sign-up, log-in by code and password reset answer alike whether or not the
# number or address has an account: only its owner learns it, by SMS or mail.
ACCOUNT_PREVENT_ENUMERATION = True

# Internationalisation
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files and uploads
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploads only a view may hand out (qunxian.private_media), never a URL.
    "private": {"BACKEND": "qunxian.private_media.PrivateMediaStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT.")
# Set behind nginx: its `internal` location aliased to PRIVATE_MEDIA_ROOT.
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Map tiles: the page works without them (markers and a list link remain).
MAP_TILE_URL = os.environ.get(
    "MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
MAP_CENTER = (29.952, 122.300)  # 沈家门, the district seat
# The district with its islands, as south-west and north-east corners (lat, lng):
# an imported venue outside it is a typo or swapped coordinates.
DISTRICT_BOX = ((29.5, 121.9), (30.4, 122.9))


def tile_origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


# Only our own scripts and styles; map tiles from their configured host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security: on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "群团e家 <noreply@localhost>")

# Text messages: a dotted path to a backend class (see qunxian/sms.py):
# qunxian.sms.ConsoleBackend (the log) or qunxian.sms.AliyunBackend.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "qunxian.sms.ConsoleBackend")
# Each message's template code at the provider, from SMS_TEMPLATE_<NAME>
# (e.g. SMS_TEMPLATE_LOGIN_CODE=SMS_123456789). The comment says the
# template's variables; their values are strings.
SMS_TEMPLATES = {
    name: os.environ.get(f"SMS_TEMPLATE_{name.upper()}", "")
    for name in (
        "login_code",  # ${code}: a log-in code
        "verify_code",  # ${code}: verifies a number, or resets a password
        "account_exists",  # none: a sign-up tried a number that has an account
        "booking_update",  # ${title}: a booking was decided, cancelled, missed
        "reminder",  # ${title}: a booking or activity is coming up
        "feedback_reply",  # ${title}: feedback or a review was answered
        "activity_news",  # ${title}: an activity changed
        "membership_update",  # ${title}: a membership application moved
        "volunteer_update",  # ${title}: a help request, service order or points
        "proposal_update",  # ${title}: a suggestion or proposal moved
        "manager_alert",  # ${title}: something to handle
        "manager_digest",  # ${count}: the day's things to handle
    )
}
# Aliyun SMS: an AccessKey allowed dysmsapi:SendSms, and an approved sign name.
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
ALIYUN_SMS_REGION = os.environ.get("ALIYUN_SMS_REGION", "cn-hangzhou")
ALIYUN_SMS_ENDPOINT = os.environ.get(
    "ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"
)

# Notifications (qunxian/delivery.py): the inbox at once, e-mail and text
# messages from a task, retried after each of these delays (minutes), then
# shown as failed in the console.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DELIVERY_RETRY_MINUTES = [1, 5, 30, 120]
DELIVERY_MAX_ATTEMPTS = len(DELIVERY_RETRY_MINUTES) + 1
# No text message reaches a phone between these hours (local time, Asia/Shanghai);
# one made then waits until the end. Log-in codes do not go through here.
SMS_QUIET_HOURS = (22, 7)
# Background tasks (django-tasks): rows in the database, run by
# `manage.py db_worker`; on Redis through RQ (`manage.py rqworker`) when
# REDIS_URL is set.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What `manage.py send_reminders` runs (cron, every 5 minutes), in order: each
# takes `now` and is safe to run again.
PERIODIC_JOBS = [
    "bookings.services.bookings_mark_no_shows",
    "bookings.services.booking_reminders_send",
    "activities.services.signup_reminders_send",
    "feedback.services.feedback_alerts_send",
    "representatives.services.proposal_alerts_send",
    "qunxian.services.deliveries_requeue",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Bookings and activity sign-ups: check-in opens this long before the start.
CHECK_IN_OPENS_MINUTES = int(os.environ.get("CHECK_IN_OPENS_MINUTES", 30))

# Bookings: after this many no-shows within the window, requests need approval.
NO_SHOW_LIMIT = int(os.environ.get("NO_SHOW_LIMIT", 3))
NO_SHOW_WINDOW_DAYS = int(os.environ.get("NO_SHOW_WINDOW_DAYS", 60))

# Feedback: deadlines for accepting and resolving an appeal, in days.
APPEAL_ACCEPT_DAYS = int(os.environ.get("APPEAL_ACCEPT_DAYS", 2))
APPEAL_RESOLVE_DAYS = int(os.environ.get("APPEAL_RESOLVE_DAYS", 7))
REVIEW_WALK_IN_INTERVAL_DAYS = 30

# Proposals (提案) to a workers' congress: co-signers needed to submit one, the
# department's deadline and its one extension, in months, and how long it has
# to send back a proposal that is not its own, in days.
PROPOSAL_MIN_COSIGNERS = int(os.environ.get("PROPOSAL_MIN_COSIGNERS", 2))
PROPOSAL_ANSWER_MONTHS = int(os.environ.get("PROPOSAL_ANSWER_MONTHS", 3))
PROPOSAL_EXTENSION_MONTHS = int(os.environ.get("PROPOSAL_EXTENSION_MONTHS", 1))
PROPOSAL_SEND_BACK_DAYS = int(os.environ.get("PROPOSAL_SEND_BACK_DAYS", 10))
# Membership (入会): the district union, which takes applications made without
# a venue and the overdue ones; the union's deadline to answer, in working
# days; how long a fast-track list counts, and a membership without activity
# stays valid, in days.
MEMBERSHIP_DISTRICT_UNION = os.environ.get("MEMBERSHIP_DISTRICT_UNION", "普陀区总工会")
MEMBERSHIP_ANSWER_WORKING_DAYS = int(
    os.environ.get("MEMBERSHIP_ANSWER_WORKING_DAYS", 3)
)
MEMBERSHIP_FAST_TRACK_DAYS = int(os.environ.get("MEMBERSHIP_FAST_TRACK_DAYS", 90))
MEMBERSHIP_LAPSE_DAYS = int(os.environ.get("MEMBERSHIP_LAPSE_DAYS", 365))

# 服务先锋指数: its weights and prior are versioned rows an admin edits in the
# console (feedback.models.IndexWeights), not settings.

# 选址分析: each category's service circle (the 15-minute circle, GB 50180-2018:
# 800–1,000 m on foot), in metres; a category not named gets the default.
SITING_RADIUS_M = {"outdoor_station": 1000}
SITING_DEFAULT_RADIUS_M = 1000
# Demand counts wait this long in the process that counted them (venues/demand.py).
DEMAND_WRITE_SECONDS = 10
SITING_PERIOD_DAYS = 30  # the demand the nightly snapshot is computed from
SITING_MAX_K = 5  # suggestions are computed for 1 … this many new sites
# The solver's time for a whole run, shared by every category and k.
SITING_SOLVER_SECONDS = float(os.environ.get("SITING_SOLVER_SECONDS", 6))
# Above this many candidate cells the solver chooses among those that alone
# cover the most (and greedy's picks): a model small enough to solve.
SITING_SOLVER_CANDIDATES = 1000
