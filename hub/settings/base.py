"""Settings shared by every environment.

Integrations are switched on by environment variables only: DATABASE_URL (PostgreSQL),
REDIS_URL (channel layer and cache), ELASTICSEARCH_URL (search) and the EMAIL_* variables.
Without them the platform runs embedded: SQLite in WAL mode, an in-memory channel layer,
database full-text search and e-mail written to files.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES
from django.utils.translation import gettext_lazy as _

from hub.settings.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_oidc_apps,
    env_str,
    env_tasks,
    env_trusted_proxies,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KOLLEGIUM_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For entries are believed: IP addresses, networks and `unix`
# (Daphne on a Unix socket). Every rate limit reads the client address through
# core/client_address.py; without proxies the header is ignored.
TRUSTED_PROXIES = env_trusted_proxies("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "daphne",
    "core",
    "hub",
    "discussions",
    "members",
    "peer_learning",
    "network",
    "search",
    "experts",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
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
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's list of security keys shows "added 3 days ago" with humanize.
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so a page served from it carries the policy too.
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hub.middleware.SiteLanguageMiddleware",
    "core.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.MFARequiredMiddleware",
    "members.middleware.TermsConsentMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"

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
                "hub.context_processors.navigation",
                "discussions.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite in WAL mode with immediate write transactions (no lock-upgrade deadlocks
# between concurrent writers), or PostgreSQL from DATABASE_URL.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default={
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kollegium.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        },
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"}, example="redis://host:6379/0")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kollegium",
        }
    }
    # Pub/sub: a group event is published once and reaches each subscribed process once; every
    # process subscribes to a group once and fans out to its own sockets (core/fanout.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "kollegium"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # All of the process's events share the fan-out's one channel; the default capacity of 100
    # would drop events silently when a busy channel sends hundreds at once.
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}
    }

# Search: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise. Wagtail's own
# admin search always stays on the database.
ELASTICSEARCH_URL = env_url(
    "ELASTICSEARCH_URL", schemes={"http", "https"}, example="http://host:9200"
)
# Index names start with the prefix; the content index is reached through the alias
# `<prefix>content`, so several sites (or test runs) share one cluster.
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "kollegium-")
SEARCH_INDEX_REPLICAS = env_int("SEARCH_INDEX_REPLICAS", 0, minimum=0)
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 5, minimum=1)
# New channel messages are indexed by a deferred task batch this many seconds after they are
# posted (`search.pending`; needs TASKS_BACKEND=database); None indexes each with its own task.
SEARCH_INDEX_DELAY: float | None = 1.0
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# "Meinten Sie …?" is offered only for queries with fewer hits than this: with enough hits the
# words were found and a correction would only lead away from them.
SEARCH_SUGGESTION_MAX_HITS = 5
# Queries with fewer hits than this are counted, per week and without who asked, for the
# editors' "Inhaltslücken" report (`search.gaps`); the counts are kept this many days.
SEARCH_GAP_MAX_HITS = 3
SEARCH_GAP_RETENTION_DAYS = 90
# Anyone can search, so anyone could fill the table with made-up queries: a week records at most
# this many different queries; those already in it keep counting.
SEARCH_GAP_QUERIES_PER_WEEK = 2000

# Hybrid search: each entry is also embedded as vectors of meaning by the offline model of
# `search.embedding` (in a background task after the commit), and a search fuses the ranking by
# words with the ranking by meaning. Off, search is by words alone and nothing is embedded.
SEARCH_VECTORS = env_bool("SEARCH_VECTORS", True)

# Background tasks (django-tasks): mail and other slow work leaves the request. Enqueue with
# `core.tasks.enqueue_on_commit`. TASKS_BACKEND=database queues tasks in the database for
# `manage.py db_worker`; "immediate" runs them in-process right after the commit.
TASKS = env_tasks("TASKS_BACKEND", default="immediate")

# Unicode TrueType fonts for generated PDFs (certificates): Debian's fonts-dejavu-core.
PDF_FONT_DIR = Path(env_str("PDF_FONT_DIR") or "/usr/share/fonts/truetype/dejavu")

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "members.backends.EmailPasswordBackend",
    "members.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.TermsConsentForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kollegium] "
# Wagtail sends members without admin access back to the login page; redirecting signed-in
# visitors away from it would loop, so they see the form and Wagtail's message instead.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Rates are "amount/period/per": per IP address, per key or per user. Wrong passwords and wrong
# MFA codes share "login_failed". Whole authorities often share one public IP address, so the
# per-IP limits stay generous. The key of a wrong password is the e-mail address together with
# the client address (members/adapters.py): an attacker's guesses lock only their own address
# out, never the member. "login_failed_account" counts wrong passwords for an e-mail address from
# all addresses together, against guessing from many addresses; when it triggers, the member
# gets a mail, and resetting the password lifts it.
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "20/m/ip,5/15m/key",
    "login_failed_account": "50/h/key",
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}

# Multi-factor authentication: an authenticator app (TOTP) or a security key (WebAuthn; browsers
# offer it on https and on http://localhost only), plus one-time recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Kollegium"
# Accept the code of the neighbouring 30-second step too: phone clocks drift.
MFA_TOTP_TOLERANCE = 1
# Members holding one of these roles (group names from members/roles.py) must set up TOTP or a
# security key before they can use the site; empty means nobody is forced.
KOLLEGIUM_MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", ["Redaktion", "Moderation"])

# Single sign-on through one OpenID Connect provider, set by the OIDC_* variables (no button
# without them). The first sign-on creates the member; an e-mail address counts as verified only
# when the provider says email_verified, and it never signs in to an existing account that is
# not yet connected: a provider could assert any address. Existing members connect the provider
# themselves after signing in (/konto/3rdparty/). Sign-on starts with a POST (login CSRF).
SOCIALACCOUNT_ADAPTER = "members.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": env_oidc_apps()},
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

# Discussions: how many messages one member may post within how many seconds.
DISCUSSIONS_POST_RATE_COUNT = env_int("DISCUSSIONS_POST_RATE_COUNT", 10, minimum=1)
DISCUSSIONS_POST_RATE_SECONDS = env_int("DISCUSSIONS_POST_RATE_SECONDS", 10, minimum=1)
# Edits, channels opened (per member) and typing hints (per member and channel) likewise.
DISCUSSIONS_EDIT_RATE_COUNT = env_int("DISCUSSIONS_EDIT_RATE_COUNT", 10, minimum=1)
DISCUSSIONS_EDIT_RATE_SECONDS = env_int("DISCUSSIONS_EDIT_RATE_SECONDS", 60, minimum=1)
DISCUSSIONS_CHANNEL_RATE_COUNT = env_int("DISCUSSIONS_CHANNEL_RATE_COUNT", 10, minimum=1)
DISCUSSIONS_CHANNEL_RATE_SECONDS = env_int("DISCUSSIONS_CHANNEL_RATE_SECONDS", 3600, minimum=1)
# One typing hint per member and channel in this many seconds; the page sends one every three
# seconds while the member types and shows it for five.
DISCUSSIONS_TYPING_SECONDS = env_int("DISCUSSIONS_TYPING_SECONDS", 3, minimum=1)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
# The site's own texts are written in German (hub/locale holds their English); allauth's German
# says "du", hub/locale/allauth re-translates those texts with "Sie". makemessages files an app's
# strings under a locale path beside that app, so this one sits where no source file is.
LOCALE_PATHS = [BASE_DIR / "hub" / "locale", BASE_DIR / "hub" / "locale" / "allauth"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# dev.py and test.py serve static files from the apps instead (None).
STATIC_ROOT: Path | None = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploads not everyone may see (unpublished submission attachments, avatars) live here, outside
# what the web server serves, and are handed out by a checked view (core/media.py). With a path
# set, that view answers with X-Accel-Redirect to this nginx `internal` location instead of
# sending the file itself.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private-media"
KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT = env_str("PRIVATE_MEDIA_ACCEL_REDIRECT")
STORAGES = {
    "default": {"BACKEND": "core.media.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kollegium <kollegium@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "Kollegium"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would tell a third party which editors use the admin (a hash of the e-mail
# address), and the Content-Security-Policy admits images from our own origin only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin signs in through allauth, so rate limits and MFA apply there too.
WAGTAILADMIN_LOGIN_URL = "account_login"
# Seconds an anonymous visitor's page stays in the page cache (core/page_cache.py); 0 turns it off.
KOLLEGIUM_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Request bodies (members/request_limits.py, before Django reads them): form data up to 2.5 MB on
# every path (Django's default, now deliberate: the largest form, a practice page in the admin,
# stays well below); the upload forms take more, from signed-in, approved members only.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
KOLLEGIUM_UPLOAD_BODY_LIMITS = {
    # Five attachments of 10 MB each, plus the text.
    "/beitraege/": 52 * 1024 * 1024,
    # A profile picture of up to 5 MB.
    "/mitglieder/mein-profil/": 6 * 1024 * 1024,
    # Editors' documents and images (Wagtail takes images of up to 10 MB).
    "/admin/": 20 * 1024 * 1024,
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv"]
# Editors' uploads pass the same zip-bomb check as members' attachments.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "hub.knowledge.forms.DocumentForm"

# Sessions are read from the cache and written through to the database. Without REDIS_URL the
# cache is the process's own memory, which is safe because Kollegium then runs as one process
# (several workers need Redis for their websocket events anyway, see README).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp, core/csp.py): scripts, styles, images, fonts and
# connections (the websocket included: Chromium's 'self' covers ws/wss on the same host) only
# from our own origin, no inline code. The nonce appears only in responses that use it: the
# Wagtail admin's own inline scripts and the style elements its editor creates. Framing
# follows X-Frame-Options, which Wagtail relaxes to SAMEORIGIN for its preview panel. Forms
# post to our own origin, and to the sign-on provider's: a sign-on starts with a POST the
# server answers with a redirect there, and Chromium checks form-action on that redirect too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for allauth's QR code when setting up an authenticator app.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [
            SELF,
            *(
                "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
                for app in SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
            ),
        ],
    }
}
# Added for the Wagtail admin (/admin/) only, which cannot do without them: blob: images are the
# previews of images being uploaded and the image in the focal-point editor; Jcrop, the
# focal-point editor, probes for touch events by setting the handler "return;" on an element.
# The hash admits exactly that handler, no other inline handler.
KOLLEGIUM_ADMIN_CSP_UPDATE = {
    "img-src": ["blob:"],
    "script-src-attr": [UNSAFE_HASHES, "'sha256-i+qr4lq34KgNHiW62lWi9aInEBwiEOrfCzaNPCvkqD8='"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.request": {"level": "WARNING"},
        # django-tasks writes two INFO lines for every background task (started, finished),
        # which drown the requests in `make run`; failed tasks are still logged, as errors.
        "django_tasks": {"level": "WARNING"},
    },
}
