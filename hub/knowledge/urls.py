from django.urls import path
from wagtail.views import serve as wagtail_serve

from core.page_cache import cache_for_anonymous
from hub.knowledge import feeds, views

app_name = "knowledge"

urlpatterns = [
    # The index is the Wagtail page at /wissen/ (created by migration); naming its address lets
    # the navigation link to it. Wagtail's own view serves it, so privacy and hooks apply, and
    # if editors move the page, Wagtail's automatic redirect takes visitors along.
    path("wissen/", wagtail_serve, {"path": "wissen/"}, name="index"),
    path("wissen/feed/", cache_for_anonymous(feeds.PracticeFeed()), name="feed"),
    path("wissen/feed/atom/", cache_for_anonymous(feeds.PracticeAtomFeed()), name="feed_atom"),
    path("wissen/themen/<slug:slug>/", views.topic, name="topic"),
    path("beitraege/", views.my_contributions, name="my_contributions"),
    path("beitraege/neu/", views.submit, name="submit"),
    path("beitraege/<int:pk>/bearbeiten/", views.revise, name="revise"),
    path("beitraege/<int:pk>/hilfreich/", views.helpful, name="helpful"),
    path("beitraege/<int:pk>/nutzen-wir-auch/", views.reuse, name="reuse"),
    path(
        "wissen/themen/<slug:slug>/feed/",
        cache_for_anonymous(feeds.TopicFeed()),
        name="topic_feed",
    ),
    path(
        "wissen/themen/<slug:slug>/feed/atom/",
        cache_for_anonymous(feeds.TopicAtomFeed()),
        name="topic_feed_atom",
    ),
]
