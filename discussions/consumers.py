"""Discussion frames on the tab's live websocket.

A tab opens the channels it shows ("channel.open"), then posts, types and marks read over the
same socket. Every frame re-checks access through the selectors, because membership can end
while the socket stays open; posting goes through the same service as the HTML form.
Deliveries need no check: a tab is subscribed to a channel only after `channel.open` was
allowed, and a revocation (a member leaving a private channel) unsubscribes it before any
later event of that channel is handed out.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from core.fanout import channel_layer
from core.ratelimit import rate_limit_exceeded
from core.realtime import discussion_event, discussion_group
from core.validators import validate_storable_text
from discussions import events, selectors
from discussions.services.channels import channel_mark_read
from discussions.services.messages import RateLimited, message_post
from members.consumers import LiveConsumer
from members.models import User
from members.selectors import is_network_member
from members.socket_auth import in_database_thread

NOT_READABLE = "Diesen Kanal gibt es nicht oder Sie haben keinen Zugang."
# A tab follows the unread counts of at most this many listed channels.
WATCHED_CHANNELS_MAX = 50


def _load_member(user_id: int) -> dict[str, Any]:
    return events.member_summary(User.objects.select_related("profile").get(pk=user_id))


def _readable(user: User, channel_id: int) -> Any:
    return selectors.readable_channel_by_id(viewer=user, channel_id=channel_id)


def _typing_allowed(user: User, channel_id: int) -> bool | None:
    """None when the member may not write in the channel; False when they are muted there or
    already announced typing within DISCUSSIONS_TYPING_SECONDS (from any of their tabs)."""
    channel = selectors.readable_channel_by_id(viewer=user, channel_id=channel_id)
    if channel is None or not selectors.can_post(viewer=user, channel=channel):
        return None
    if selectors.is_muted(user=user, channel=channel):
        return False
    return not rate_limit_exceeded(
        scope="discussion-typing",
        key=f"{user.pk}:{channel_id}",
        limit=1,
        period=settings.DISCUSSIONS_TYPING_SECONDS,
    )


def _post(user: User, channel_id: int, body: str, reply_to: int | None) -> int:
    channel = selectors.readable_channel_by_id(viewer=user, channel_id=channel_id)
    if channel is None:
        raise PermissionDenied(NOT_READABLE)
    message = message_post(author=user, channel=channel, source=body, reply_to_id=reply_to)
    return message.pk


def _mark_read(user: User, channel_id: int, message_id: int) -> bool:
    channel = selectors.readable_channel_by_id(viewer=user, channel_id=channel_id)
    if channel is None:
        return False
    channel_mark_read(user=user, channel=channel, up_to=message_id)
    return True


def _storable(text: str) -> bool:
    try:
        validate_storable_text(text)
    except ValidationError:
        return False
    return True


class DiscussionConsumer(LiveConsumer):
    frame_fields: ClassVar[dict[str, dict[str, type | tuple[type, ...]]]] = {
        **LiveConsumer.frame_fields,
        "channel.open": {"channel": int},
        "channel.close": {"channel": int},
        "message.post": {"channel": int, "body": str},
        "typing": {"channel": int},
        "channel.read": {"channel": int, "message_id": int},
        "channel.watch": {"channel": int},
    }
    open_channels: frozenset[int] = frozenset()
    # Channels the tab lists beside the one it shows, for their unread counts: it hears their
    # events but is not announced there.
    watched_channels: frozenset[int] = frozenset()
    # Set at connect for a member; frames and events only reach a connected member's socket.
    member: dict[str, Any] | None = None
    # When this tab last asked to announce typing, per open channel (monotonic seconds).
    typing_asked: dict[int, float] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is not None and is_network_member(user):
            self.member = await in_database_thread(_load_member, user.pk)
        await super().connect()

    async def disconnect(self, code: int) -> None:
        for channel_id in tuple(self.open_channels):
            await self._close_channel(channel_id)
        for channel_id in tuple(self.watched_channels):
            await self._unwatch(channel_id)
        await super().disconnect(code)

    async def frame_channel_watch(self, frame: dict[str, Any]) -> None:
        channel_id = frame["channel"]
        if channel_id in self.watched_channels:
            return
        if len(self.watched_channels) >= WATCHED_CHANNELS_MAX:
            await self.send_error(
                "too_many", "Dieser Tab verfolgt schon sehr viele Kanäle.", channel=channel_id
            )
            return
        channel = await in_database_thread(_readable, self.user, channel_id)
        if channel is None:
            await self.send_error("forbidden", NOT_READABLE, channel=channel_id)
            return
        self.watched_channels = self.watched_channels | {channel_id}
        if channel_id not in self.open_channels:
            assert self.fanout is not None
            await self.fanout.subscribe(discussion_group(channel_id), self)

    async def frame_channel_open(self, frame: dict[str, Any]) -> None:
        channel_id = frame["channel"]
        channel = await in_database_thread(_readable, self.user, channel_id)
        if channel is None:
            await self.send_error("forbidden", NOT_READABLE, channel=channel_id)
            return
        if channel_id not in self.open_channels:
            # Most tabs show one channel: a new frozenset costs less than an empty set each.
            self.open_channels = self.open_channels | {channel_id}
            assert self.fanout is not None
            await self.fanout.subscribe(discussion_group(channel_id), self)
            # Confirmed first, so the tab hears who is here after it knows the channel is open.
            await self.send_json(events.channel_opened(channel_id))
            await self._announce(channel_id, "joined", ask_who_is_here=True)
        else:
            await self.send_json(events.channel_opened(channel_id))

    async def frame_channel_close(self, frame: dict[str, Any]) -> None:
        await self._close_channel(frame["channel"])

    async def frame_message_post(self, frame: dict[str, Any]) -> None:
        channel_id = frame["channel"]
        reply_to = frame.get("reply_to")
        client_id = frame.get("client_id")
        context = {"channel": channel_id}
        if isinstance(client_id, str) and len(client_id) <= 64 and _storable(client_id):
            context["client_id"] = client_id
        if reply_to is not None and (isinstance(reply_to, bool) or not isinstance(reply_to, int)):
            await self.send_error("invalid_field", "Das Feld „reply_to“ ist ungültig.", **context)
            return
        try:
            message_id = await in_database_thread(
                _post, self.user, channel_id, frame["body"], reply_to
            )
        except RateLimited as error:
            await self.send_error("rate_limited", str(error), retry_after=error.seconds, **context)
        except PermissionDenied as error:
            await self.send_error("forbidden", str(error), **context)
        except ValidationError as error:
            await self.send_error("invalid", " ".join(error.messages), **context)
        else:
            await self.send_json(events.message_posted(message_id=message_id, **context))

    async def frame_typing(self, frame: dict[str, Any]) -> None:
        """Typing is a hint that the page shows for a few seconds and sends again while the
        member types: one per member and channel in DISCUSSIONS_TYPING_SECONDS is all the
        others need. Frames beyond that are dropped without an answer, as the hint itself goes
        unanswered; an error frame per excess frame would only give a flood a reply flood.
        This tab drops them before any database or cache work; the count in the cache holds
        the member to the same pace across all their tabs."""
        channel_id = frame["channel"]
        if channel_id not in self.open_channels:
            await self.send_error("forbidden", NOT_READABLE, channel=channel_id)
            return
        period = settings.DISCUSSIONS_TYPING_SECONDS
        now = time.monotonic()
        asked = self.typing_asked or {}
        last = asked.get(channel_id)
        if last is not None and now - last < period:
            return
        # Only open channels are kept, so a tab cannot grow this without bound.
        self.typing_asked = {
            open_id: stamp for open_id, stamp in asked.items() if open_id in self.open_channels
        } | {channel_id: now}
        allowed = await in_database_thread(_typing_allowed, self.user, channel_id)
        if allowed is None:
            await self.send_error("forbidden", NOT_READABLE, channel=channel_id)
            return
        if not allowed:
            return
        assert self.member is not None
        await channel_layer().group_send(
            discussion_group(channel_id),
            discussion_event(channel_id, events.typing(channel_id=channel_id, member=self.member)),
        )

    async def frame_channel_read(self, frame: dict[str, Any]) -> None:
        channel_id = frame["channel"]
        marked = await in_database_thread(_mark_read, self.user, channel_id, frame["message_id"])
        if not marked:
            await self.send_error("forbidden", NOT_READABLE, channel=channel_id)

    async def group_event(self, group: str, payload: dict[str, Any], text: str) -> None:
        if payload["type"] == events.CHANNEL_REVOKED:
            # Leave the channel's group before anything else of it can arrive.
            await self._close_channel(payload["channel"])
            await self._unwatch(payload["channel"])
        await super().group_event(group, payload, text)

    def answer(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """A newcomer opened a channel this tab shows: tell them that this tab is here too."""
        if payload["type"] != events.PRESENCE or payload["state"] != "joined":
            return None
        assert self.member is not None
        return events.presence(
            channel_id=payload["channel"],
            member=self.member,
            connection=self.connection,
            state="here",
        )

    async def _close_channel(self, channel_id: int) -> None:
        if channel_id not in self.open_channels:
            return
        self.open_channels = self.open_channels - {channel_id}
        assert self.fanout is not None
        if channel_id not in self.watched_channels:
            await self.fanout.unsubscribe(discussion_group(channel_id), self)
        await self._announce(channel_id, "left")

    async def _unwatch(self, channel_id: int) -> None:
        if channel_id not in self.watched_channels:
            return
        self.watched_channels = self.watched_channels - {channel_id}
        assert self.fanout is not None
        if channel_id not in self.open_channels:
            await self.fanout.unsubscribe(discussion_group(channel_id), self)

    async def _announce(self, channel_id: int, state: str, ask_who_is_here: bool = False) -> None:
        assert self.member is not None and self.fanout is not None
        payload = events.presence(
            channel_id=channel_id, member=self.member, connection=self.connection, state=state
        )
        message = discussion_event(channel_id, payload)
        if ask_who_is_here:
            message["reply_to"] = {
                "channel": self.fanout.channel_name,
                "connection": self.connection,
            }
        await channel_layer().group_send(discussion_group(channel_id), message)
