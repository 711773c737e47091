"""Settings for every environment, read from the process environment (twelve-factor).

This is the only module that reads ``os.environ``. ``DJANGO_ENV`` picks the profile:

* ``development`` (default): DEBUG on, SQLite, console e-mail, database search backend.
* ``production``: ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given; HTTPS-only cookies,
  HSTS, hashed static files. ``manage.py check --deploy`` is clean with it.

Every other variable has a safe development default; see README.md for the list. The test
runner's settings are another module, ``site_config.settings_test``, which servers refuse.
"""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    """The variable's value; an empty one counts as unset."""
    return os.environ.get(name, "").strip() or default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def _env_list(name: str, default: list[str]) -> list[str]:
    value = _env(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


ENVIRONMENT = _env("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development or production, not {ENVIRONMENT!r} (the test "
        "runner's settings are site_config.settings_test)"
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = _env_bool("DEBUG", ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")

SECRET_KEY = _env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        # Only ever used on a developer's machine; production refuses to start.
        SECRET_KEY = "development-only-insecure-key-never-used-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )

if not DEBUG and ENVIRONMENT == "development":
    # Secure cookies, HSTS and hashed static files hang on DJANGO_ENV=production: a server
    # started with only DEBUG=false would silently run without them.
    raise ImproperlyConfigured("DEBUG is off: set DJANGO_ENV=production")

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated)")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

# Public address of the site, used in e-mails and Wagtail admin notifications.
BASE_URL = _env("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL


# Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    # Project apps first, so their templates and translations win over third-party ones.
    "site_config",
    "kb",
    "forum",
    "support",
    "team",
    "insights",
    "anymail",
    "search",
    # Wagtail and translation workflow
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    # Background work
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so every log line and error report of the request carries its id.
    "site_config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "site_config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "site_config.middleware.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After CSRF, which reads a form POST first: form fields without control characters.
    "site_config.middleware.CleanInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so every header and cookie above still applies to a page served from the cache.
    "kb.page_cache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "site_config.context_processors.brand",
            ],
        },
    },
]


# Data ---------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=_env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a task writes; a short busy timeout instead of
    # "database is locked" errors under the browser tests' concurrent requests. IMMEDIATE:
    # a transaction takes the write lock when it begins, so two requests that write at once
    # wait for each other; a deferred one fails at once when both try to upgrade their read
    # locks ("database is locked": a double submit answered 500).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _env("REDIS_URL")


