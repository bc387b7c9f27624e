"""The moderation's record: every step it takes is logged, and a message it has dealt with
has its open reports closed. Shared by the moderation and by deleting messages."""

from __future__ import annotations

from django.utils import timezone

from discussions.models import Channel, Flag, Message, ModerationAction
from members.models import User


def _log(
    actor: User,
    kind: str,
    channel: Channel,
    *,
    message: Message | None = None,
    member: User | None = None,
    note: str = "",
) -> None:
    ModerationAction.objects.create(
        actor=actor, kind=kind, channel=channel, message=message, member=member, note=note
    )


def _flags_resolve(moderator: User, message: Message) -> None:
    Flag.objects.filter(message=message, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
