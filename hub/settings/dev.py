"""Local development: `make run`. Debug on, a throwaway secret unless one is given."""

from hub.settings.base import *  # noqa: F403
from hub.settings.env import env_bool, env_str

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"

# WhiteNoise serves static files straight from the apps (WHITENOISE_USE_FINDERS).
STATIC_ROOT = None

# The embedded SQLite database and the mail files live here; a fresh clone has no var/ yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
