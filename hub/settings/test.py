"""Test settings: fast hashing, local cache, in-memory channel layer, database search.

The SQLite test database is a file so that a live Daphne server in another process (browser
and websocket tests) sees what a test committed.
"""

import os
import tempfile
from pathlib import Path

from hub.settings.base import *  # noqa: F403
from hub.settings.base import DATABASES

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
ELASTICSEARCH_URL = ""
# A new message is findable once its transaction commits, as tests expect; the deferred
# batches of production (`search.pending`) have tests of their own.
SEARCH_INDEX_DELAY = None
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Connections opened in worker threads (websocket consumers) must not outlive their work, or
# they keep the test database busy when it is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"kollegium-test-{os.getpid()}.sqlite3")
    }

# WhiteNoise serves static files straight from the apps (WHITENOISE_USE_FINDERS).
STATIC_ROOT = None

# Wagtail's search index tables differ per database engine (the SQLite FTS table does not exist
# on PostgreSQL); the index is derived data and never needs restoring between tests.
TEST_NON_SERIALIZED_APPS = ["wagtail.search"]
