from django.urls import path

from discussions.consumers import DiscussionConsumer

# One socket per tab: the discussion consumer extends the live consumer with channel frames.
websocket_urlpatterns = [path("ws/live/", DiscussionConsumer.as_asgi())]
