"""Channel-layer group names and event payloads, defined once.

Group names may hold letters, digits, '-', '_' and '.', at most 100 characters (Channels'
rule); building them only here keeps every sender and consumer in agreement.
"""

from __future__ import annotations

from typing import Any

# Envelopes on the channel layer. A process subscribes to a group once and fans events out to
# its sockets (hub.fanout), so a group event names its group; a direct event answers one socket.
GROUP_EVENT = "live.group"
DIRECT_EVENT = "live.direct"


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


def discussion_group(channel_id: int) -> str:
    """The group of every tab that has a discussion channel open."""
    return f"discussion.{int(channel_id)}"


def discussion_event(channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a JSON-safe payload (a dict with a 'type') for delivery to a channel's readers."""
    return _group_event(discussion_group(channel_id), payload)
