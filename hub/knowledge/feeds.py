"""RSS and Atom feeds of new practice material, overall and per topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from hub.knowledge.selectors import published_practice_pages, topic_by_slug
from hub.models import PracticePage, Topic

FEED_LENGTH = 30


class PracticeFeed(Feed):
    title = _("Kollegium: neue Praxisbeispiele")
    description = _("Neue Praxisbeispiele und Wissensartikel aus der öffentlichen Verwaltung.")
    language = "de"

    def link(self) -> str:
        return reverse("knowledge:index")

    def items(self) -> Any:
        return published_practice_pages()[:FEED_LENGTH]

    def item_title(self, item: PracticePage) -> str:
        return item.title

    def item_description(self, item: PracticePage) -> str:
        return item.summary

    def item_link(self, item: PracticePage) -> str:
        return item.url or ""

    def item_pubdate(self, item: PracticePage) -> datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: PracticePage) -> datetime | None:
        return item.last_published_at

    def item_categories(self, item: PracticePage) -> list[str]:
        return [topic.name for topic in item.topics.all()]


class PracticeAtomFeed(PracticeFeed):
    feed_type = Atom1Feed
    subtitle = PracticeFeed.description


class TopicFeed(PracticeFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        topic = topic_by_slug(slug)
        if topic is None:
            raise Http404(_("Dieses Thema gibt es nicht."))
        return topic

    def title(self, obj: Topic) -> str:  # type: ignore[override]
        return str(_("Kollegium: neue Beiträge zu %(topic)s") % {"topic": obj.name})

    def link(self, obj: Topic) -> str:  # type: ignore[override]
        return reverse("knowledge:topic", args=[obj.slug])

    def description(self, obj: Topic) -> str:  # type: ignore[override]
        return obj.description or str(self.title(obj))

    def items(self, obj: Topic) -> Any:  # type: ignore[override]
        return published_practice_pages().filter(topics=obj)[:FEED_LENGTH]


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)
