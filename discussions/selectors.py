"""Reads for discussion channels. Who may read and take part is decided here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.permission_policies.pages import PagePermissionPolicy

from discussions.models import (
    Channel,
    ChannelVisibility,
    DigestSubscription,
    Flag,
    Invitation,
    Membership,
    Message,
    ModerationAction,
    Mute,
    Notification,
    Reaction,
    ReactionEmoji,
)
from members.avatars import NEUTRAL, Avatar
from members.models import Approval, User, Visibility
from members.selectors import Viewer, is_network_member, member_avatar, member_name

HISTORY_PAGE_SIZE = 50
MODERATE_PERMISSION = "discussions.moderate_channel"


def is_moderator(viewer: Viewer) -> bool:
    return is_network_member(viewer) and viewer.has_perm(MODERATE_PERMISSION)


def is_muted(*, user: User, channel: Channel) -> bool:
    return Mute.objects.filter(
        Q(until__isnull=True) | Q(until__gt=timezone.now()), channel=channel, user=user
    ).exists()


def channel_mutes(*, channel: Channel) -> list[Mute]:
    return list(
        Mute.objects.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()), channel=channel)
        .select_related("user__profile")
        .order_by("created_at")
    )


def open_flags() -> QuerySet[Flag]:
    """The moderation queue: open reports, oldest first, with what a moderator needs."""
    return Flag.objects.filter(resolved_at__isnull=True).select_related(
        "message__channel", "message__author__profile", "reporter__profile"
    )


def may_read_flag_report(viewer: Viewer) -> bool:
    """The report of flagged messages is for moderators and for editors (who publish pages)."""
    return is_moderator(viewer) or (
        is_network_member(viewer) and PagePermissionPolicy().user_has_permission(viewer, "publish")
    )


def flagged_messages(*, viewer: Viewer) -> QuerySet[Message]:
    """Messages with open reports, the longest waiting first, each with `report_count`,
    `first_reported_at` and its `open_flags`.

    Moderators see every one, as in their queue; an editor who does not moderate sees those of
    the channels they may read (open channels and private ones they belong to).
    """
    if not may_read_flag_report(viewer):
        return Message.objects.none()
    open_flags = Flag.objects.filter(resolved_at__isnull=True)
    messages = Message.objects.filter(Exists(open_flags.filter(message=OuterRef("pk"))))
    if not is_moderator(viewer):
        messages = messages.filter(channel__in=readable_channels(viewer=viewer))
    return (
        messages.annotate(
            report_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)),
            first_reported_at=Min("flags__created_at", filter=Q(flags__resolved_at__isnull=True)),
        )
        .select_related("channel")
        .prefetch_related(
            Prefetch("flags", queryset=open_flags.order_by("created_at"), to_attr="open_flags")
        )
        .order_by("first_reported_at", "pk")
    )


def moderation_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related(
        "actor__profile", "member__profile", "channel", "message"
    )


def membership_for(*, viewer: Viewer, channel: Channel) -> Membership | None:
    if not viewer.is_authenticated:
        return None
    return Membership.objects.filter(channel=channel, user=viewer).first()


def has_invitation(*, viewer: Viewer, channel: Channel) -> bool:
    return (
        viewer.is_authenticated and Invitation.objects.filter(channel=channel, user=viewer).exists()
    )


def is_open_to_members(channel: Channel) -> bool:
    """Every approved member reads an open channel; a private one only its own members."""
    return channel.visibility == ChannelVisibility.OPEN


def can_read(*, viewer: Viewer, channel: Channel) -> bool:
    """Approved members read open channels; private ones only their members."""
    if not is_network_member(viewer):
        return False
    if is_open_to_members(channel):
        return True
    return Membership.objects.filter(channel=channel, user=viewer).exists()


def shown_messages() -> QuerySet[Message]:
    """Messages whose text readers see: neither deleted nor hidden (`Message.is_removed`)."""
    return Message.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def readable_channels(*, viewer: Viewer) -> QuerySet[Channel]:
    """Every channel `can_read` lets the viewer read, in one query."""
    if not is_network_member(viewer):
        return Channel.objects.none()
    return Channel.objects.filter(
        Q(visibility=ChannelVisibility.OPEN) | Q(memberships__user=viewer)
    ).distinct()


def can_post(*, viewer: Viewer, channel: Channel) -> bool:
    """Members of a channel that is not archived write, reply and react there."""
    return (
        is_network_member(viewer)
        and not channel.is_archived
        and Membership.objects.filter(channel=channel, user=viewer).exists()
    )


def can_manage(*, viewer: Viewer, channel: Channel) -> bool:
    """Who archives a channel: whoever created it, and moderators."""
    return is_network_member(viewer) and (
        channel.created_by_id == viewer.pk or viewer.has_perm(MODERATE_PERMISSION)
    )


def readable_channel(*, viewer: Viewer, slug: str) -> Channel | None:
    channel = Channel.objects.filter(slug=slug).prefetch_related("topics").first()
    if channel is None or not can_read(viewer=viewer, channel=channel):
        return None
    return channel


def readable_channel_by_id(*, viewer: Viewer, channel_id: int) -> Channel | None:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None or not can_read(viewer=viewer, channel=channel):
        return None
    return channel


@dataclass(frozen=True)
class ChannelListEntry:
    channel: Channel
    is_member: bool
    is_invited: bool
    unread: int


def channel_index(*, viewer: Viewer) -> list[ChannelListEntry]:
    """The channels a member sees: open ones, private ones they belong to or are invited to,
    with unread counts for those they joined. Nothing for anyone else."""
    if not is_network_member(viewer):
        return []
    unread = dict(
        Membership.objects.filter(user=viewer)
        .annotate(
            unread=Count(
                "channel__messages",
                filter=Q(channel__messages__id__gt=F("last_read_id"))
                & Q(channel__messages__deleted_at__isnull=True)
                & ~Q(channel__messages__author=viewer),
            )
        )
        .values_list("channel_id", "unread")
    )
    invited = set(Invitation.objects.filter(user=viewer).values_list("channel_id", flat=True))
    channels = (
        Channel.objects.filter(
            Q(visibility=ChannelVisibility.OPEN) | Q(pk__in=unread.keys()) | Q(pk__in=invited)
        )
        .prefetch_related("topics")
        .order_by("is_archived", "name")
    )
    return [
        ChannelListEntry(
            channel=channel,
            is_member=channel.pk in unread,
            is_invited=channel.pk in invited,
            unread=unread.get(channel.pk, 0),
        )
        for channel in channels
    ]


def _with_display(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author__profile", "reply_to__author__profile").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.only("message_id", "user_id", "emoji"))
    )


@dataclass(frozen=True)
class HistoryPage:
    messages: list[Message]
    older_cursor: int | None
    newer_cursor: int | None


def channel_history(
    *,
    channel: Channel,
    before: int | None = None,
    after: int | None = None,
    limit: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of messages, oldest first. Without a cursor the newest; `before` an id for older
    ones, `after` an id for the page following a point (jump to first unread, permalinks)."""
    messages = Message.objects.filter(channel=channel)
    if after is not None:
        page = list(_with_display(messages.filter(id__gt=after).order_by("id"))[: limit + 1])
        has_newer = len(page) > limit
        page = page[:limit]
        has_older = messages.filter(id__lte=after).exists()
    else:
        messages_before = messages.filter(id__lt=before) if before is not None else messages
        page = list(_with_display(messages_before.order_by("-id"))[: limit + 1])
        has_older = len(page) > limit
        page = page[:limit][::-1]
        has_newer = before is not None and messages.filter(id__gte=before).exists()
    return HistoryPage(
        messages=page,
        older_cursor=page[0].pk if page and has_older else None,
        newer_cursor=page[-1].pk if page and has_newer else None,
    )


