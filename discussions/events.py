"""The JSON events a channel's open tabs receive, defined once.

Every event is a small dict with a `type` and the `channel` id. Message events carry the
rendered, sanitised HTML, so delivering them needs no database query per reader.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from discussions.models import Message
from members.selectors import member_avatar, member_name

MESSAGE_NEW = "message.new"
MESSAGE_EDITED = "message.edited"
MESSAGE_DELETED = "message.deleted"
MESSAGE_HIDDEN = "message.hidden"
REACTION_CHANGED = "reaction.changed"
TYPING = "typing"
PRESENCE = "presence"
NOTIFICATION_NEW = "notification.new"
# Answers to one tab's own frames, and the notice to a member's tabs that they lost access.
CHANNEL_OPENED = "channel.opened"
MESSAGE_POSTED = "message.posted"
CHANNEL_REVOKED = "channel.revoked"


def member_summary(user: Any) -> dict[str, Any]:
    return {"id": user.pk if user else None, "name": member_name(user)}


def avatar_data(user: Any) -> dict[str, Any]:
    """The author's avatar as every reader of the channel (a network member) sees it."""
    avatar = member_avatar(user)
    return {"url": avatar.url, "initials": avatar.initials, "colour": avatar.colour}


def message_data(message: Message) -> dict[str, Any]:
    """A message as the browser shows it; a deleted one is only its tombstone."""
    deleted = message.is_removed
    return {
        "id": message.pk,
        "channel": message.channel_id,
        "author": member_summary(None if deleted else message.author),
        "author_avatar": avatar_data(None if deleted else message.author),
        "reply_to": message.reply_to_id,
        "html": "" if deleted else message.html,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None and not deleted,
        "deleted": deleted,
        "permalink": reverse("discussions:permalink", args=[message.pk]),
    }


def message_new(message: Message) -> dict[str, Any]:
    return {"type": MESSAGE_NEW, "channel": message.channel_id, "message": message_data(message)}


def message_edited(message: Message) -> dict[str, Any]:
    return {"type": MESSAGE_EDITED, "channel": message.channel_id, "message": message_data(message)}


def message_deleted(message: Message) -> dict[str, Any]:
    return {"type": MESSAGE_DELETED, "channel": message.channel_id, "message_id": message.pk}


def message_hidden(message: Message) -> dict[str, Any]:
    return {"type": MESSAGE_HIDDEN, "channel": message.channel_id, "message_id": message.pk}


def reaction_changed(
    *, message: Message, counts: dict[str, int], user: Any, emoji: str, added: bool
) -> dict[str, Any]:
    return {
        "type": REACTION_CHANGED,
        "channel": message.channel_id,
        "message_id": message.pk,
        "counts": counts,
        "member_id": user.pk,
        "emoji": emoji,
        "added": added,
    }


def channel_opened(channel_id: int) -> dict[str, Any]:
    """The tab now receives the channel's events."""
    return {"type": CHANNEL_OPENED, "channel": channel_id}


def channel_revoked(channel_id: int) -> dict[str, Any]:
    """For a member's tabs: they may no longer read the channel, so the tabs close it."""
    return {"type": CHANNEL_REVOKED, "channel": channel_id}


def message_posted(*, message_id: int, **context: Any) -> dict[str, Any]:
    """The posting tab's receipt; `context` echoes the frame's channel and client id."""
    return {"type": MESSAGE_POSTED, "message_id": message_id, **context}


def typing(*, channel_id: int, member: dict[str, Any]) -> dict[str, Any]:
    return {"type": TYPING, "channel": channel_id, "member": member}


def presence(
    *, channel_id: int, member: dict[str, Any], connection: str, state: str
) -> dict[str, Any]:
    """`state` is "joined" (opened the channel), "here" (answer to a newcomer) or "left"."""
    return {
        "type": PRESENCE,
        "channel": channel_id,
        "member": member,
        "connection": connection,
        "state": state,
    }


def notification_new(*, message: Message, kind: str, unread: int) -> dict[str, Any]:
    """For the recipient's tabs only: the badge count and what to announce. The text is in the
    site's language: the thread building it serves the author, whose language may differ."""
    with translation.override(settings.LANGUAGE_CODE):
        text = notification_text(message=message, kind=kind)
    return {
        "type": NOTIFICATION_NEW,
        "kind": kind,
        "unread": unread,
        "text": text,
        "url": reverse("discussions:permalink", args=[message.pk]),
    }


def notification_text(*, message: Message, kind: str) -> str:
    """Expects the message's channel and author profile selected."""
    if kind == "mention":
        text = _("%(name)s hat Sie in „%(channel)s“ erwähnt.")
    else:
        text = _("%(name)s hat in „%(channel)s“ auf Ihre Nachricht geantwortet.")
    return text % {"name": member_name(message.author), "channel": message.channel.name}
