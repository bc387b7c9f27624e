"""Reports and the moderation's answers: hiding and showing messages, dismissing reports,
muting members and the slow mode. Every step is logged."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from discussions import events
from discussions.models import Channel, Flag, Message, ModerationActionKind, Mute
from discussions.selectors import can_read, is_moderator
from discussions.services.broadcast import _broadcast_after_commit
from discussions.services.messages import message_delete
from discussions.services.moderation_log import _flags_resolve, _log
from discussions.services.question_state import _question_reply_removed
from members.models import User


class FlagDecision(models.TextChoices):
    """What the moderation answers to a report in the admin queue."""

    HIDE = "hide", gettext_lazy("Ausblenden")
    DELETE = "delete", gettext_lazy("Löschen")
    DISMISS = "dismiss", gettext_lazy("Meldung zurückweisen")
    MUTE = "mute", gettext_lazy("Ausblenden und Autor*in 24 Stunden stummschalten")


DECISION_MUTE_MINUTES = 24 * 60


def _require_moderator(user: User, channel: Channel) -> None:
    if not (is_moderator(user) and can_read(viewer=user, channel=channel)):
        raise PermissionDenied(_("Das darf nur die Moderation."))


@transaction.atomic
def message_flag(*, reporter: User, message: Message, reason: str, note: str = "") -> Flag:
    """A reader reports a message to the moderation, once while the report is open."""
    if not can_read(viewer=reporter, channel=message.channel):
        raise PermissionDenied(_("Sie können diese Nachricht nicht melden."))
    if message.is_removed:
        raise ValidationError(_("Diese Nachricht wurde bereits entfernt."), code="removed")
    if message.author_id == reporter.pk:
        raise ValidationError(_("Eigene Nachrichten können Sie löschen statt melden."))
    flag, created = Flag.objects.get_or_create(
        message=message,
        reporter=reporter,
        resolved_at=None,
        defaults={"reason": reason, "note": note.strip()[:1000]},
    )
    if not created:
        raise ValidationError(_("Sie haben diese Nachricht bereits gemeldet."), code="duplicate")
    return flag


@transaction.atomic
def message_hide(*, moderator: User, message: Message, note: str = "") -> Message:
    """Hide a message for everyone; it disappears from open tabs at once."""
    _require_moderator(moderator, message.channel)
    if message.hidden_at is None:
        announce = _broadcast_after_commit(message.channel_id)
        message.hidden_at = timezone.now()
        message.save(update_fields=["hidden_at"])
        _question_reply_removed(message)
        _log(moderator, ModerationActionKind.HIDE, message.channel, message=message, note=note)
        announce(events.message_hidden(message))
    _flags_resolve(moderator, message)
    return message


@transaction.atomic
def message_show(*, moderator: User, message: Message, note: str = "") -> Message:
    _require_moderator(moderator, message.channel)
    if message.hidden_at is not None:
        message.hidden_at = None
        message.save(update_fields=["hidden_at"])
        _log(moderator, ModerationActionKind.SHOW, message.channel, message=message, note=note)
    return message


@transaction.atomic
def flag_dismiss(*, moderator: User, flag: Flag, note: str = "") -> None:
    """The message stays: every open report on it is closed."""
    _require_moderator(moderator, flag.message.channel)
    _flags_resolve(moderator, flag.message)
    _log(
        moderator,
        ModerationActionKind.DISMISS,
        flag.message.channel,
        message=flag.message,
        note=note,
    )


@transaction.atomic
def member_mute(
    *, moderator: User, channel: Channel, member: User, minutes: int | None, note: str = ""
) -> Mute:
    """Mute a member in one channel, for some minutes or until lifted."""
    _require_moderator(moderator, channel)
    if member.pk == moderator.pk:
        raise ValidationError(_("Sie können sich nicht selbst stummschalten."))
    if minutes is not None and minutes < 1:
        raise ValidationError(_("Bitte geben Sie mindestens eine Minute an."))
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    mute, _created = Mute.objects.update_or_create(
        channel=channel, user=member, defaults={"until": until}
    )
    _log(moderator, ModerationActionKind.MUTE, channel, member=member, note=note)
    return mute


@transaction.atomic
def member_unmute(*, moderator: User, channel: Channel, member: User, note: str = "") -> None:
    _require_moderator(moderator, channel)
    if Mute.objects.filter(channel=channel, user=member).delete()[0]:
        _log(moderator, ModerationActionKind.UNMUTE, channel, member=member, note=note)


@transaction.atomic
def channel_slow_mode_set(*, moderator: User, channel: Channel, seconds: int) -> Channel:
    _require_moderator(moderator, channel)
    if not 0 <= seconds <= 3600:
        raise ValidationError(_("Der langsame Modus liegt zwischen 0 und 3.600 Sekunden."))
    channel.slow_mode_seconds = seconds
    channel.save(update_fields=["slow_mode_seconds"])
    _log(moderator, ModerationActionKind.SLOW_MODE, channel, note=f"{seconds} s")
    return channel


@transaction.atomic
def flag_decide(*, moderator: User, flag: Flag, decision: str, note: str = "") -> None:
    """The moderation's answer to a report from the admin queue. A decision of two steps
    (hide, then mute the author) is stored whole or not at all: when the mute is refused, the
    message stays visible and the report open, so the queue still shows what is undecided."""
    message = flag.message
    if decision == FlagDecision.DISMISS:
        flag_dismiss(moderator=moderator, flag=flag, note=note)
    elif decision == FlagDecision.DELETE:
        message_delete(actor=moderator, message=message)
    elif decision in (FlagDecision.HIDE, FlagDecision.MUTE):
        message_hide(moderator=moderator, message=message, note=note)
        if decision == FlagDecision.MUTE and message.author is not None:
            member_mute(
                moderator=moderator,
                channel=message.channel,
                member=message.author,
                minutes=DECISION_MUTE_MINUTES,
                note=note,
            )
    else:
        raise ValueError(f"Unknown decision: {decision!r}")
