"""Channel-layer group names and event payloads, defined once.

Group names may hold letters, digits, '-', '_' and '.', at most 100 characters (Channels'
rule); building them only here keeps every sender and consumer in agreement.
"""

from __future__ import annotations

import hashlib
from typing import Any

# Envelopes on the channel layer. A process subscribes to a group once and fans events out to
# its sockets (core.fanout), so a group event names its group; a direct event answers one socket.
GROUP_EVENT = "live.group"
DIRECT_EVENT = "live.direct"


# Answers on one socket, from the platform's consumer (members.consumers.LiveConsumer).
PONG = "pong"
ERROR = "error"
# A message the health check sends to itself through the channel layer.
HEALTH_PING = "health.ping"


def pong() -> dict[str, Any]:
    return {"type": PONG}


def error(code: str, message: str, **context: Any) -> dict[str, Any]:
    """A refused frame: a machine-readable `code`, a German `message`, and `context` such as
    the channel or the client's id of the frame."""
    return {"type": ERROR, "code": code, "message": message, **context}


def health_ping(token: str) -> dict[str, Any]:
    return {"type": HEALTH_PING, "token": token}


def _group_event(group: str, payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload.get("type"), str):
        raise ValueError("An event payload needs a string 'type'.")
    return {"type": GROUP_EVENT, "group": group, "payload": payload}


def member_group(user_id: int) -> str:
    """The group every open tab of one member listens on."""
    return f"member.{int(user_id)}"


def member_event(user_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a JSON-safe payload (a dict with a 'type') for delivery to a member's tabs."""
    return _group_event(member_group(user_id), payload)


# A control event on the member group, never forwarded to the browser: the member's sockets (or,
# with `session`, those of one session) close as signed out.
SIGNED_OUT = "live.signed_out"


def session_tag(session_key: str) -> str:
    """Names a session on the channel layer without putting its key (a credential) there."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def signed_out_event(user_id: int, session_key: str | None = None) -> dict[str, Any]:
    """Ends the sockets of one session of the member, or all of them without a session key."""
    payload: dict[str, Any] = {"type": SIGNED_OUT}
    if session_key is not None:
        payload["session"] = session_tag(session_key)
    return member_event(user_id, payload)


def discussion_group(channel_id: int) -> str:
    """The group of every tab that has a discussion channel open."""
    return f"discussion.{int(channel_id)}"


def discussion_event(channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a JSON-safe payload (a dict with a 'type') for delivery to a channel's readers."""
    return _group_event(discussion_group(channel_id), payload)
