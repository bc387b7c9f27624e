"""Emoji reactions to messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from discussions import events
from discussions.models import Message, Reaction, ReactionEmoji
from discussions.selectors import can_post, is_muted, reaction_counts
from discussions.services.broadcast import _broadcast_on_commit
from members.models import User


@transaction.atomic
def reaction_toggle(*, user: User, message: Message, emoji: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is there now."""
    if emoji not in ReactionEmoji.values:
        raise ValidationError(_("Diese Reaktion gibt es nicht."), code="emoji")
    if message.is_removed:
        raise ValidationError(_("Diese Nachricht wurde gelöscht."), code="deleted")
    if not can_post(viewer=user, channel=message.channel) or is_muted(
        user=user, channel=message.channel
    ):
        raise PermissionDenied(_("Sie können in diesem Kanal nicht reagieren."))
    deleted, _details = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
    added = not deleted
    if added:
        try:
            with transaction.atomic():
                Reaction.objects.create(message=message, user=user, emoji=emoji)
        except IntegrityError:
            # A double click from two tabs: the reaction is there, which is what was asked.
            pass
    _broadcast_on_commit(
        message.channel_id,
        events.reaction_changed(
            message=message,
            counts=reaction_counts(message=message),
            user=user,
            emoji=emoji,
            added=added,
        ),
    )
    return added
