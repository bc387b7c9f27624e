"""What the learning catalogue shows on the home page and on topic pages (hub.sections)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.models import Topic
from hub.sections import Section
from peer_learning.selectors import (
    CatalogueFilters,
    SessionFilters,
    catalogue_courses,
    upcoming_sessions,
)

HOME_SESSIONS = 5
TOPIC_COURSES = 6


def upcoming_sessions_section(request: HttpRequest) -> Section | None:
    sessions = list(upcoming_sessions(filters=SessionFilters())[:HOME_SESSIONS])
    if not sessions:
        return None
    return Section(
        title=_("Nächste Impulse"),
        template="peer_learning/section_sessions.html",
        items=sessions,
        more_url=reverse("peer_learning:sessions"),
        more_label=_("Alle Termine"),
    )


def topic_courses_section(request: HttpRequest, topic: Topic) -> Section | None:
    courses = list(catalogue_courses(filters=CatalogueFilters(topic=topic.slug))[:TOPIC_COURSES])
    if not courses:
        return None
    return Section(
        title=_("Impulse zum Thema"),
        template="peer_learning/section_courses.html",
        items=courses,
        more_url=reverse("peer_learning:catalogue") + "?" + urlencode({"thema": topic.slug}),
        more_label=_("Alle Impulse zum Thema"),
    )
