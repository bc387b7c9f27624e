"""Notifications of mentions, replies and replies to questions a member helps with, marking
them read, and the digest mail: the notifications still unread and what other apps contribute
(`register_digest_part`), each kind daily, weekly or never as the member chose."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.links import absolute_url
from core.mail import mail_render, mails_send_on_commit
from discussions import events
from discussions.models import (
    DigestFrequency,
    DigestKind,
    DigestSubscription,
    Membership,
    Message,
    Notification,
    NotificationKind,
)
from discussions.selectors import (
    digest_recipients,
    mentionable_members,
    question_helper_ids,
    unread_notification_count,
    unread_notifications_since,
)
from discussions.services.broadcast import _tell_member_on_commit
from members.models import User


def _notify(message: Message, answered_author_id: int | None) -> None:
    """Tell members mentioned by name ("@Anzeigename"), the author answered and, for a reply
    to a question, who said "Ich kann hier helfen"; only members who may read the channel,
    each at most once, and never the author themselves."""
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
    if message.reply_to_id is not None:
        for user_id in question_helper_ids(
            question_id=message.reply_to_id, channel=message.channel
        ):
            if user_id != message.author_id:
                recipients.setdefault(user_id, NotificationKind.QUESTION_REPLY)
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


def _notify_solution(reply: Message, actor: User) -> None:
    """Tell the author of a reply marked as the solution, unless they marked it themselves or
    may no longer read the channel."""
    author_id = reply.author_id
    if author_id is None or author_id == actor.pk:
        return
    channel = Message.objects.select_related("channel").get(pk=reply.pk).channel
    if (
        channel.is_private
        and not Membership.objects.filter(channel=channel, user=author_id).exists()
    ):
        return
    Notification.objects.create(
        recipient_id=author_id, kind=NotificationKind.SOLUTION, message=reply
    )
    message = Message.objects.select_related("channel", "author__profile").get(pk=reply.pk)
    _tell_member_on_commit(
        author_id,
        events.notification_new(
            message=message,
            kind=NotificationKind.SOLUTION,
            unread=unread_notification_count(user_id=author_id),
        ),
    )


def notifications_send(*, message: Message, kind: str, details: dict[int, str]) -> None:
    """Tell each member in `details` (member id -> the reason shown) about the message, in the
    page, live and in the digest; for other apps' notifications, such as routed questions. The
    caller decides who may be told."""
    Notification.objects.bulk_create(
        Notification(recipient_id=user_id, kind=kind, message=message, detail=detail)
        for user_id, detail in details.items()
    )
    shown = Message.objects.select_related("channel", "author__profile").get(pk=message.pk)
    for user_id, detail in details.items():
        _tell_member_on_commit(
            user_id,
            events.notification_new(
                message=shown,
                kind=kind,
                detail=detail,
                unread=unread_notification_count(user_id=user_id),
            ),
        )


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def digest_preferences_set(*, user: User, frequencies: dict[DigestKind, str]) -> DigestSubscription:
    """Store how often each kind of digest content is mailed (`DigestFrequency`)."""
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={kind.value: frequency for kind, frequency in frequencies.items()}
    )
    return subscription


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str


# Items for one member: what arrived since the part was last mailed to them (None: never).
DigestPart = Callable[[User, datetime | None], list[DigestItem]]
_parts: dict[DigestKind, DigestPart] = {}
# A weekly part goes out once its week is over; the hour spares a daily run that starts a
# little earlier than last week's.
_WEEKLY = timedelta(days=7) - timedelta(hours=1)


def register_digest_part(kind: DigestKind, part: DigestPart) -> None:
    """Contribute a kind's items to the digest (an app above this one: network's followed
    content, open questions in followed topics)."""
    _parts[kind] = part


def _unread_notifications(user: User, since: datetime | None) -> list[DigestItem]:
    return [
        DigestItem(
            text=events.notification_text(message=n.message, kind=n.kind, detail=n.detail),
            url=absolute_url("discussions:permalink", n.message_id),
        )
        for n in unread_notifications_since(user=user, since=since)
    ]


register_digest_part(DigestKind.NOTIFICATIONS, _unread_notifications)


def _due(subscription: DigestSubscription, kind: DigestKind, now: datetime) -> bool:
    """Daily parts go with every (daily) run, weekly ones a week after they last went."""
    frequency = subscription.frequency(kind)
    if frequency == DigestFrequency.OFF:
        return False
    sent_at = getattr(subscription, f"{kind.value}_sent_at")
    return frequency == DigestFrequency.DAILY or sent_at is None or now - sent_at >= _WEEKLY


def notification_digest_send() -> int:
    """Mail every member what is new for them, per kind as often as they chose (the
    notifications still unread, followed content, open questions), nothing twice; returns how
    many mails went out. Run daily (`manage.py send_notification_digest`)."""
    now = timezone.now()
    sent = 0
    for user in digest_recipients():
        with transaction.atomic():
            subscription = DigestSubscription.objects.select_for_update().filter(
                user=user
            ).first() or DigestSubscription(user=user)
            sections = []
            for kind in DigestKind:
                part = _parts.get(kind)
                if part is None or not _due(subscription, kind, now):
                    continue
                items = part(user, getattr(subscription, f"{kind.value}_sent_at"))
                if items:
                    sections.append({"kind": kind.value, "title": kind.label, "items": items})
                    setattr(subscription, f"{kind.value}_sent_at", now)
            if not sections:
                continue
            _digest_mail_on_commit(user, sections)
            subscription.save()
            sent += 1
    return sent


def _digest_mail_on_commit(user: User, sections: list[dict[str, Any]]) -> None:
    only_notifications = [s["items"] for s in sections if s["kind"] == DigestKind.NOTIFICATIONS]
    context = {
        "sections": sections,
        # The subject counts the notifications when they are all the mail holds.
        "items": only_notifications[0] if len(sections) == 1 and only_notifications else [],
        "settings_url": absolute_url("discussions:notifications"),
    }
    mails_send_on_commit([mail_render("discussions/email/digest", to=user.email, context=context)])
