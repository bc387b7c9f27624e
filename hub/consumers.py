"""The live connection of a browser tab.

One websocket per tab carries server events for the signed-in member (notifications,
discussion updates as they arrive). The consumer only checks access and forwards; what is
sent is decided by services that call `hub.realtime`.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hub.realtime import member_group

# Room for a message at its length limit even when every character is JSON-escaped.
MAX_FRAME_BYTES = 32 * 1024
CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Frames from the browser are dicts with a `type`; `frame_fields` names, per type, the
    fields it needs and their types, so every handler receives a validated frame."""

    group_name: str | None = None
    frame_fields: ClassVar[dict[str, dict[str, type | tuple[type, ...]]]] = {"ping": {}}

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = member_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
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
        await self.send_json({"type": "pong"})

    async def member_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])

    async def send_error(self, code: str, message: str, **context: Any) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **context})
