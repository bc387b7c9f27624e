"""The JSON events a channel's open tabs receive, defined once.

Every event is a small dict with a `type` and the `channel` id. Message events carry the
rendered, sanitised HTML and the message's markup from the same template the page uses
(includes/discussion_message.html), rendered once for no one in particular: delivering them
needs no database query or rendering per reader, and the page's script switches on what is
the viewer's own (their actions, their pressed reactions, their mentions) by data attributes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions.models import Message
from discussions.selectors import MessageEntry, live_entry, reply_count
from members.selectors import member_name

MESSAGE_NEW = "message.new"
MESSAGE_EDITED = "message.edited"
MESSAGE_DELETED = "message.deleted"
MESSAGE_HIDDEN = "message.hidden"
REACTION_CHANGED = "reaction.changed"
# A question's state or solution changed: fresh markup of the messages that show it.
QUESTION_CHANGED = "question.changed"
TYPING = "typing"
PRESENCE = "presence"
NOTIFICATION_NEW = "notification.new"
# Answers to one tab's own frames, and the notice to a member's tabs that they lost access.
CHANNEL_OPENED = "channel.opened"
MESSAGE_POSTED = "message.posted"
CHANNEL_REVOKED = "channel.revoked"


def member_summary(user: Any) -> dict[str, Any]:
    return {"id": user.pk if user else None, "name": member_name(user)}


def _live_markup(template: str, entry: MessageEntry) -> str:
    """Rendered in the site's language: the thread building it serves the author."""
    # The forms module imports the services, which import this one.
    from discussions.forms import FlagForm

    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            template,
            {
                "entry": entry,
                "message": entry.message,
                "live": True,
                "may_post": True,
                "show_thread_link": True,
                "flag_form": FlagForm(),
                "user": AnonymousUser(),
            },
        ).strip()


def message_data(message: Message) -> dict[str, Any]:
    """A message as the browser shows it; a deleted one is only its tombstone."""
    deleted = message.is_removed
    entry = live_entry(message)
    return {
        "id": message.pk,
        "channel": message.channel_id,
        "author": member_summary(None if deleted else message.author),
        "reply_to": message.reply_to_id,
        "html": "" if deleted else message.html,
        "deleted": deleted,
        "markup": _live_markup("includes/discussion_message.html", entry),
    }


def message_new(message: Message) -> dict[str, Any]:
    """A reply also carries its thread's new reply count, with the label the page shows."""
    event = {"type": MESSAGE_NEW, "channel": message.channel_id, "message": message_data(message)}
    if message.reply_to_id:
        count = reply_count(root_id=message.reply_to_id)
        with translation.override(settings.LANGUAGE_CODE):
            label = ngettext("%(counter)s Antwort", "%(counter)s Antworten", count) % {
                "counter": count
            }
        event["thread"] = {"root": message.reply_to_id, "replies": count, "label": label}
    return event


def message_edited(message: Message) -> dict[str, Any]:
    return {"type": MESSAGE_EDITED, "channel": message.channel_id, "message": message_data(message)}


def message_deleted(message: Message) -> dict[str, Any]:
    return {
        "type": MESSAGE_DELETED,
        "channel": message.channel_id,
        "message_id": message.pk,
        "markup": _live_markup("includes/discussion_message.html", live_entry(message)),
    }


def message_hidden(message: Message) -> dict[str, Any]:
    return {
        "type": MESSAGE_HIDDEN,
        "channel": message.channel_id,
        "message_id": message.pk,
        "markup": _live_markup("includes/discussion_message.html", live_entry(message)),
    }


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
        "markup": _live_markup("includes/discussion_reactions.html", live_entry(message)),
    }


def question_changed(*, channel_id: int, messages: list[Message]) -> dict[str, Any]:
    """The question's message (its title and state) and the replies marked or unmarked as its
    solution, each with its markup."""
    return {
        "type": QUESTION_CHANGED,
        "channel": channel_id,
        "messages": [
            {
                "id": message.pk,
                "markup": _live_markup("includes/discussion_message.html", live_entry(message)),
            }
            for message in messages
        ],
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


def notification_new(
    *, message: Message, kind: str, unread: int, detail: str = ""
) -> dict[str, Any]:
    """For the recipient's tabs only: the badge count and what to announce. The text is in the
    site's language: the thread building it serves the author, whose language may differ."""
    with translation.override(settings.LANGUAGE_CODE):
        text = notification_text(message=message, kind=kind, detail=detail)
    return {
        "type": NOTIFICATION_NEW,
        "kind": kind,
        "unread": unread,
        "text": text,
        "url": reverse("discussions:permalink", args=[message.pk]),
    }


def notification_text(*, message: Message, kind: str, detail: str = "") -> str:
    """Expects the message's channel and author profile selected. `detail` is the stored reason
    of a routed question."""
    if kind == "question_request":
        return _(
            "%(name)s hat in „%(channel)s“ eine Frage gestellt, die Sie beantworten könnten – "
            "%(reason)s."
        ) % {"name": member_name(message.author), "channel": message.channel.name, "reason": detail}
    if kind == "mention":
        text = _("%(name)s hat Sie in „%(channel)s“ erwähnt.")
    elif kind == "question_reply":
        text = _("%(name)s hat in „%(channel)s“ auf eine Frage geantwortet, bei der Sie helfen.")
    elif kind == "solution":
        text = _("Ihre Antwort in „%(channel)s“ ist als Lösung der Frage markiert.")
    else:
        text = _("%(name)s hat in „%(channel)s“ auf Ihre Nachricht geantwortet.")
    return text % {"name": member_name(message.author), "channel": message.channel.name}
