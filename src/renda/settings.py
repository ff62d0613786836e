"""One env-driven settings file (healthchecks style).

Every value comes from the environment (or a file named by ``<NAME>_FILE`` for
secrets) with a default that works on a single machine with SQLite.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def envstr(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return envstr(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(envstr(name, str(default)))


DATA_DIR = Path(envstr("RENDA_DATA_DIR", str(REPO_DIR / "data"))).resolve()
# pytest sets PYTEST_VERSION; tests then use in-process tasks and fast hashing.
TESTING = envbool("RENDA_TESTING") or "PYTEST_VERSION" in os.environ


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    # A stable per-installation key kept in the data directory, so a fresh
    # machine works without set-up and sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    from django.core.management.utils import get_random_secret_key

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = envstr("RENDA_SITE_NAME", "数字人大 · 代表履职平台")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "renda.core",
    "renda.registry",
    "renda.handling",
    "renda.opinions",
    "renda.suggestions",
    "renda.reception",
    "renda.activities",
    "renda.circle",
    "renda.reportback",
    "renda.ledgers",
    "renda.notices",
    "renda.insight",
    "renda.similar",
    "renda.analysis",
    "renda.public",
    "renda.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "renda.urls"
WSGI_APPLICATION = "renda.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"

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
                "renda.core.context_processors.site",
            ],
        },
    }
]

# --- Database: SQLite (WAL) in the data directory unless DATABASE_URL is set.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("RENDA_SQLITE_PATH", str(DATA_DIR / "renda.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords: argon2 first (existing hashes of other kinds still verify).
PRODUCTION_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
    if TESTING
    else PRODUCTION_PASSWORD_HASHERS
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login throttling (django-axes): lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = envint("RENDA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("RENDA_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "console/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Language and time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files. Front-end libraries come from npm (package.json
# + lockfile) and are served from our own static files: no CDN.
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("RENDA_STATIC_ROOT", str(DATA_DIR / "static")))
NODE_MODULES = Path(envstr("RENDA_NODE_MODULES", str(REPO_DIR / "node_modules")))
STATICFILES_DIRS = [
    BASE_DIR / "static",  # our own CSS/JS (the ``renda`` package is not an installed app)
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("RENDA_MEDIA_ROOT", str(DATA_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
RENDA_MAX_PHOTO_BYTES = envint("RENDA_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
RENDA_MAX_IMPORT_BYTES = envint("RENDA_MAX_IMPORT_BYTES", 20 * 1024 * 1024)

# --- Background work: Django's Tasks API (django-tasks backport), database worker.
TASKS = {
    "default": {
        "BACKEND": envstr(
            "RENDA_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Security headers.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("RENDA_HTTPS")
CSRF_COOKIE_SECURE = envbool("RENDA_HTTPS")
SESSION_COOKIE_AGE = envint("RENDA_SESSION_HOURS", 12) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("RENDA_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

# --- Map: no internet by default; a tile server may be configured (e.g. 天地图).
RENDA_MAP_TILE_URL = envstr("RENDA_MAP_TILE_URL", "")
RENDA_MAP_TILE_ATTRIBUTION = envstr("RENDA_MAP_TILE_ATTRIBUTION", "")
# Leaflet's "{s}" in the URL picks one of these sub-domains (天地图: t0…t7 → "01234567").
_subdomains = envstr("RENDA_MAP_TILE_SUBDOMAINS", "abc")
RENDA_MAP_TILE_SUBDOMAINS = _subdomains.split(",") if "," in _subdomains else list(_subdomains)
_tile_host = RENDA_MAP_TILE_URL.split("/")[2] if RENDA_MAP_TILE_URL.count("/") >= 2 else ""
_tile_hosts = [_tile_host.replace("{s}", s) for s in RENDA_MAP_TILE_SUBDOMAINS] if "{s}" in _tile_host else [_tile_host]
_tile_src = [f"{scheme}://{host}" for host in _tile_hosts if host for scheme in ("https", "http")]

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_src],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("RENDA_LOG_LEVEL", "WARNING")},
}

# Console pagination.
RENDA_PAGE_SIZE = envint("RENDA_PAGE_SIZE", 30)

# --- Handling (民意直通车 and, later, 代表建议): calendar, windows, notifications.
RENDA_HOLIDAYS = envstr("RENDA_HOLIDAYS", "")  # extra days off, e.g. "2027-01-01,2027-01-02"
RENDA_WORKDAYS = envstr("RENDA_WORKDAYS", "")  # extra working days (调休)
RENDA_REMIND_BEFORE_HOURS = envint("RENDA_REMIND_BEFORE_HOURS", 24)
RENDA_TICK_SECONDS = envint("RENDA_TICK_SECONDS", 60)  # how often the worker checks deadlines
# Opinions are acknowledged once stored; the worker registers them (case, deadline, notices) every
# RENDA_INTAKE_SECONDS. Inline = register inside the submission itself (tests; a site without a worker).
RENDA_INTAKE_INLINE = envbool("RENDA_INTAKE_INLINE", str(TESTING))
RENDA_INTAKE_SECONDS = envint("RENDA_INTAKE_SECONDS", 1)
RENDA_WORKER_NICE = envint("RENDA_WORKER_NICE", 10)  # the worker yields the CPU to web requests (0 = off)

# --- Duty work and 研判 (read where used; set here so the environment reaches them).
RENDA_APPRAISAL_RATE_IP = envstr("RENDA_APPRAISAL_RATE_IP", "30/hour")  # 述职评议 online votes per IP
RENDA_REPLY_MIN_CHARS = envint("RENDA_REPLY_MIN_CHARS", 40)  # a reply shorter than this is flagged 过短
RENDA_REPLY_MIN_COVERAGE = float(envstr("RENDA_REPLY_MIN_COVERAGE", "0.2"))  # share of key points a reply must touch
RENDA_REPLY_TEMPLATE_CASES = envint("RENDA_REPLY_TEMPLATE_CASES", 2)  # same text in this many other cases = 套话
RENDA_REPLY_LATE_WORKING_DAYS = envint("RENDA_REPLY_LATE_WORKING_DAYS", 15)  # late when no deadline is recorded
RENDA_SIMILAR_DAYS = envint("RENDA_SIMILAR_DAYS", 90)  # how far back near-duplicates are searched
RENDA_SIMILAR_MIN = float(envstr("RENDA_SIMILAR_MIN", "0.3"))  # minimum estimated similarity shown
RENDA_SIMILAR_RATE_IP = envstr("RENDA_SIMILAR_RATE_IP", "240/hour")  # citizen form look-ups per IP
RENDA_HOTSPOT_DAYS = envint("RENDA_HOTSPOT_DAYS", 30)  # reports further apart do not join one hotspot
RENDA_HOTSPOT_RISE = envint("RENDA_HOTSPOT_RISE", 3)  # new reports in 7 days that make a hotspot "rising"
RENDA_PRIVATE_ROOT = envstr("RENDA_PRIVATE_ROOT", "") or None  # never served directly; default data/private
RENDA_RANKING_MIN_EVALUATED = envint("RENDA_RANKING_MIN_EVALUATED", 10)
RENDA_SUGGESTION_RETURN_DAYS = envint("RENDA_SUGGESTION_RETURN_DAYS", 7)  # working days a unit may return a suggestion
RENDA_MAX_ATTACHMENT_BYTES = envint("RENDA_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)  # suggestion PDFs/images
RENDA_SMS_BACKEND = envstr("RENDA_SMS_BACKEND", "renda.core.sms.LoggingBackend")
RENDA_PUBLIC_BASE_URL = envstr("RENDA_PUBLIC_BASE_URL", "")  # e.g. https://renda.example.gov.cn, for QR codes

# --- 民意直通车 public intake: rate limits ("count/period", period s/m/h/d, e.g. "5/10m"; 0/… = unlimited).
# Behind a reverse proxy set RENDA_TRUSTED_PROXY=1 so the client IP is read from X-Forwarded-For.
RENDA_TRUSTED_PROXY = envbool("RENDA_TRUSTED_PROXY")
RENDA_OPINION_RATE_IP = envstr("RENDA_OPINION_RATE_IP", "20/hour")  # submissions per IP
RENDA_OPINION_RATE_PHONE = envstr("RENDA_OPINION_RATE_PHONE", "5/hour")  # submissions per phone
RENDA_SMS_RATE_PHONE = envstr("RENDA_SMS_RATE_PHONE", "5/hour")  # verification codes per phone
RENDA_SMS_RATE_IP = envstr("RENDA_SMS_RATE_IP", "20/hour")  # verification codes per IP
RENDA_TRACK_RATE_IP = envstr("RENDA_TRACK_RATE_IP", "30/hour")  # tracking look-ups per IP
