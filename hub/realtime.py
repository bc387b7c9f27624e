"""Channel-layer group names and event payloads, defined once.

Group names may hold letters, digits, '-', '_' and '.', at most 100 characters (Channels'
rule); building them only here keeps every sender and consumer in agreement.
"""

from __future__ import annotations

from typing import Any

MEMBER_EVENT = "member.event"


def member_group(user_id: int) -> str:
    """The group every open tab of one member listens on."""
    return f"member.{int(user_id)}"


def member_event(payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a JSON-safe payload (a dict with a 'type') for delivery to a member's tabs."""
    if not isinstance(payload.get("type"), str):
        raise ValueError("An event payload needs a string 'type'.")
    return {"type": MEMBER_EVENT, "payload": payload}


DISCUSSION_EVENT = "discussion.event"


def discussion_group(channel_id: int) -> str:
    """The group of every tab that has a discussion channel open."""
    return f"discussion.{int(channel_id)}"


def discussion_event(payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a JSON-safe payload (a dict with a 'type') for delivery to a channel's readers."""
    if not isinstance(payload.get("type"), str):
        raise ValueError("An event payload needs a string 'type'.")
    return {"type": DISCUSSION_EVENT, "payload": payload}
