"""The live connection of a browser tab.

One websocket per tab carries server events for the signed-in member (notifications,
discussion updates as they arrive). The consumer only checks access and forwards; what is
sent is decided by services that call `core.realtime`.

A socket lives only as long as its session may take part: every frame the member sends is
judged against the account and the session as they are now (`signed_in_account`), and a
logout, deactivation, decline or deletion closes the sockets at once (`members.live_sessions`
sends `SIGNED_OUT` to the member's group). Deliveries need no check: a socket closed as signed
out has left its groups first.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, ClassVar

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core import realtime
from core.fanout import Fanout, encode, local_fanout
from core.realtime import SIGNED_OUT, member_group, session_tag
from members.selectors import is_network_member
from members.socket_auth import in_database_thread, signed_in_account

# Room for a message at its length limit even when every character is JSON-escaped.
MAX_FRAME_BYTES = 32 * 1024
# Not, or no longer, signed in as a member who may take part. live.js tells the member
# "Sie wurden abgemeldet" and stops reconnecting once a fresh connection is refused too.
CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Frames from the browser are dicts with a `type`; `frame_fields` names, per type, the
    fields it needs and their types, so every handler receives a validated frame.

    Group events arrive through the process's fan-out (`core.fanout`), not through a layer
    channel of the socket's own: `group_event` receives them already encoded."""

    frame_fields: ClassVar[dict[str, dict[str, type | tuple[type, ...]]]] = {"ping": {}}
    # Channels types the scope as the ASGI connection scope; this consumer replaces it with a
    # scope of its own at connect (member and type only), and runs without a layer channel.
    scope: dict[str, Any]  # type: ignore[assignment]
    channel_layer: None  # type: ignore[assignment]
    fanout: Fanout | None = None
    connection = ""
    user: Any = None
    session_key: str | None = None
    # The session on the channel layer (`core.realtime.session_tag`): a logout names it.
    session = ""
    signed_out = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:  # type: ignore[override]
        # Channels' own loop would open a layer channel per socket and start a helper task per
        # frame; the fan-out makes the first unnecessary and a plain loop avoids the second.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections on the database
        # thread for every frame; that trip copies the thread's context variables into this
        # socket's task for good. Database work here goes through `in_database_thread`, whose
        # calls close stale connections themselves.
        if message["type"] == "websocket.receive" and not await self.still_signed_in():
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def still_signed_in(self) -> bool:
        """Whether the session still signs in the member the socket opened for, and that
        account (active, approved, not deleted) may still take part. The account is read anew
        for every frame and the handlers see that copy, never the one loaded at connect."""
        if self.signed_out or self.user is None:
            return False
        account = await in_database_thread(signed_in_account, self.session_key)
        if account is None or account.pk != self.user.pk or not is_network_member(account):
            await self.end_signed_out()
            return False
        self.user = account
        return True

    async def end_signed_out(self) -> None:
        """Leave every group first, so nothing more is delivered, then close with the code
        the page shows as signed out. The server's disconnect that follows finds nothing left."""
        if self.signed_out:
            return
        self.signed_out = True
        await self.disconnect(CLOSE_UNAUTHENTICATED)
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not is_network_member(user):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Everything later needs only the member and the session's key: keep those, not the
        # request's cookies and headers.
        self.user = getattr(user, "_wrapped", user)
        self.session_key = self.scope["session_key"]
        self.session = session_tag(self.session_key)
        self.scope = {"type": "websocket", "user": self.user}
        # Presence tells tabs apart by this, without revealing anything else about them.
        self.connection = secrets.token_hex(8)
        self.fanout = local_fanout()
        await self.fanout.subscribe(member_group(self.user.pk), self)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.fanout is not None:
            await self.fanout.unsubscribe(member_group(self.user.pk), self)

    async def send_text(self, text: str) -> None:
        # asgiref's event type wants "bytes" too; ASGI servers read a missing one as None.
        await self.base_send({"type": "websocket.send", "text": text})  # type: ignore[arg-type]

    async def send_json(self, content: Any, close: bool = False) -> None:
        await self.send_text(encode(content))
        if close:
            await self.close()

    async def group_event(self, group: str, payload: dict[str, Any], text: str) -> None:
        if payload["type"] == SIGNED_OUT:
            # For the server only; without a session it ends every session of the member.
            if payload.get("session", self.session) == self.session:
                await self.end_signed_out()
            return
        await self.send_text(text)

    def answer(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """What this tab says back when another tab announces itself; nothing by default."""
        return None

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("invalid_frame", "Nachricht fehlt oder ist zu groß.")
            return
        try:
            content = json.loads(text_data)
        except json.JSONDecodeError:
            await self.send_error("invalid_json", "Nachricht ist kein gültiges JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        frame_type = content.get("type") if isinstance(content, dict) else None
        if not isinstance(frame_type, str) or frame_type not in self.frame_fields:
            await self.send_error("unknown_type", "Unbekannter Nachrichtentyp.")
            return
        for field, expected in self.frame_fields[frame_type].items():
            value = content.get(field)
            if value is None and field not in content:
                await self.send_error("missing_field", f"Das Feld „{field}“ fehlt.")
                return
            # JSON true/false would pass as int in Python.
            if isinstance(value, bool) or not isinstance(value, expected):
                await self.send_error("invalid_field", f"Das Feld „{field}“ ist ungültig.")
                return
        handler = getattr(self, "frame_" + frame_type.replace(".", "_"))
        await handler(content)

    async def frame_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json(realtime.pong())

    async def send_error(self, code: str, message: str, **context: Any) -> None:
        await self.send_json(realtime.error(code, message, **context))
