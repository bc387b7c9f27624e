"""What the learning catalogue shows on the home page and on topic pages (core.sections)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.page_cache import cached_until_published
from core.sections import Section
from hub.models import Topic
from members.selectors import is_network_member
from peer_learning.models import CoursePage, Session
from peer_learning.selectors import (
    CatalogueFilters,
    SessionFilters,
    catalogue_courses,
    member_next_sessions,
    upcoming_sessions,
)

HOME_SESSIONS = 5
# The next sessions are kept until courses or sessions change; those that start meanwhile drop
# out as the list is read and the spare ones move up.
SPARE_SESSIONS = 10
TOPIC_COURSES = 6


def _next_sessions() -> list[Session]:
    return list(upcoming_sessions(filters=SessionFilters())[: HOME_SESSIONS + SPARE_SESSIONS])


def _still_upcoming(sessions: list[Session]) -> list[Session]:
    now = timezone.now()
    return [session for session in sessions if session.starts_at > now]


def _fills_the_list(sessions: list[Session]) -> bool:
    """Whether the kept sessions still hold the next ones: all there are, or enough of them."""
    return (
        len(sessions) < HOME_SESSIONS + SPARE_SESSIONS
        or len(_still_upcoming(sessions)) >= HOME_SESSIONS
    )


def upcoming_sessions_section(request: HttpRequest) -> Section | None:
    kept = cached_until_published(
        "peer-learning:next-sessions", _next_sessions, still_valid=_fills_the_list
    )
    sessions = _still_upcoming(kept)[:HOME_SESSIONS]
    if not sessions:
        return None
    return Section(
        title=_("Nächste Impulse"),
        template="peer_learning/section_sessions.html",
        items=sessions,
        more_url=reverse("peer_learning:sessions"),
        more_label=_("Alle Termine"),
    )


def _before_any_next_start(courses: list[CoursePage]) -> bool:
    """Whether the kept courses are still exact: a course's next date and its place change
    only when that date passes, and courses below the list only move further down."""
    now = timezone.now()
    return all(course.next_start is None or course.next_start > now for course in courses)


def topic_courses_section(request: HttpRequest, topic: Topic) -> Section | None:
    courses = cached_until_published(
        f"peer-learning:topic-courses:{topic.pk}",
        # The section shows no topics: the catalogue's prefetch of them would be wasted.
        lambda: list(
            catalogue_courses(filters=CatalogueFilters(topic=topic.slug)).prefetch_related(None)[
                :TOPIC_COURSES
            ]
        ),
        still_valid=_before_any_next_start,
    )
    if not courses:
        return None
    return Section(
        title=_("Impulse zum Thema"),
        template="peer_learning/section_courses.html",
        items=courses,
        more_url=reverse("peer_learning:catalogue") + "?" + urlencode({"thema": topic.slug}),
        more_label=_("Alle Impulse zum Thema"),
    )


MEMBER_SESSIONS = 4


def member_sessions_section(request: HttpRequest) -> Section | None:
    """ "Meine nächsten Termine" on Mein Kollegium: where the member takes part or teaches."""
    if not is_network_member(request.user):
        return None
    sessions = list(member_next_sessions(user=request.user, limit=MEMBER_SESSIONS))
    if not sessions:
        return None
    return Section(
        title=_("Meine nächsten Termine"),
        template="peer_learning/section_my_sessions.html",
        items=sessions,
        more_url=reverse("peer_learning:history"),
        more_label=_("Alle meine Anmeldungen"),
    )
