"""Reads for follows and the Merkliste. What a member may follow or keep is decided here,
by asking the owning apps' selectors; every reader (pages, start page, digests) asks here.

The API for later readers: `followed_topics`, `followed_channels`, `followed_people`,
`followed_organisations`, `is_followed`, `follows_version`, `bookmarks`, `is_bookmarked`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import Truncator

from discussions.models import Channel, Message
from discussions.selectors import (
    can_read,
    readable_channel_by_id,
    readable_channels,
    readable_message,
)
from hub.knowledge.selectors import readable_practice_page, readable_practice_page_ids
from hub.models import PracticePage, Topic
from members.models import Organisation, User
from members.selectors import (
    Viewer,
    is_network_member,
    member_profiles,
    visible_display_name,
    visible_profile,
)
from network.models import Bookmark, BookmarkKind, Follow, FollowKind
from peer_learning.models import CoursePage
from peer_learning.selectors import readable_courses

FOLLOW_KINDS: dict[type[Model], FollowKind] = {
    Topic: FollowKind.TOPIC,
    Channel: FollowKind.CHANNEL,
    User: FollowKind.PERSON,
    Organisation: FollowKind.ORGANISATION,
}
BOOKMARK_KINDS: dict[type[Model], BookmarkKind] = {
    PracticePage: BookmarkKind.ARTICLE,
    CoursePage: BookmarkKind.COURSE,
    Message: BookmarkKind.MESSAGE,
}


def follow_kind(target: Model) -> FollowKind:
    return FOLLOW_KINDS[type(target)]


def bookmark_kind(target: Model) -> BookmarkKind:
    return BOOKMARK_KINDS[type(target)]


# ---------------------------------------------------------------- Follow


def may_follow(*, viewer: Viewer, target: Model) -> bool:
    """Approved members follow topics, organisations, channels they may read and other
    members whose profile they may see."""
    if not is_network_member(viewer):
        return False
    if isinstance(target, Channel):
        return can_read(viewer=viewer, channel=target)
    if isinstance(target, User):
        return target.pk != viewer.pk and target.is_network_member
    return isinstance(target, (Topic, Organisation))


def follow_target(*, viewer: Viewer, kind: FollowKind, pk: int) -> Model | None:
    """What a follow button names, where the viewer may follow it; a person by their profile.
    None for what does not exist or the viewer may not follow."""
    target: Model | None
    if kind == FollowKind.TOPIC:
        target = Topic.objects.filter(pk=pk).first()
    elif kind == FollowKind.ORGANISATION:
        target = Organisation.objects.filter(pk=pk).first()
    elif kind == FollowKind.CHANNEL:
        target = readable_channel_by_id(viewer=viewer, channel_id=pk)
    else:
        profile = visible_profile(viewer=viewer, pk=pk)
        target = profile.user if profile is not None else None
    if target is None or not may_follow(viewer=viewer, target=target):
        return None
    return target


def is_followed(*, member: Viewer, target: Model) -> bool:
    if not member.is_authenticated:
        return False
    return Follow.objects.filter(member=member, **{follow_kind(target).value: target}).exists()


def follows_version_key(member_id: int) -> str:
    """Where the number that changes with each of a member's follows is kept: values derived
    from what they follow name it in their cache key (`follows_version`)."""
    return f"network:follows-version:{member_id}"


def follows_version(*, member: Viewer) -> int:
    return int(cache.get(follows_version_key(member.pk or 0)) or 0)


def followed_topics(*, member: Viewer) -> QuerySet[Topic]:
    if not is_network_member(member):
        return Topic.objects.none()
    return Topic.objects.filter(follows__member=member).order_by("name")


def followed_channels(*, member: Viewer) -> QuerySet[Channel]:
    """Followed channels the member may still read (a private channel they left drops out)."""
    if not is_network_member(member):
        return Channel.objects.none()
    return (
        Channel.objects.filter(follows__member=member)
        .filter(pk__in=readable_channels(viewer=member).values("pk"))
        .order_by("name")
    )


def followed_people(*, member: Viewer) -> QuerySet[User]:
    """Followed members who are still approved, with their profiles."""
    if not is_network_member(member):
        return User.objects.none()
    return (
        User.objects.filter(followers__member=member, profile__in=member_profiles())
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def followed_organisations(*, member: Viewer) -> QuerySet[Organisation]:
    if not is_network_member(member):
        return Organisation.objects.none()
    return Organisation.objects.filter(follows__member=member).order_by("name")


@dataclass(frozen=True)
class FollowedEntry:
    """One followed thing as the "Gefolgt" page lists it."""

    kind: FollowKind
    target: Model
    name: str
    url: str

    @property
    def toggle_url(self) -> str:
        return follow_url(self.target)


def follow_entries(*, member: Viewer) -> dict[FollowKind, list[FollowedEntry]]:
    """Everything the member follows and may still see, by kind; one query per kind."""
    topics = [
        FollowedEntry(
            FollowKind.TOPIC, topic, topic.name, reverse("knowledge:topic", args=[topic.slug])
        )
        for topic in followed_topics(member=member)
    ]
    channels = [
        FollowedEntry(
            FollowKind.CHANNEL,
            channel,
            channel.name,
            reverse("discussions:channel", args=[channel.slug]),
        )
        for channel in followed_channels(member=member)
    ]
    people = []
    for person in followed_people(member=member):
        name = visible_display_name(profile=person.profile, viewer=member)
        if name:
            url = reverse("members:profile", args=[person.profile.pk])
            people.append(FollowedEntry(FollowKind.PERSON, person, name, url))
    organisations = [
        FollowedEntry(
            FollowKind.ORGANISATION,
            organisation,
            organisation.name,
            reverse("members:directory") + f"?organisation={organisation.pk}",
        )
        for organisation in followed_organisations(member=member)
    ]
    return {
        FollowKind.TOPIC: topics,
        FollowKind.CHANNEL: channels,
        FollowKind.PERSON: people,
        FollowKind.ORGANISATION: organisations,
    }


def follow_url(target: Model) -> str:
    """Where a follow button posts: a person is named by their profile, like their page."""
    pk = target.profile.pk if isinstance(target, User) else target.pk
    return reverse("network:follow", args=[follow_kind(target).value, pk])


# ---------------------------------------------------------------- Merkliste


def bookmark_target(*, viewer: Viewer, kind: BookmarkKind, pk: int) -> Model | None:
    """What a Merken button names, where the viewer may read it; None otherwise."""
    if not is_network_member(viewer):
        return None
    if kind == BookmarkKind.ARTICLE:
        return readable_practice_page(pk=pk)
    if kind == BookmarkKind.COURSE:
        return readable_courses().filter(pk=pk).first()
    message = readable_message(viewer=viewer, message_id=pk)
    return message if message is not None and not message.is_removed else None


def is_bookmarked(*, member: Viewer, target: Model) -> bool:
    if not member.is_authenticated:
        return False
    return Bookmark.objects.filter(member=member, **{bookmark_kind(target).value: target}).exists()


def bookmarked_message_ids(*, member: Viewer, message_ids: Iterable[int]) -> set[int]:
    """Which of these messages the member keeps, in one query (for a channel's page)."""
    if not member.is_authenticated:
        return set()
    return set(
        Bookmark.objects.filter(member=member, message_id__in=list(message_ids)).values_list(
            "message_id", flat=True
        )
    )


def bookmark_url(target: Model) -> str:
    return reverse("network:bookmark", args=[bookmark_kind(target).value, target.pk])


@dataclass(frozen=True)
class BookmarkEntry:
    """One Merkliste entry as the member may still see it."""

    bookmark: Bookmark
    kind: BookmarkKind
    title: str
    url: str
    context: str
    saved_at: datetime

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def remove_url(self) -> str:
        target = getattr(self.bookmark, self.kind.value)
        return bookmark_url(target)


MESSAGE_EXCERPT_WORDS = 30


def bookmarks(*, member: Viewer, request: HttpRequest | None = None) -> list[BookmarkEntry]:
    """The member's Merkliste, newest first, each entry checked again: an article or course
    no longer published, or a message deleted, hidden or in a channel the member may no
    longer read is left out. A fixed number of queries, however many entries."""
    if not is_network_member(member):
        return []
    rows = list(
        Bookmark.objects.filter(member=member)
        .select_related("article", "course", "message__channel")
        .defer("article__body", "course__description", "message__html")
        .order_by("-created_at", "-pk")
    )
    article_ids = readable_practice_page_ids(row.article_id for row in rows if row.article_id)
    course_ids = set(
        readable_courses()
        .filter(pk__in=[row.course_id for row in rows if row.course_id])
        .values_list("pk", flat=True)
    )
    channel_ids: set[int] = set()
    if any(row.message_id for row in rows):
        channel_ids = set(readable_channels(viewer=member).values_list("pk", flat=True))
    entries = []
    for row in rows:
        entry = _entry(row, request, article_ids, course_ids, channel_ids)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(
    row: Bookmark,
    request: HttpRequest | None,
    article_ids: set[int],
    course_ids: set[int],
    channel_ids: set[int],
) -> BookmarkEntry | None:
    kind = row.kind
    if kind == BookmarkKind.ARTICLE and row.article_id in article_ids:
        page: Any = row.article
        return BookmarkEntry(
            row, kind, page.title, page.get_url(request) or "", page.summary, row.created_at
        )
    if kind == BookmarkKind.COURSE and row.course_id in course_ids:
        page = row.course
        return BookmarkEntry(
            row, kind, page.title, page.get_url(request) or "", page.summary, row.created_at
        )
    message = row.message
    if (
        kind == BookmarkKind.MESSAGE
        and message is not None
        and message.channel_id in channel_ids
        and not message.is_removed
    ):
        return BookmarkEntry(
            row,
            kind,
            message.channel.name,
            reverse("discussions:permalink", args=[message.pk]),
            Truncator(message.source).words(MESSAGE_EXCERPT_WORDS),
            row.created_at,
        )
    return None
