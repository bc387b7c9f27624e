"""Posting, editing and deleting messages, with the limits that apply to every write:
mutes, slow mode and the per-member rate limits."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.ratelimit import rate_limit_exceeded, retry_after
from core.validators import validate_storable_text
from discussions import events
from discussions.models import Channel, Membership, Message, MessageRevision, ModerationActionKind
from discussions.rendering import mark_mentions, render_markdown
from discussions.selectors import (
    can_post,
    can_read,
    is_moderator,
    is_muted,
    mentionable_members,
)
from discussions.services.broadcast import _broadcast_after_commit
from discussions.services.digest import _notify
from discussions.services.moderation_log import _flags_resolve, _log
from discussions.services.question_state import _question_reply_posted, _question_reply_removed
from members.models import User

MESSAGE_MAX_LENGTH = 4000


class RateLimited(Exception):
    """Too many messages in a short time, or slow mode; nothing was stored."""

    def __init__(self, seconds: int, message: str = "") -> None:
        self.seconds = seconds
        super().__init__(
            message
            or ngettext(
                "Sie schreiben gerade sehr schnell. Bitte warten Sie eine Sekunde.",
                "Sie schreiben gerade sehr schnell. Bitte warten Sie %(seconds)d Sekunden.",
                seconds,
            )
            % {"seconds": seconds}
        )


def _consume_post_allowance(user: User) -> None:
    """At most N messages per member in each window of S seconds, counted atomically in the
    cache (core.ratelimit), so parallel tabs and workers cannot post past the limit."""
    period = settings.DISCUSSIONS_POST_RATE_SECONDS
    if rate_limit_exceeded(
        scope="discussion-post",
        key=str(user.pk),
        limit=settings.DISCUSSIONS_POST_RATE_COUNT,
        period=period,
    ):
        raise RateLimited(retry_after(period=period))


def _consume_edit_allowance(user: User) -> None:
    period = settings.DISCUSSIONS_EDIT_RATE_SECONDS
    if rate_limit_exceeded(
        scope="discussion-edit",
        key=str(user.pk),
        limit=settings.DISCUSSIONS_EDIT_RATE_COUNT,
        period=period,
    ):
        seconds = retry_after(period=period)
        raise RateLimited(
            seconds,
            ngettext(
                "Sie haben gerade sehr oft bearbeitet. Bitte warten Sie eine Sekunde.",
                "Sie haben gerade sehr oft bearbeitet. Bitte warten Sie %(seconds)d Sekunden.",
                seconds,
            )
            % {"seconds": seconds},
        )


def _check_not_muted(author: User, channel: Channel) -> None:
    """A muted member changes nothing in the channel: no posts, no edits."""
    if is_muted(user=author, channel=channel):
        raise PermissionDenied(_("Die Moderation hat Sie in diesem Kanal stummgeschaltet."))


def _check_slow_mode(author: User, channel: Channel) -> None:
    """Slow mode spaces out each member's writes, posts and edits alike: the clock runs from
    the newest message they posted or edited in the channel."""
    if not channel.slow_mode_seconds or is_moderator(author):
        return
    now = timezone.now()
    since = now - timedelta(seconds=channel.slow_mode_seconds)
    recent = (
        Message.objects.filter(channel=channel, author=author)
        .filter(Q(created_at__gt=since) | Q(edited_at__gt=since))
        .aggregate(posted=Max("created_at"), edited=Max("edited_at"))
    )
    last = max((stamp for stamp in recent.values() if stamp is not None), default=None)
    if last is None:
        return
    wait = channel.slow_mode_seconds - (now - last).total_seconds()
    if wait > 0:
        seconds = max(1, int(wait + 0.999))
        raise RateLimited(
            seconds,
            ngettext(
                "In diesem Kanal gilt der langsame Modus. Bitte warten Sie noch eine Sekunde.",
                "In diesem Kanal gilt der langsame Modus. Bitte warten Sie noch %(seconds)d "
                "Sekunden.",
                seconds,
            )
            % {"seconds": seconds},
        )


def _clean_source(source: str) -> str:
    validate_storable_text(source)
    source = source.strip()
    if not source:
        raise ValidationError(_("Bitte schreiben Sie eine Nachricht."), code="empty")
    if len(source) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _(
                "Ihre Nachricht ist zu lang: höchstens %(limit)s Zeichen, "
                "Ihre hat %(length)s. Teilen Sie sie bitte auf."
            )
            % {
                "limit": number_format(MESSAGE_MAX_LENGTH, force_grouping=True),
                "length": number_format(len(source), force_grouping=True),
            },
            code="too_long",
        )
    return source


def _render(source: str, channel_id: int) -> str:
    """The message HTML with its mentions of channel members marked."""
    html = render_markdown(source)
    if "@" not in source:
        return html
    return mark_mentions(html, mentionable_members(channel=channel_id))


@transaction.atomic
def message_post(
    *, author: User, channel: Channel, source: str, reply_to_id: int | None = None
) -> Message:
    """Store a message from the form or the websocket and tell every open tab of the channel.

    Replies hang off the thread's first message, so threads stay one level deep.
    """
    if not can_post(viewer=author, channel=channel):
        raise PermissionDenied(_("Sie können in diesem Kanal nicht schreiben."))
    _check_not_muted(author, channel)
    source = _clean_source(source)
    reply_to = None
    answered_author_id = None
    if reply_to_id is not None:
        reply_to = Message.objects.filter(pk=reply_to_id, channel=channel).first()
        if reply_to is None:
            raise ValidationError(
                _("Die Nachricht, auf die Sie antworten, gibt es in diesem Kanal nicht."),
                code="reply_to",
            )
        answered_author_id = reply_to.author_id
        if reply_to.reply_to_id is not None:
            reply_to = Message.objects.get(pk=reply_to.reply_to_id)
    _check_slow_mode(author, channel)
    _consume_post_allowance(author)
    announce = _broadcast_after_commit(channel.pk)
    message = Message.objects.create(
        channel=channel,
        author=author,
        reply_to=reply_to,
        source=source,
        html=_render(source, channel.pk),
    )
    Membership.objects.filter(channel=channel, user=author).update(
        last_read_id=Greatest(F("last_read_id"), message.pk)
    )
    message = Message.objects.select_related("author__profile").get(pk=message.pk)
    announce(events.message_new(message))
    _notify(message, answered_author_id)
    _question_reply_posted(message)
    return message


def _editable(*, user: User, message: Message) -> None:
    if message.is_removed:
        raise ValidationError(_("Diese Nachricht wurde gelöscht."), code="deleted")
    if message.author_id != user.pk or not can_post(viewer=user, channel=message.channel):
        raise PermissionDenied(_("Sie können nur Ihre eigenen Nachrichten bearbeiten."))


@transaction.atomic
def message_edit(*, editor: User, message: Message, source: str) -> Message:
    """Authors edit their own messages; the earlier version stays for moderators. Mute, slow
    mode and a rate limit apply as to posts; an unchanged text stores nothing and counts for
    none of them."""
    message = Message.objects.select_for_update().select_related("channel").get(pk=message.pk)
    _editable(user=editor, message=message)
    _check_not_muted(editor, message.channel)
    source = _clean_source(source)
    if source == message.source:
        return message
    _check_slow_mode(editor, message.channel)
    _consume_edit_allowance(editor)
    announce = _broadcast_after_commit(message.channel_id)
    MessageRevision.objects.create(
        message=message, source=message.source, written_at=message.edited_at or message.created_at
    )
    message.source = source
    message.html = _render(source, message.channel_id)
    message.edited_at = timezone.now()
    message.save(update_fields=["source", "html", "edited_at"])
    message = Message.objects.select_related("author__profile").get(pk=message.pk)
    announce(events.message_edited(message))
    return message


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """Authors delete their own messages, moderators any. A tombstone keeps the thread's shape;
    the text stays stored for moderators only."""
    message = Message.objects.select_for_update().select_related("channel").get(pk=message.pk)
    own = message.author_id == actor.pk and can_post(viewer=actor, channel=message.channel)
    if not (own or (is_moderator(actor) and can_read(viewer=actor, channel=message.channel))):
        raise PermissionDenied(_("Sie können diese Nachricht nicht löschen."))
    if message.is_deleted:
        return message
    announce = _broadcast_after_commit(message.channel_id)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    _question_reply_removed(message)
    if not own:
        _log(actor, ModerationActionKind.DELETE, message.channel, message=message)
        _flags_resolve(actor, message)
    announce(events.message_deleted(message))
    return message
