"""The network app's part of a member's data export: follows and the Merkliste.

Account deletion needs no eraser: both tables hold only the member's own rows, which go with
the account (their `member` keys cascade), as do others' follows of the member as a person.
"""

from __future__ import annotations

from typing import Any

from members.models import User
from network.models import Bookmark, Follow


def _follow_target_name(follow: Follow) -> str:
    if follow.person is not None:
        profile = getattr(follow.person, "profile", None)
        return profile.display_name if profile is not None else ""
    return str(follow.topic or follow.channel or follow.organisation)


def _bookmark_target_name(bookmark: Bookmark) -> str:
    if bookmark.message is not None:
        return f"#{bookmark.message.pk} in {bookmark.message.channel.name}"
    return (bookmark.article or bookmark.course).title  # type: ignore[union-attr]


def export_network(user: User) -> dict[str, Any]:
    follows = Follow.objects.filter(member=user).select_related(
        "topic", "channel", "person__profile", "organisation"
    )
    bookmarks = Bookmark.objects.filter(member=user).select_related(
        "article", "course", "message__channel"
    )
    return {
        "follows": [
            {
                "kind": follow.kind.value,
                "name": _follow_target_name(follow),
                "since": follow.created_at.isoformat(),
            }
            for follow in follows.order_by("created_at", "pk")
        ],
        "bookmarks": [
            {
                "kind": bookmark.kind.value,
                "name": _bookmark_target_name(bookmark),
                "saved_at": bookmark.created_at.isoformat(),
            }
            for bookmark in bookmarks.order_by("created_at", "pk")
        ],
    }
