"""One channel-layer subscription per process, fanned out to that process's sockets.

Channels' default wiring gives every socket its own layer channel and group membership, so a
group event crosses the layer once per socket, is copied and JSON-encoded once per socket, and
each delivery runs the consumer's dispatch, which hops to a database thread to close old
connections. Here a process subscribes to a group once, while any of its sockets listens,
encodes each event once and writes the text straight to the local sockets.

Events are envelopes from `core.realtime` that name their group. An announcement may ask for
answers (`reply_to`): the process collects what each local socket answers and sends them back
in one direct message to the asking socket's process.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer

from core.realtime import DIRECT_EVENT, GROUP_EVENT

logger = logging.getLogger(__name__)

# channels-redis forgets group memberships after a day (`group_expiry`); a process keeps its
# subscriptions for as long as sockets listen, so it renews them well before that.
RENEW_SECONDS = 3600


class Subscriber(Protocol):
    """A local socket: `connection` names it for direct answers."""

    connection: str

    async def send_text(self, text: str) -> None: ...

    async def group_event(self, group: str, payload: dict[str, Any], text: str) -> None: ...

    def answer(self, payload: dict[str, Any]) -> dict[str, Any] | None: ...


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class Fanout:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.channel_name = ""
        self.groups: dict[str, set[Subscriber]] = {}
        self.connections: dict[str, Subscriber] = {}
        # Group changes wait for the layer; one at a time keeps add and discard in order.
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    async def subscribe(self, group: str, subscriber: Subscriber) -> None:
        """Returns once events sent to the group reach the subscriber."""
        async with self._lock:
            if not self._tasks:
                self.channel_name = await self.layer.new_channel()
                self._tasks = [
                    asyncio.create_task(self._receive()),
                    asyncio.create_task(self._renew()),
                ]
            members = self.groups.get(group)
            if members is None:
                await self.layer.group_add(group, self.channel_name)
                members = self.groups[group] = set()
            members.add(subscriber)
            self.connections[subscriber.connection] = subscriber

    async def unsubscribe(self, group: str, subscriber: Subscriber) -> None:
        async with self._lock:
            members = self.groups.get(group)
            if members is None or subscriber not in members:
                return
            members.discard(subscriber)
            if not members:
                del self.groups[group]
                await self.layer.group_discard(group, self.channel_name)
            if not any(subscriber in members for members in self.groups.values()):
                self.connections.pop(subscriber.connection, None)
            if not self.groups:
                self._stop()

    def _stop(self) -> None:
        """Nobody listens here any more. A revocation handled by the receiving task itself
        leads here too; that task then ends after the event instead of being cancelled."""
        retired, self._tasks = self._tasks, []
        current = asyncio.current_task()
        for task in retired:
            if task is not current:
                task.cancel()

    async def _receive(self) -> None:
        this = asyncio.current_task()
        channel_name = self.channel_name
        while this in self._tasks:
            try:
                message = await self.layer.receive(channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer's server may be restarting; keep listening rather than go deaf.
                logger.exception("Channel layer receive failed")
                await asyncio.sleep(1)
                continue
            try:
                await self.dispatch(message)
            except Exception:
                logger.exception("Live event could not be delivered")
            # Writing to a socket only buffers, and a queued event is received without waiting:
            # hand the loop back after each event so the text goes out and frames come in.
            await asyncio.sleep(0)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            async with self._lock:
                for group in self.groups:
                    await self.layer.group_add(group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") == DIRECT_EVENT:
            subscriber = self.connections.get(message["connection"])
            if subscriber is not None:
                for payload in message["payloads"]:
                    await subscriber.send_text(encode(payload))
            return
        if message.get("type") != GROUP_EVENT:
            return
        group = message["group"]
        members = self.groups.get(group)
        if not members:
            return
        payload = message["payload"]
        text = encode(payload)
        # A copy: a handler may leave the group while the event goes out.
        for subscriber in tuple(members):
            await subscriber.group_event(group, payload, text)
        reply_to = message.get("reply_to")
        if reply_to:
            answers = [
                answer
                for subscriber in tuple(members)
                if subscriber.connection != reply_to["connection"]
                and (answer := subscriber.answer(payload)) is not None
            ]
            if answers:
                await self._answer(reply_to, answers)

    async def _answer(self, reply_to: dict[str, str], answers: list[dict[str, Any]]) -> None:
        direct = {"type": DIRECT_EVENT, "connection": reply_to["connection"], "payloads": answers}
        try:
            await self.layer.send(reply_to["channel"], direct)
        except Exception:
            # Answers are best effort: a full or vanished channel must not stop the fan-out.
            logger.warning("Answer to %s not delivered", reply_to["connection"], exc_info=True)


_fanouts: dict[tuple[int, asyncio.AbstractEventLoop], Fanout] = {}


def channel_layer() -> BaseChannelLayer:
    """The default channel layer, which every live event goes through."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("Live events need a channel layer (CHANNEL_LAYERS).")
    return layer


def local_fanout() -> Fanout:
    """This process's fan-out for the default layer on the running event loop."""
    layer = channel_layer()
    key = (id(layer), asyncio.get_running_loop())
    fanout = _fanouts.get(key)
    if fanout is None or fanout.layer is not layer:
        fanout = _fanouts[key] = Fanout(layer)
    return fanout
