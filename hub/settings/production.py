"""Production: several Daphne workers behind a TLS-terminating reverse proxy."""

from hub.settings.base import *  # noqa: F403
from hub.settings.env import ConfigurationError, env_bool, env_int, env_str, env_tasks

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ConfigurationError(
        "Die Umgebungsvariable SECRET_KEY muss in Produktion gesetzt sein und mindestens "
        "50 zufällige Zeichen enthalten."
    )

# nginx sets X-Forwarded-Proto on every request, replacing the client's. Daphne runs without
# --proxy-headers (it would take the client's own X-Forwarded-For entry), so this is where
# Django learns that the request came over https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' HSTS preload list is a decision of the domain's owner, hard to undo;
    # it stays opt-in through SECURE_HSTS_PRELOAD.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", default=False)
# Mail goes out from `manage.py db_worker`, never from a web worker's request.
TASKS = env_tasks("TASKS_BACKEND", default="database")

WHITENOISE_USE_FINDERS = False
# nginx serves private media from its internal location (README, Production).
KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT = env_str("PRIVATE_MEDIA_ACCEL_REDIRECT", "/private-media/")
STORAGES = {
    "default": {"BACKEND": "core.media.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