def first_unread_id(*, channel: Channel, membership: Membership | None) -> int | None:
    if membership is None:
        return None
    return (
        Message.objects.filter(channel=channel, id__gt=membership.last_read_id)
        .exclude(author_id=membership.user_id)
        .filter(deleted_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def readable_message(*, viewer: Viewer, message_id: int) -> Message | None:
    message = Message.objects.filter(pk=message_id).select_related("channel").first()
    if message is None or not can_read(viewer=viewer, channel=message.channel):
        return None
    return message


def channel_message(*, channel: Channel, message_id: int) -> Message | None:
    return Message.objects.filter(channel=channel, pk=message_id).first()


def reaction_counts(*, message: Message) -> dict[str, int]:
    counts = dict(
        Reaction.objects.filter(message=message)
        .values_list("emoji")
        .annotate(count=Count("id"))
        .values_list("emoji", "count")
    )
    return {emoji: counts[emoji] for emoji in ReactionEmoji.values if emoji in counts}


def reactions_summary(*, message: Message, viewer: Viewer) -> list[dict[str, Any]]:
    """Per emoji of the fixed set: how many reacted and whether the viewer did. Uses the
    prefetched reactions."""
    reactions = list(message.reactions.all())
    return [
        {
            "emoji": emoji,
            "label": label,
            "count": sum(1 for reaction in reactions if reaction.emoji == emoji),
            "mine": any(
                reaction.emoji == emoji and reaction.user_id == viewer.pk for reaction in reactions
            ),
        }
        for emoji, label in ReactionEmoji.choices
    ]


def message_revisions(*, message: Message) -> QuerySet[Any]:
    return message.revisions.all()


@dataclass(frozen=True)
class MessageEntry:
    """A message as one viewer sees it on the channel page."""

    message: Message
    author_name: str
    author_avatar: Avatar
    reply_to_name: str | None
    reactions: list[dict[str, Any]]
    is_own: bool
    can_delete: bool
    is_first_unread: bool
    reply_count: int


def message_entries(
    *, messages: list[Message], viewer: Viewer, may_post: bool, first_unread: int | None
) -> list[MessageEntry]:
    moderator = is_moderator(viewer)
    replies = _reply_counts(messages)
    entries = []
    for message in messages:
        is_own = message.author_id == viewer.pk and not message.is_removed
        entries.append(
            MessageEntry(
                message=message,
                author_name=member_name(message.author),
                author_avatar=NEUTRAL
                if message.is_removed
                else member_avatar(message.author, viewer=viewer),
                reply_to_name=member_name(message.reply_to.author) if message.reply_to else None,
                reactions=reactions_summary(message=message, viewer=viewer),
                is_own=is_own and may_post,
                can_delete=not message.is_removed and ((is_own and may_post) or moderator),
                is_first_unread=message.pk == first_unread,
                reply_count=replies.get(message.pk, 0),
            )
        )
    return entries


def messages_for_display(message_ids: list[int]) -> list[Message]:
    return list(_with_display(Message.objects.filter(pk__in=message_ids).order_by("id")))


def live_entry(message: Message) -> MessageEntry:
    """A message as the live events carry it to every open tab: seen by no one in particular
    (own-message actions and pressed reactions are the page's to switch on)."""
    message = _with_display(Message.objects.filter(pk=message.pk)).get()
    return MessageEntry(
        message=message,
        author_name=member_name(None if message.is_removed else message.author),
        author_avatar=NEUTRAL if message.is_removed else member_avatar(message.author),
        reply_to_name=member_name(message.reply_to.author) if message.reply_to else None,
        reactions=reactions_summary(message=message, viewer=AnonymousUser()),
        is_own=False,
        can_delete=False,
        is_first_unread=False,
        reply_count=_reply_counts([message]).get(message.pk, 0),
    )


def reply_count(*, root_id: int) -> int:
    return Message.objects.filter(reply_to_id=root_id).count()


def thread_messages(*, root: Message) -> list[Message]:
    return list(
        _with_display(Message.objects.filter(Q(pk=root.pk) | Q(reply_to=root)).order_by("id"))[:500]
    )


def _reply_counts(messages: list[Message]) -> dict[int, int]:
    counts = (
        Message.objects.filter(reply_to__in=[m.pk for m in messages])
        .values_list("reply_to")
        .annotate(count=Count("id"))
        .values_list("reply_to", "count")
    )
    return {root_id: count for root_id, count in counts if root_id is not None}


def mentionable_members(*, channel: Channel | int) -> list[tuple[int, str]]:
    """Members of the channel by the name others see, longest first so "@Anna Albers" wins
    over "@Anna"."""
    names = Membership.objects.filter(
        channel=channel,
        user__profile__display_name_visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS],
    ).values_list("user_id", "user__profile__display_name")
    return sorted(((user_id, name) for user_id, name in names if name), key=lambda n: -len(n[1]))


def _notifications(user_id: int) -> QuerySet[Notification]:
    """A member's notifications, leaving out removed messages and channels they can no longer
    read."""
    # An Exists rather than a join: the count in every page's header then needs no DISTINCT.
    is_channel_member = Exists(
        Membership.objects.filter(channel_id=OuterRef("message__channel_id"), user_id=user_id)
    )
    return Notification.objects.filter(
        Q(message__channel__visibility=ChannelVisibility.OPEN) | is_channel_member,
        recipient_id=user_id,
        message__deleted_at__isnull=True,
        message__hidden_at__isnull=True,
    )


def mention_suggestions(*, channel: Channel, query: str, limit: int = 8) -> list[str]:
    """Names of channel members containing the typed text, for the mention autocomplete."""
    query = query.strip().casefold()
    names = sorted(name for _user_id, name in mentionable_members(channel=channel))
    return [name for name in names if query in name.casefold()][:limit]


def unread_notification_count(*, user_id: int) -> int:
    return _notifications(user_id).filter(read_at__isnull=True).count()


def notifications_for(*, viewer: User) -> QuerySet[Notification]:
    """The viewer's notifications, newest first."""
    return _notifications(viewer.pk).select_related("message__channel", "message__author__profile")


def unread_notifications_since(*, user: Any, since: Any) -> list[Notification]:
    notifications = _notifications(user.pk).filter(read_at__isnull=True)
    if since is not None:
        notifications = notifications.filter(created_at__gt=since)
    return list(notifications.select_related("message__channel", "message__author__profile"))


def digest_recipients() -> QuerySet[Any]:
    """Approved, active members with unread notifications who have not turned the digest off."""
    return (
        User.objects.filter(
            is_active=True,
            approval=Approval.APPROVED,
            channel_notifications__read_at__isnull=True,
        )
        .exclude(discussion_digest__enabled=False)
        .distinct()
        .order_by("pk")
    )


def digest_enabled(*, user: Any) -> bool:
    return not DigestSubscription.objects.filter(user=user, enabled=False).exists()
