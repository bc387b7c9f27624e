from django.urls import path

from discussions.consumers import DiscussionConsumer

# One socket per tab: the discussion consumer extends the live consumer with channel frames.
# Channels routes ASGI applications with Django's path(), which django-stubs types for views.
websocket_urlpatterns = [path("ws/live/", DiscussionConsumer.as_asgi())]  # type: ignore[arg-type]
