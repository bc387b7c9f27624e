"""Live events for the open tabs of a channel or a member, sent once the transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

from core.fanout import channel_layer
from core.realtime import discussion_event, discussion_group, member_event, member_group


def _broadcast_on_commit(channel_id: int, payload: dict[str, Any]) -> None:
    _broadcast_after_commit(channel_id)(payload)


def _broadcast_after_commit(channel_id: int) -> Callable[[dict[str, Any]], None]:
    """Schedule a live event of the channel for after the commit; call the returned function
    with the event once it is known (nothing goes out if it never is). Registered before the
    write, so the event goes out first among the commit's callbacks; the search index follows
    through its own tasks (`search.pending`)."""
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
