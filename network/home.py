"""What follows feed on Mein Kollegium (core.sections): new articles and courses in what the
member follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.page_cache import cached_until_published
from core.sections import Section
from hub.knowledge.selectors import ARTICLE_TEASER_FIELDS, article_teasers, public
from hub.models import PracticePage, PracticePageAuthor
from members.models import User
from members.selectors import is_network_member
from network.models import Follow
from network.selectors import follows_version
from peer_learning.models import CoursePage

T = TypeVar("T")

FOLLOWED_ARTICLES = 4
FOLLOWED_COURSES = 4
# What counts as new on the start page.
FOLLOWED_NEW_DAYS = 14


def _since() -> datetime:
    return timezone.now() - timedelta(days=FOLLOWED_NEW_DAYS)


def followed_new_articles(
    *, member: User, limit: int, since: datetime | None = None
) -> QuerySet[PracticePage]:
    """Articles published since `since` (by default in the last `FOLLOWED_NEW_DAYS` days) in
    a topic the member follows, by someone they follow or from an organisation they follow,
    newest first. One query whatever the number of follows: each kind is an EXISTS over the
    member's follows."""
    follows = Follow.objects.filter(member=member)
    return (
        public(PracticePage.objects.live())
        .filter(
            Exists(
                PracticePage.topics.through.objects.filter(
                    practicepage_id=OuterRef("pk"),
                    topic_id__in=follows.filter(topic__isnull=False).values("topic_id"),
                )
            )
            | Exists(
                PracticePageAuthor.objects.filter(
                    page_id=OuterRef("pk"),
                    profile__user_id__in=follows.filter(person__isnull=False).values("person_id"),
                )
            )
            | Exists(follows.filter(organisation_id=OuterRef("organisation_id"))),
            first_published_at__gte=since or _since(),
        )
        .select_related("organisation")
        .only(*ARTICLE_TEASER_FIELDS)
        .order_by("-first_published_at", "-pk")[:limit]
    )


def followed_new_courses(
    *, member: User, limit: int, since: datetime | None = None
) -> QuerySet[CoursePage]:
    """Courses published since `since` (by default in the last `FOLLOWED_NEW_DAYS` days) in
    a topic the member follows, taught by someone they follow or by a member of an
    organisation they follow. Live and public, as `peer_learning.selectors.readable_courses`
    (whose view restrictions are read once per cache generation here)."""
    follows = Follow.objects.filter(member=member)
    return (
        public(CoursePage.objects.live())
        .filter(
            Exists(
                CoursePage.topics.through.objects.filter(
                    coursepage_id=OuterRef("pk"),
                    topic_id__in=follows.filter(topic__isnull=False).values("topic_id"),
                )
            )
            | Exists(
                CoursePage.trainers.through.objects.filter(coursepage_id=OuterRef("pk")).filter(
                    Q(user_id__in=follows.filter(person__isnull=False).values("person_id"))
                    | Q(
                        user__profile__organisation_id__in=follows.filter(
                            organisation__isnull=False
                        ).values("organisation_id")
                    )
                )
            ),
            first_published_at__gte=since or _since(),
        )
        .only("title", "slug", "url_path", "summary", "first_published_at")
        .order_by("-first_published_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class CourseTeaser:
    title: str
    url: str
    summary: str
    first_published_at: datetime | None


def _kept(request: HttpRequest, member: User, name: str, compute: Callable[[], list[T]]) -> list[T]:
    """New content in what the member follows, kept until something is published or they
    follow or unfollow something (`follows_version`); per host, as it holds page URLs. The
    14 days move on within the hour the value is kept at most."""
    version = follows_version(member=member)
    return cached_until_published(
        f"network:{name}:{member.pk}:{version}:{request.get_host()}", compute
    )


def followed_articles_section(request: HttpRequest) -> Section | None:
    member = request.user
    if not is_network_member(member):
        return None
    teasers = _kept(
        request,
        member,
        "followed-articles",
        lambda: article_teasers(
            followed_new_articles(member=member, limit=FOLLOWED_ARTICLES), request
        ),
    )
    if not teasers:
        return None
    return Section(
        title=_("Neue Praxisbeispiele in dem, was Sie verfolgen"),
        template="network/section_articles.html",
        items=teasers,
        more_url=reverse("network:following"),
        more_label=_("Was ich verfolge"),
    )


def followed_courses_section(request: HttpRequest) -> Section | None:
    member = request.user
    if not is_network_member(member):
        return None
    teasers = _kept(
        request,
        member,
        "followed-courses",
        lambda: [
            CourseTeaser(
                title=course.title,
                url=course.get_url(request) or "",
                summary=course.summary,
                first_published_at=course.first_published_at,
            )
            for course in followed_new_courses(member=member, limit=FOLLOWED_COURSES)
        ],
    )
    if not teasers:
        return None
    return Section(
        title=_("Neue Impulse in dem, was Sie verfolgen"),
        template="network/section_courses.html",
        items=teasers,
        more_url=reverse("peer_learning:catalogue"),
        more_label=_("Alle Impulse"),
    )
