"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets pass an origin check against ALLOWED_HOSTS and the session-based authentication
before they reach a consumer.
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

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import reverse

from hub.routing import websocket_urlpatterns

# Import the URL configuration (every app's views) now rather than on the first request or the
# first live event that links somewhere: on a busy machine that takes seconds, and every event
# behind it would wait.
reverse("discussions:index")

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far lives as long as the process. Out of the collector's sight, a full
# collection no longer walks the ~300,000 objects of Django, Wagtail and their imports.
gc.freeze()
