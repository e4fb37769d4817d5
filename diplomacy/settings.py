"""Settings for Track II Atlas, read from the environment.

Development needs no variable at all. With DJANGO_DEBUG off, DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS must be set, and start-up stops with a clear message when they are not.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=0 the app needs a secret key from "
            "the environment, for example: "
            "export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
        )
    # Development only: a fresh key per process, never a fixed one in the code.
    SECRET_KEY = "dev-insecure-" + os.urandom(32).hex()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. With DJANGO_DEBUG=0 list the host names the site "
        "answers to, comma-separated, for example: DJANGO_ALLOWED_HOSTS=atlas.example.org"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files under runserver too, as in production (before staticfiles).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    "csp",
    "diplomacy.apps.LoginAttemptsConfig",  # django-axes, named for what it holds
    # The request throttle (diplomacy.limits.throttle); its checks of the cache are below.
    "django_ratelimit",
    "programs",
]

MIDDLEWARE = [
    # Outermost, so that every answer carries it: static files, redirects to https, refusals.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files, before any middleware that would do work for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy on every answer of the app, whatever middleware answered it;
    # static files are not pages and go without.
    "csp.middleware.CSPMiddleware",
    # Before anything that reads the database: the admin's requests run without the web
    # server's statement and lock time-outs; a public query cut off by them answers 503.
    "diplomacy.limits.LimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "programs.maintenance.MaintenanceMiddleware",  # 503 "back soon" while a restore runs, before any query
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a logged-in user are theirs alone: no shared cache may keep them.
    "diplomacy.security.private_for_users",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which user made each change, for the history of every curated record.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diplomacy.urls"

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

WSGI_APPLICATION = "diplomacy.wsgi.application"

# DATABASE_URL selects the database; the default is an SQLite file at the repository root.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
        # Several checkouts may share one PostgreSQL server: DJANGO_TEST_DATABASE_NAME names the
        # database the tests create (Django's default: test_ and the database's name).
        test_options={"NAME": os.environ["DJANGO_TEST_DATABASE_NAME"]}
        if os.environ.get("DJANGO_TEST_DATABASE_NAME")
        else None,
    )
}

# Typo tolerance of search (programs.search): a name matches a query word-similar to it at
# least this much ("Dartmuth" → "Dartmouth Conference"). PostgreSQL's default, 0.6, misses
# one-letter typos in short words. SQLite applies the same measure and threshold.
ATLAS_NEAR_MISS = 0.55

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling a page's statements (40–60 ms each, measured in bench/RESULTS.md) costs
    # more than it saves on queries meant to answer in milliseconds.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c pg_trgm.word_similarity_threshold={ATLAS_NEAR_MISS} -c jit=off"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------------------------
# Security
#
# Development (DEBUG on, plain http) keeps Django's usual cookie names and no HTTPS redirect.
# Production (DEBUG off) is HTTPS only: every response carries HSTS and the headers below, cookies
# are Secure and named with the __Host- prefix, and plain-http requests are redirected. Behind a
# reverse proxy that ends TLS, DJANGO_SECURE_PROXY_SSL_HEADER names the header through which it
# tells Django the request came in over https (e.g. X-Forwarded-Proto). See "Running in
# production" in the README.

HTTPS = not DEBUG
SILENCED_SYSTEM_CHECKS = []

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
if HTTPS and not SECURE_SSL_REDIRECT:
    # DJANGO_SECURE_SSL_REDIRECT=0 says the proxy in front redirects plain http itself: the deploy
    # check's warning that Django does not (security.W008) is then answered.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
# Health probes of a load balancer come over plain http from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]

_proxy_ssl_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    # "X-Forwarded-Proto" or "HTTP_X_FORWARDED_PROTO": trusted only when the proxy always sets it.
    _meta_key = _proxy_ssl_header.upper().replace("-", "_")
    if not _meta_key.startswith("HTTP_"):
        _meta_key = "HTTP_" + _meta_key
    SECURE_PROXY_SSL_HEADER = (_meta_key, "https")

SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Only announces consent; a domain enters browsers' preload lists when its owner submits it.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Browsers accept a __Host- cookie only when it is Secure, for path / and without a domain.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy (django-csp 4) on every response, the admin's included: no inline
# script or style, nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The one style attribute of django-simple-history's history page ("border-top: 0"),
        # allowed by its hash rather than allowing every inline style.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed logins (django-axes, with the handler in diplomacy.security): failures are counted per
# account and address, per address and per account, each with its own limit, until
# ATLAS_LOGIN_COOLOFF_MINUTES pass without a new one. A few tries per account from one address;
# more per address (a shared office); many per account from everywhere, which does not lock the
# addresses the account has logged in from. A successful login clears only its own account's
# failures from its own address. See "Accounts" in the README for the trade-off.
LOGIN_LIMITS = {
    "account_and_address": int(os.environ.get("ATLAS_LOGIN_FAILURE_LIMIT", "5")),
    "address": int(os.environ.get("ATLAS_LOGIN_ADDRESS_LIMIT", "20")),
    "account": int(os.environ.get("ATLAS_LOGIN_ACCOUNT_LIMIT", "30")),
}
AXES_HANDLER = "diplomacy.security.LoginThrottleHandler"
AXES_FAILURE_LIMIT = LOGIN_LIMITS["account_and_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ATLAS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Behind N reverse proxies, the client's address is the Nth entry from the right of
# X-Forwarded-For (the ones further left are whatever the client sent).
ATLAS_PROXY_COUNT = int(os.environ.get("ATLAS_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "diplomacy.security.client_ip"

# After logging in without (or with a refused) ?next=, curators land on the admin's index.
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user name or address is refused before any password check.
    "diplomacy.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Errors reach the server's log (stderr) in production too, where Django would only mail them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"}},
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static files
#
# WhiteNoise serves them from STATIC_ROOT, filled by `manage.py collectstatic` (`make serve` runs
# it). With debug off their names carry a hash of their content and they are stored compressed,
# so browsers may cache them for ever; in development and tests plain names need no collecting.

STATIC_URL = "static/"
# Where collectstatic puts them (DJANGO_STATIC_ROOT: a folder per host, or per test run).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ---------------------------------------------------------------------------------------------
# Serving
#
# `make serve` runs gunicorn with DEBUG off and DJANGO_CONN_MAX_AGE=600: each worker keeps its
# database connection (checked before reuse, see DATABASES) instead of opening one per request.
# Templates go through the cached loader, which Django enables when OPTIONS has no "loaders".
#
# The cache holds figures that are costly to compute (facet counts, the home page's figures;
# programs.caching), whole public pages and the throttle's counts, in three aliases:
#
# - "default": figures and the throttle's counts;
# - "pages": whole pages (programs.caching.cached_page), so that many pages culled never take
#   the figures with them, nor the figures the pages;
# - "generation": the data's generation alone, never culled: every key of the other two carries it.
#
# Embedded (the default), the workers of one host share them through files in DJANGO_CACHE_DIR.
# Several hosts share them through one Redis server: CACHE_URL=redis://host:6379/0 (Django's own
# Redis backend; DJANGO_REDIS_URL is its former name). Every host of one site must then have the
# same CACHE_URL and the same key prefix: CACHE_KEY_PREFIX, by default derived from the database's
# engine, host, port and name, so the same DATABASE_URL on every host (or the same prefix).
# DJANGO_CACHE=off turns caching off (to measure without it; the throttle then counts nothing).
CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR") or BASE_DIR / ".cache")
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("DJANGO_REDIS_URL", "")
# Keys of one database: two instances that share a cache never show each other's data.
CACHE_KEY_PREFIX = (
    os.environ.get("CACHE_KEY_PREFIX")
    or hashlib.sha256(
        "|".join(
            str(DATABASES["default"].get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME")
        ).encode()
    ).hexdigest()[:12]
)
CACHE_ALIASES = {"default": 10_000, "pages": 20_000, "generation": None}  # alias → most entries kept
if not env_bool("DJANGO_CACHE", True):
    CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHE_ALIASES}
elif CACHE_URL.split(":", 1)[0] in {"redis", "rediss", "unix"}:
    # One server, one key space per alias. Redis evicts keys only under a maxmemory policy; the
    # generation has no expiry, so a volatile-* policy (volatile-lru) never evicts it.
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{alias}",
        }
        for alias in CACHE_ALIASES
    }
elif CACHE_URL:
    raise ImproperlyConfigured(
        f"CACHE_URL must name a Redis server (redis://host:6379/0, rediss://…, unix://…), not {CACHE_URL!r}; "
        "leave it unset for the embedded file cache."
    )
else:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR if alias == "default" else CACHE_DIR / alias,
            # One key, never culled (a cull drops a third of the entries, whichever they are).
            "OPTIONS": {"MAX_ENTRIES": most or 1_000_000},
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
        for alias, most in CACHE_ALIASES.items()
    }

# The whole-table CSV, made once per generation of the data (programs.export.generation_file),
# one copy per host.
EXPORT_DIR = Path(os.environ.get("ATLAS_EXPORT_DIR") or CACHE_DIR / "exports")

# ---------------------------------------------------------------------------------------------
# Bounded work per request (diplomacy/limits.py; "Running in production" in the README)
#
# The web server's PostgreSQL connections (diplomacy/wsgi.py) end a statement after
# ATLAS_STATEMENT_TIMEOUT_MS and stop waiting for a lock after ATLAS_LOCK_TIMEOUT_MS; a public
# page whose query is cut off answers 503 ("too broad to answer quickly; narrow it", or "being
# updated" for a lock). The admin and management commands are not bounded; SQLite has no
# statement time-out. 0 turns a limit off.
DATABASE_LIMITS = {
    "statement_timeout": int(os.environ.get("ATLAS_STATEMENT_TIMEOUT_MS", "2000")),
    "lock_timeout": int(os.environ.get("ATLAS_LOCK_TIMEOUT_MS", "1000")),
}
# Requests that stay expensive, per client address (diplomacy.security.client_ip) and period:
# search and list pages not answered from the cache, and CSV exports of a result set not kept in
# it (the whole table comes from a file). "30/m" is 30 a minute (also /s, /h, /d); empty: none.
THROTTLES = {
    "search": os.environ.get("ATLAS_THROTTLE_SEARCH", "30/m") or None,
    "csv": os.environ.get("ATLAS_THROTTLE_CSV", "10/m") or None,
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "diplomacy.security.client_ip"
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's own Redis cache increments atomically (INCR); django-ratelimit 4.1's list of
    # supported caches predates it (jsocol/django-ratelimit#283).
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
else:
    # One host's file cache is shared by its workers but increments by reading, then writing:
    # two requests of one client at the same instant may be counted once. Close enough for one
    # host; several hosts need CACHE_URL anyway, to share the cache at all.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Where `make release` writes the data releases that /data/ lists (programs.release).
ATLAS_RELEASES_DIR = Path(os.environ.get("ATLAS_RELEASES_DIR") or BASE_DIR / "releases")
