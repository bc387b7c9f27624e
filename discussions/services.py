"""Writes for discussion channels.

Every write checks who may do it, because the same functions serve the HTML forms and the
websocket. Broadcasts go out after the transaction commits, so nobody is told about a message
that was rolled back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions import events
from discussions.models import (
    Channel,
    ChannelVisibility,
    DigestSubscription,
    Flag,
    Invitation,
    Membership,
    Message,
    MessageRevision,
    ModerationAction,
    ModerationActionKind,
    Mute,
    Notification,
    NotificationKind,
    Reaction,
    ReactionEmoji,
)
from discussions.rendering import render_markdown
from discussions.selectors import (
    can_manage,
    can_post,
    can_read,
    digest_recipients,
    is_moderator,
    is_muted,
    mentionable_members,
    reaction_counts,
    unread_notification_count,
    unread_notifications_since,
)
from hub.fanout import channel_layer
from hub.models import Topic, topic_slug
from hub.ratelimit import rate_limit_exceeded, retry_after
from hub.realtime import discussion_event, discussion_group, member_event, member_group
from hub.validators import validate_storable_text
from members.models import User
from members.selectors import is_network_member

MESSAGE_MAX_LENGTH = 4000
# Slugs that would shadow the section's own addresses.
RESERVED_SLUGS = frozenset({"neu", "nachricht", "benachrichtigungen"})


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


def _broadcast_on_commit(channel_id: int, payload: dict[str, Any]) -> None:
    _broadcast_after_commit(channel_id)(payload)


def _broadcast_after_commit(channel_id: int) -> Callable[[dict[str, Any]], None]:
    """Take the first place among the commit's callbacks for a live event of the channel; call
    the returned function with the event once it is known (nothing goes out if it never is).

    Callbacks run in the order they were registered, and saving a message schedules the search
    index's refresh (a dozen milliseconds of queries): registered before the save, the open
    tabs hear of the change first.
    """
    payloads: list[dict[str, Any]] = []

    def send() -> None:
        for payload in payloads:
            async_to_sync(channel_layer().group_send)(
                discussion_group(channel_id), discussion_event(channel_id, payload)
            )

    transaction.on_commit(send)
    return payloads.append


def _tell_member_on_commit(user_id: int, payload: dict[str, Any]) -> None:
    def send() -> None:
        async_to_sync(channel_layer().group_send)(
            member_group(user_id), member_event(user_id, payload)
        )

    transaction.on_commit(send)


def _require_storable(**fields: str) -> None:
    """Every named field's text must be storable; the errors name their fields, so a form
    shows each at its field."""
    errors: dict[str, ValidationError] = {}
    for field, value in fields.items():
        try:
            validate_storable_text(value)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)


def _unique_slug(name: str) -> str:
    base = topic_slug(name)
    base = base[:70] or "kanal"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Channel.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def channel_create(
    *,
    creator: User,
    name: str,
    description: str = "",
    visibility: str = ChannelVisibility.OPEN,
    topics: Iterable[Topic] = (),
) -> Channel:
    """Any approved member may open a channel; they become its first member."""
    if not is_network_member(creator):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Kanäle anlegen."))
    _require_storable(name=name, description=description)
    name = name.strip()
    if not name:
        raise ValidationError(_("Bitte geben Sie dem Kanal einen Namen."))
    channel = Channel.objects.create(
        name=name,
        slug=_unique_slug(name),
        description=description.strip(),
        visibility=visibility,
        created_by=creator,
    )
    channel.topics.set(topics)
    Membership.objects.create(channel=channel, user=creator)
    return channel


@transaction.atomic
def channel_archive(*, actor: User, channel: Channel, archived: bool = True) -> Channel:
    if not can_manage(viewer=actor, channel=channel):
        raise PermissionDenied(_("Nur wer den Kanal angelegt hat und die Moderation archivieren."))
    channel.is_archived = archived
    channel.save(update_fields=["is_archived"])
    return channel


@transaction.atomic
def channel_join(*, user: User, channel: Channel) -> Membership:
    """Open channels anyone in the network joins; private ones need an invitation, used up here."""
    if not is_network_member(user):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Kanälen beitreten."))
    if channel.is_private:
        invitation = Invitation.objects.filter(channel=channel, user=user).first()
        already = Membership.objects.filter(channel=channel, user=user).first()
        if already is not None:
            return already
        if invitation is None:
            raise PermissionDenied(_("Diesem privaten Kanal treten Sie nur mit Einladung bei."))
        invitation.delete()
    newest = channel.messages.order_by("-id").values_list("id", flat=True).first() or 0
    # A newcomer starts with everything read: old messages are history, not news.
    membership, _created = Membership.objects.get_or_create(
        channel=channel, user=user, defaults={"last_read_id": newest}
    )
    return membership


@transaction.atomic
def channel_leave(*, user: User, channel: Channel) -> None:
    deleted, _details = Membership.objects.filter(channel=channel, user=user).delete()
    if deleted and channel.is_private:
        # Open tabs stop receiving the channel they may no longer read.
        _tell_member_on_commit(user.pk, {"type": "channel.revoked", "channel": channel.pk})


@transaction.atomic
def channel_members_set(*, channel: Channel, users: Iterable[User]) -> None:
    """Make exactly these people the members of a private channel whose membership another
    part of the platform decides (a course session's channel). Only approved members are
    added; newcomers start with everything read; the open tabs of those removed stop
    receiving the channel."""
    if not channel.is_private:
        raise ValueError("Only private channels have their members set.")
    wanted = {user.pk for user in users if is_network_member(user)}
    current = set(Membership.objects.filter(channel=channel).values_list("user_id", flat=True))
    newest = channel.messages.order_by("-id").values_list("id", flat=True).first() or 0
    Membership.objects.bulk_create(
        [
            Membership(channel=channel, user_id=user_id, last_read_id=newest)
            for user_id in sorted(wanted - current)
        ],
        ignore_conflicts=True,
    )
    removed = current - wanted
    Membership.objects.filter(channel=channel, user_id__in=removed).delete()
    for user_id in sorted(removed):
        _tell_member_on_commit(user_id, {"type": "channel.revoked", "channel": channel.pk})


@transaction.atomic
def channel_invite(*, inviter: User, channel: Channel, invitee: User) -> Invitation:
    if not can_post(viewer=inviter, channel=channel):
        raise PermissionDenied(_("Nur Mitglieder des Kanals können einladen."))
    if not is_network_member(invitee):
        raise ValidationError(_("Eingeladen werden können nur freigeschaltete Mitglieder."))
    if Membership.objects.filter(channel=channel, user=invitee).exists():
        raise ValidationError(_("Diese Person ist bereits Mitglied des Kanals."))
    invitation, _created = Invitation.objects.get_or_create(
        channel=channel, user=invitee, defaults={"invited_by": inviter}
    )
    return invitation


def _consume_post_allowance(user: User) -> None:
    """A sliding window per member in the cache: at most N messages in S seconds."""
    limit = settings.DISCUSSIONS_POST_RATE_COUNT
    window = settings.DISCUSSIONS_POST_RATE_SECONDS
    key = f"discussions:posts:{user.pk}"
    now = time.time()
    recent = [stamp for stamp in cache.get(key, []) if stamp > now - window]
    if len(recent) >= limit:
        raise RateLimited(max(1, int(recent[0] + window - now + 0.999)))
    recent.append(now)
    cache.set(key, recent, timeout=window)


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
        html=render_markdown(source),
    )
    Membership.objects.filter(channel=channel, user=author).update(
        last_read_id=Greatest(F("last_read_id"), message.pk)
    )
    message = Message.objects.select_related("author__profile").get(pk=message.pk)
    announce(events.message_new(message))
    _notify(message, answered_author_id)
    return message


def _notify(message: Message, answered_author_id: int | None) -> None:
    """Tell members mentioned by name ("@Anzeigename") and the author answered; only members
    of the channel, who may read it, and never the author themselves."""
    recipients: dict[int, str] = {}
    # Most messages mention nobody; then the channel's member list is not needed.
    mentioned = mentionable_members(channel=message.channel) if "@" in message.source else ()
    for user_id, name in mentioned:
        if user_id != message.author_id and re.search(
            rf"(?<!\w)@{re.escape(name)}(?!\w)", message.source, flags=re.IGNORECASE
        ):
            recipients[user_id] = NotificationKind.MENTION
    if answered_author_id and answered_author_id != message.author_id:
        is_member = Membership.objects.filter(
            channel=message.channel_id, user=answered_author_id
        ).exists()
        if is_member:
            recipients.setdefault(answered_author_id, NotificationKind.REPLY)
    Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, message=message)
        for user_id, kind in recipients.items()
    )
    for user_id, kind in recipients.items():
        _tell_member_on_commit(
            user_id,
            events.notification_new(
                message=message,
                kind=kind,
                unread=unread_notification_count(user_id=user_id),
            ),
        )


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


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
    message.html = render_markdown(source)
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
    if not own:
        _log(actor, ModerationActionKind.DELETE, message.channel, message=message)
        _flags_resolve(actor, message)
    announce(events.message_deleted(message))
    return message


@transaction.atomic
def reaction_toggle(*, user: User, message: Message, emoji: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is there now."""
    if emoji not in ReactionEmoji.values:
        raise ValidationError(_("Diese Reaktion gibt es nicht."), code="emoji")
    if message.is_removed:
        raise ValidationError(_("Diese Nachricht wurde gelöscht."), code="deleted")
    if not can_post(viewer=user, channel=message.channel) or is_muted(
        user=user, channel=message.channel
    ):
        raise PermissionDenied(_("Sie können in diesem Kanal nicht reagieren."))
    deleted, _details = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
    added = not deleted
    if added:
        try:
            with transaction.atomic():
                Reaction.objects.create(message=message, user=user, emoji=emoji)
        except IntegrityError:
            # A double click from two tabs: the reaction is there, which is what was asked.
            pass
    _broadcast_on_commit(
        message.channel_id,
        events.reaction_changed(
            message=message,
            counts=reaction_counts(message=message),
            user=user,
            emoji=emoji,
            added=added,
        ),
    )
    return added


@transaction.atomic
def channel_mark_read(*, user: User, channel: Channel, up_to: int) -> None:
    """Move the member's read pointer forward (never back) to the message `up_to`."""
    Membership.objects.filter(channel=channel, user=user).update(
        last_read_id=Greatest(F("last_read_id"), up_to)
    )


def _log(
    actor: User,
    kind: str,
    channel: Channel,
    *,
    message: Message | None = None,
    member: User | None = None,
    note: str = "",
) -> None:
    ModerationAction.objects.create(
        actor=actor, kind=kind, channel=channel, message=message, member=member, note=note
    )


def _flags_resolve(moderator: User, message: Message) -> None:
    Flag.objects.filter(message=message, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


def _require_moderator(user: User, channel: Channel) -> None:
    if not (is_moderator(user) and can_read(viewer=user, channel=channel)):
        raise PermissionDenied(_("Das darf nur die Moderation."))


@transaction.atomic
def message_flag(*, reporter: User, message: Message, reason: str, note: str = "") -> Flag:
    """A reader reports a message to the moderation, once while the report is open."""
    if not can_read(viewer=reporter, channel=message.channel):
        raise PermissionDenied(_("Sie können diese Nachricht nicht melden."))
    if message.is_removed:
        raise ValidationError(_("Diese Nachricht wurde bereits entfernt."), code="removed")
    if message.author_id == reporter.pk:
        raise ValidationError(_("Eigene Nachrichten können Sie löschen statt melden."))
    flag, created = Flag.objects.get_or_create(
        message=message,
        reporter=reporter,
        resolved_at=None,
        defaults={"reason": reason, "note": note.strip()[:1000]},
    )
    if not created:
        raise ValidationError(_("Sie haben diese Nachricht bereits gemeldet."), code="duplicate")
    return flag


@transaction.atomic
def message_hide(*, moderator: User, message: Message, note: str = "") -> Message:
    """Hide a message for everyone; it disappears from open tabs at once."""
    _require_moderator(moderator, message.channel)
    if message.hidden_at is None:
        announce = _broadcast_after_commit(message.channel_id)
        message.hidden_at = timezone.now()
        message.save(update_fields=["hidden_at"])
        _log(moderator, ModerationActionKind.HIDE, message.channel, message=message, note=note)
        announce(events.message_hidden(message))
    _flags_resolve(moderator, message)
    return message


@transaction.atomic
def message_show(*, moderator: User, message: Message, note: str = "") -> Message:
    _require_moderator(moderator, message.channel)
    if message.hidden_at is not None:
        message.hidden_at = None
        message.save(update_fields=["hidden_at"])
        _log(moderator, ModerationActionKind.SHOW, message.channel, message=message, note=note)
    return message


@transaction.atomic
def flag_dismiss(*, moderator: User, flag: Flag, note: str = "") -> None:
    """The message stays: every open report on it is closed."""
    _require_moderator(moderator, flag.message.channel)
    _flags_resolve(moderator, flag.message)
    _log(
        moderator,
        ModerationActionKind.DISMISS,
        flag.message.channel,
        message=flag.message,
        note=note,
    )


@transaction.atomic
def member_mute(
    *, moderator: User, channel: Channel, member: User, minutes: int | None, note: str = ""
) -> Mute:
    """Mute a member in one channel, for some minutes or until lifted."""
    _require_moderator(moderator, channel)
    if member.pk == moderator.pk:
        raise ValidationError(_("Sie können sich nicht selbst stummschalten."))
    if minutes is not None and minutes < 1:
        raise ValidationError(_("Bitte geben Sie mindestens eine Minute an."))
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    mute, _created = Mute.objects.update_or_create(
        channel=channel, user=member, defaults={"until": until}
    )
    _log(moderator, ModerationActionKind.MUTE, channel, member=member, note=note)
    return mute


@transaction.atomic
def member_unmute(*, moderator: User, channel: Channel, member: User, note: str = "") -> None:
    _require_moderator(moderator, channel)
    if Mute.objects.filter(channel=channel, user=member).delete()[0]:
        _log(moderator, ModerationActionKind.UNMUTE, channel, member=member, note=note)


@transaction.atomic
def channel_slow_mode_set(*, moderator: User, channel: Channel, seconds: int) -> Channel:
    _require_moderator(moderator, channel)
    if not 0 <= seconds <= 3600:
        raise ValidationError(_("Der langsame Modus liegt zwischen 0 und 3.600 Sekunden."))
    channel.slow_mode_seconds = seconds
    channel.save(update_fields=["slow_mode_seconds"])
    _log(moderator, ModerationActionKind.SLOW_MODE, channel, note=f"{seconds} s")
    return channel


@transaction.atomic
def digest_subscription_set(*, user: User, enabled: bool) -> DigestSubscription:
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"enabled": enabled}
    )
    return subscription


def notification_digest_send() -> int:
    """Mail every member, who has not opted out, the unread notifications that arrived since
    their last digest; returns how many mails went out. Run daily
    (`manage.py send_notification_digest`)."""
    now = timezone.now()
    sent = 0
    for user in digest_recipients():
        with transaction.atomic():
            subscription, _created = DigestSubscription.objects.select_for_update().get_or_create(
                user=user
            )
            if not subscription.enabled:
                continue
            fresh = unread_notifications_since(user=user, since=subscription.last_sent_at)
            if not fresh:
                continue
            _digest_mail_on_commit(user, fresh)
            subscription.last_sent_at = now
            subscription.save(update_fields=["last_sent_at"])
            sent += 1
    return sent


def _digest_mail_on_commit(user: User, notifications: list[Notification]) -> None:
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "items": [
            {
                "text": events.notification_text(message=n.message, kind=n.kind),
                "url": base_url + reverse("discussions:permalink", args=[n.message_id]),
            }
            for n in notifications
        ],
        "settings_url": base_url + reverse("discussions:notifications"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject: str = render_to_string("discussions/email/digest_subject.txt", context)
        body = render_to_string("discussions/email/digest_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