def redis_caches(url: str, *, key_prefix: str = "helpcenter") -> dict:
    """CACHES for Redis at ``url`` (the tests configure the same through this).

    django-redis: each thread's cache object makes one ``redis.Redis`` on first use and
    keeps it, and every client of a process shares one connection pool per URL, so a
    cache call builds nothing. kb.view_counts takes the raw client with
    ``django_redis.get_redis_connection``.

    A Redis outage never blocks a page or a save: the cache ignores Redis's errors (a get
    is a miss, a set is lost, an incr answers None; each is logged), and a Redis that
    stops answering costs a call at most the socket timeout. Sessions are kept in the
    database and read through this cache (``cached_db``), so an outage signs nobody out
    and a first vote or contact form still gets its session
    (tests/site_config/test_redis_outage.py).
    """
    options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    # Both aliases share one pool (django-redis keys pools by URL): the same options.
    common = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": 300,
    }
    return {"default": {**common, "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True}}}


# The errors "default" ignores are logged (logger django_redis.cache), so an outage shows.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    # Rate-limit counters live in Redis so every app instance sees the same; sessions are in
    # the database (which every instance shares), read through Redis.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "helpcenter",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_task_backend = _env("TASKS_BACKEND", "database" if PRODUCTION else "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# The search engine: "database" (the embedded default), "elasticsearch" or "opensearch".
# Empty: the one whose URL is set, else the database. With an engine, the database backend
# is kept too and answers whenever the engine cannot.
SEARCH_ENGINES = ("database", "elasticsearch", "opensearch")
SEARCH_ENGINE = _env("SEARCH_ENGINE").lower()
ELASTICSEARCH_URL = _env("ELASTICSEARCH_URL")
OPENSEARCH_URL = _env("OPENSEARCH_URL")
if SEARCH_ENGINE and SEARCH_ENGINE not in SEARCH_ENGINES:
    raise ImproperlyConfigured(f"SEARCH_ENGINE must be one of {', '.join(SEARCH_ENGINES)}")
if SEARCH_ENGINE == "elasticsearch" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL")
if SEARCH_ENGINE == "opensearch" and not OPENSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_ENGINE=opensearch needs OPENSEARCH_URL")
if not SEARCH_ENGINE and ELASTICSEARCH_URL and OPENSEARCH_URL:
    raise ImproperlyConfigured(
        "ELASTICSEARCH_URL and OPENSEARCH_URL are both set: say which with SEARCH_ENGINE"
    )
# Shared by both engines (the ELASTICSEARCH_* names of earlier releases still work).
SEARCH_INDEX_PREFIX = _env("SEARCH_INDEX_PREFIX") or _env(
    "ELASTICSEARCH_INDEX_PREFIX", "helpcenter"
)
# Seconds a visitor's search waits for the engine before the database answers instead.
SEARCH_TIMEOUT = float(_env("SEARCH_TIMEOUT") or _env("ELASTICSEARCH_TIMEOUT", "2"))
# 0 suits a single node (development, the compose file); a cluster wants at least 1.
SEARCH_REPLICAS = _env_int("SEARCH_REPLICAS", _env_int("ELASTICSEARCH_REPLICAS", 0))
# The search log (queries without personal data) is kept this long for the reports, then
# deleted by `manage.py purge_search_log` (the scheduler in deploy/ runs it hourly).
SEARCH_LOG_RETENTION_DAYS = _env_int("SEARCH_LOG_RETENTION_DAYS", 90)
# While a source's index task waits in the queue (at most this long), later changes to it
# queue nothing more (search/tasks.py). The mark is in the cache and the worker clears it,
# so only with a cache the worker shares (Redis); 0 turns it off.
SEARCH_QUEUED_SECONDS = 60 if REDIS_URL else 0

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}


# E-mail -------------------------------------------------------------------------------------

_email = dj_email_url.parse(_env("EMAIL_URL", "console:"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 10
if _email.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
# A provider's API instead of SMTP: EMAIL_BACKEND=anymail.backends.postmark.EmailBackend
# (or .mailgun.), with its key below. Its inbound webhooks: support.webhooks.
EMAIL_BACKEND = _env("EMAIL_BACKEND", EMAIL_BACKEND)
ANYMAIL = {
    name: value
    for name, value in {
        "WEBHOOK_SECRET": _env("ANYMAIL_WEBHOOK_SECRET"),
        "POSTMARK_SERVER_TOKEN": _env("POSTMARK_SERVER_TOKEN"),
        "MAILGUN_API_KEY": _env("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": _env("MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_WEBHOOK_SIGNING_KEY": _env("MAILGUN_WEBHOOK_SIGNING_KEY"),
    }.items()
    if value
}
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", "Help Center <help@example.com>")
SERVER_EMAIL = _env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Errors: to Sentry when SENTRY_DSN is set (site_config.observability; no personal data),
# else by e-mail to ADMINS ("Name <address>" or addresses, comma-separated), which Django's
# mail_admins sends for every server error when DEBUG is off.
SENTRY_DSN = _env("SENTRY_DSN")
ADMINS = [] if SENTRY_DSN else [parseaddr(admin) for admin in _env_list("ADMINS", [])]
if SENTRY_DSN:
    from site_config.observability import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=_env("SENTRY_ENVIRONMENT", ENVIRONMENT),
        release=_env("SENTRY_RELEASE"),
        traces_sample_rate=float(_env("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )


# Accounts (django-allauth, e-mail as the login) ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_ADAPTER = "site_config.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "site_config.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory verification is what lets allauth answer a sign-up with a taken address exactly
# as it answers a new one (no account enumeration); posting also checks it (forum.permissions).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset for an address without an account sends nothing (the page says the same
# either way): otherwise anyone could have the shop e-mail any address they type.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's rate limits are on by default; they count in the cache, which is Redis in
# production so that limits hold across workers.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/180s/key",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# One login for everyone: the Wagtail admin sends editors through allauth (rate limited).
WAGTAILADMIN_LOGIN_URL = "wagtail_login_redirect"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Passwords and e-mail addresses are managed in one place, allauth's account pages.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# How many proxies (load balancer, CDN) stand in front of the app and append to
# X-Forwarded-For: rate limits must count the visitor's address, not the balancer's.
ALLAUTH_TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)


# Languages ----------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
# Dates in English are written one way for every reader (site_config/formats/en).
FORMAT_MODULE_PATH = ["site_config.formats"]
LANGUAGES = [
    ("en", "English"),
    ("tr", "Türkçe"),
    ("de", "Deutsch"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = _env("TIME_ZONE", "UTC")
LANGUAGE_COOKIE_NAME = "helpcenter_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# "Translate this page" must not publish the source's text as the translation (wagtail-
# localize's default publishes at once when the source is live): a translation goes live
# when its translator publishes it. Until then readers see the original with the "not yet
# in your language" notice (kb.selectors.translation_in_progress).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False


# Wagtail ------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = _("Help Center")

# Support requests: what an order number looks like in this shop (a regular expression on
# the number as typed, upper-cased), and the hint shown when one does not.
SUPPORT_ORDER_NUMBER_PATTERN = _env("SUPPORT_ORDER_NUMBER_PATTERN", r"(NL-)?\d{6,10}")
SUPPORT_ORDER_NUMBER_HINT = _(
    "An order number looks like NL-1234567: you find it in your order confirmation."
)
# A contact message with more web addresses than this is refused as spam.
SUPPORT_MAX_LINKS = _env_int("SUPPORT_MAX_LINKS", 5)
# The team hears once when a request's first answer is due within this many minutes, or
# overdue (``manage.py support_due_warnings``, every minute in deploy/).
SUPPORT_DUE_WARNING_MINUTES = _env_int("SUPPORT_DUE_WARNING_MINUTES", 30)
# An invitation to join the team works this many days (team.services).
TEAM_INVITATION_DAYS = _env_int("TEAM_INVITATION_DAYS", 7)
# Attachments to a support request: photos and PDFs (``support.attachments``).
SUPPORT_ATTACHMENTS_MAX_COUNT = _env_int("SUPPORT_ATTACHMENTS_MAX_COUNT", 5)
SUPPORT_ATTACHMENT_MAX_BYTES = _env_int("SUPPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# E-mail in and out for support requests (README: "Incoming e-mail"). Replies reach the app
# at SUPPORT_REPLY_ADDRESS with the request's reference added after a "+"; empty: the team's
# e-mails ask customers to answer on the request page instead.
SUPPORT_REPLY_ADDRESS = _env("SUPPORT_REPLY_ADDRESS", "")
SUPPORT_INBOUND_MAX_BYTES = _env_int("SUPPORT_INBOUND_MAX_BYTES", 40 * 1024 * 1024)
# SVG for the brand's logo and favicon: only staff upload images, and the site shows them
# in <img>, which never runs an SVG's script.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx", "docx", "odt"]
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False


# Static and media ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(_env("STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files only the app may hand out (support attachments): outside MEDIA_ROOT, never served
# at a public address.
PRIVATE_MEDIA_ROOT = Path(_env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Object storage (README "Object storage"; site_config/storage.py): with S3_BUCKET, uploads
# live in S3-compatible buckets that every app instance shares, instead of the folders above.
# S3_BUCKET (public: images and renditions, unsigned addresses) and S3_PRIVATE_BUCKET (never
# public: Wagtail documents and guide videos, support attachments), handed out only by the
# app: attachments through its view, documents by a redirect to a link signed for
# S3_PRIVATE_URL_SECONDS. Static files stay with WhiteNoise.
S3_BUCKET = _env("S3_BUCKET")
S3_PRIVATE_BUCKET = _env("S3_PRIVATE_BUCKET")
S3_PRIVATE_URL_SECONDS = _env_int("S3_PRIVATE_URL_SECONDS", 120)
# Where the object storage answers browsers, for the Content-Security-Policy below.
_media_origins: list[str] = []
if S3_BUCKET:
    from botocore.config import Config as _S3ClientConfig

    if not S3_PRIVATE_BUCKET or S3_PRIVATE_BUCKET == S3_BUCKET:
        raise ImproperlyConfigured(
            "S3_BUCKET needs S3_PRIVATE_BUCKET: a second bucket, never public, for documents "
            "and support attachments"
        )
    _s3 = {
        # Empty: Amazon S3 itself, the credentials from boto3's chain (an instance role).
        "endpoint_url": _env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": _env("AWS_S3_REGION_NAME") or None,
        "access_key": _env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": _env("AWS_SECRET_ACCESS_KEY") or None,
        "client_config": _S3ClientConfig(
            signature_version="s3v4",
            s3={"addressing_style": _env("AWS_S3_ADDRESSING_STYLE", "auto")},
            # boto3's default checksums (CRC32 since 1.36) are refused by many S3-compatible
            # servers (S3Proxy, older MinIO and Ceph); Amazon S3 needs them only where required.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
        # Two uploads of the same name (two photos called IMG_0001.jpg) are two files.
        "file_overwrite": False,
    }
    # Each public object is uploaded readable by anyone; "none" where a bucket policy makes
    # the bucket public instead (Amazon S3 buckets that have ACLs turned off).
    _public_acl = _env("S3_PUBLIC_ACL", "public-read")
    STORAGES["default"] = {
        "BACKEND": "site_config.storage.MediaStorage",
        "OPTIONS": {
            "public": {
                **_s3,
                "bucket_name": S3_BUCKET,
                "default_acl": None if _public_acl == "none" else _public_acl,
                "querystring_auth": False,
                # A CDN in front of the public bucket (host name only), if any.
                "custom_domain": _env("S3_CUSTOM_DOMAIN") or None,
            },
            "private": "private",
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": S3_PRIVATE_BUCKET,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_PRIVATE_URL_SECONDS,
        },
    }
    # Wagtail's document view checks the document's privacy, then redirects to the signed
    # link (the bytes never pass through the app).
    WAGTAILDOCS_SERVE_METHOD = "redirect"
    if _env("S3_CUSTOM_DOMAIN"):
        _media_origins.append(f"https://{_env('S3_CUSTOM_DOMAIN')}")
    if _s3["endpoint_url"]:
        _media_origins.append(_s3["endpoint_url"].rstrip("/"))
WHITENOISE_MAX_AGE = 3600 if PRODUCTION else 0
# Outside production, serve straight from the source folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


# Security -----------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    # TLS ends at the load balancer, which says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer's health checks come in on plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy for the public site: no inline script, no third-party script.
# Object storage's own address is added: https: alone misses one served on plain HTTP.
_media = "".join(f" {origin}" for origin in _media_origins)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    f"img-src 'self' data: https:{_media}; "
    f"font-src 'self'; connect-src 'self'; media-src 'self' https:{_media}; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Proof of work on public forms (site_config/proof_of_work.py): while the form is filled in,
# the browser hashes with SHA-256 about half of PROOF_OF_WORK_MAX_NUMBER times (100,000: 0.6 s
# on average and 1.1 s at most in headless Chromium on two server cores; 4 s and 7 s with the
# CPU slowed four times, as an old phone), within PROOF_OF_WORK_SECONDS. The key signs the
# challenges; empty, it is derived from SECRET_KEY. The tests' settings keep the work small.
PROOF_OF_WORK_HMAC_KEY = _env("PROOF_OF_WORK_HMAC_KEY")
PROOF_OF_WORK_MAX_NUMBER = _env_int("PROOF_OF_WORK_MAX_NUMBER", 100_000)
PROOF_OF_WORK_SECONDS = _env_int("PROOF_OF_WORK_SECONDS", 20 * 60)


# Logging ------------------------------------------------------------------------------------

# One line per record, with the id of the request it came from (site_config.observability):
# JSON for log collectors (LOG_FORMAT=json, the production default) or plain text.
LOG_FORMAT = _env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "site_config.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "site_config.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # The engine clients log every request at INFO (opensearch-py also a curl line).
        "elastic_transport": {"level": "WARNING"},
        "opensearch": {"level": "WARNING"},
        "opensearchpy.trace": {"level": "WARNING"},
        # Per-task and per-page INFO lines drown what matters in the console.
        "django_tasks": {"level": "WARNING"},
        # A line per job run is the scheduler's own (site_config.schedule).
        "apscheduler": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}


# Knowledge base ----------------------------------------------------------------------------

# Whole pages kept for anonymous readers (kb.page_cache), renewed on any publish; 0 turns it
# off. What a page lists besides its own content (popular articles) may lag this long.
KB_PAGE_CACHE_SECONDS = _env_int("KB_PAGE_CACHE_SECONDS", 300)
# Article views are counted in the cache and added to the table this often (kb.view_counts);
# 0 writes each view at once (the tests' settings, where a query count must not depend on
# the clock).
KB_VIEW_FLUSH_SECONDS = _env_int("KB_VIEW_FLUSH_SECONDS", 60)

# Forum -------------------------------------------------------------------------------------

# A member is "new" for their first posts and first days: their posts wait for a moderator,
# may carry few links, and are limited more tightly. Established (forum.permissions.
# is_new_member): an account FORUM_NEW_MEMBER_DAYS old with FORUM_NEW_MEMBER_POSTS visible
# posts, or FORUM_ESTABLISHED_DAYS old whatever it posted; and, either way, no post of theirs
# hidden or rejected by a moderator, and no ban lifted, in FORUM_NEW_MEMBER_MODERATION_DAYS.
FORUM_NEW_MEMBER_POSTS = _env_int("FORUM_NEW_MEMBER_POSTS", 2)
FORUM_NEW_MEMBER_DAYS = _env_int("FORUM_NEW_MEMBER_DAYS", 2)
FORUM_ESTABLISHED_DAYS = _env_int("FORUM_ESTABLISHED_DAYS", 60)
FORUM_NEW_MEMBER_MODERATION_DAYS = _env_int("FORUM_NEW_MEMBER_MODERATION_DAYS", 30)
FORUM_NEW_MEMBER_MAX_LINKS = _env_int("FORUM_NEW_MEMBER_MAX_LINKS", 1)
# Posts (questions and replies) per member: (count, seconds) windows.
FORUM_POST_LIMITS = [(3, 60), (20, 3600)]
FORUM_NEW_MEMBER_POST_LIMITS = [(1, 60), (5, 3600)]
FORUM_EDIT_LIMITS = [(10, 60), (60, 3600)]
FORUM_VOTE_LIMITS = [(30, 60)]
FORUM_REPORT_LIMITS = [(10, 3600)]
# Official answers promoted to knowledge base drafts, per member of staff.
FORUM_PROMOTE_LIMITS = [(10, 60), (60, 3600)]
# Suggestions while typing and previews: per member (or address), generous for real typing.
FORUM_SUGGEST_LIMITS = [(60, 60)]
# Images in posts are shown only from these HTTPS hosts (and this site's media).
FORUM_IMAGE_HOSTS = _env_list("FORUM_IMAGE_HOSTS", [])
