"""ASGI entry point: HTTP through Django, websockets through Channels.

HTTP request bodies are refused by size before Django reads them (`members.request_limits`).
Websockets pass an origin check (the site's own scheme, host and port, or CSRF_TRUSTED_ORIGINS,
on a host in ALLOWED_HOSTS) and the session-based authentication before they reach a consumer.
"""

import gc
import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

from hub.settings.env import ConfigurationError

try:
    django_asgi_app = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"Konfigurationsfehler: {error}")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import reverse

from core.signals import process_started
from hub.routing import websocket_urlpatterns
from members.request_limits import RequestBodyLimit
from members.socket_auth import OriginMiddleware, SessionMemberMiddleware

# Import the URL configuration (every app's views) now rather than on the first request or the
# first live event that links somewhere: on a busy machine that takes seconds, and every event
# behind it would wait.
reverse("discussions:index")

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        # Channels' stubs want their own pattern type, which Django's path() is not typed as.
        "websocket": OriginMiddleware(
            SessionMemberMiddleware(URLRouter(websocket_urlpatterns))  # type: ignore[arg-type]
        ),
    }
)

# Daphne has no start-up event (it does not speak ASGI lifespan): loading this module is where
# a server process starts. Apps pick up what a stopped process left behind (search.pending).
process_started.send_robust(sender="asgi")

# The cycle collector stops the whole process while it runs, and a full collection walks every
# object: those loaded at start-up (~300,000) and those of every open websocket (several hundred
# each). With the default thresholds a busy channel triggered one every two seconds, each
# 100–150 ms long, and live delivery waited for it (bench/discussions.py, 500 sockets). What is
# loaded now lives as long as the process and leaves the collector's sight; collections run ten
# times less often. Memory is freed by reference counting as before; cycles wait a little longer.
gc.freeze()
gc.set_threshold(7000, 100, 100)
