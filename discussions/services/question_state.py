"""What a reply changes on the question it answers: the first reply by someone other than the
asker makes an open question "beantwortet", and a solution that is deleted or hidden is
unmarked. Called by the message and moderation services, which cannot import the question
services (those post through them)."""

from __future__ import annotations

from django.db.models import Case, Value, When
from django.utils import timezone

from discussions import events
from discussions.models import Message, Question, QuestionState
from discussions.services.broadcast import _broadcast_on_commit


def _question_reply_posted(reply: Message) -> None:
    """An open question becomes answered when someone other than the asker replies; open tabs
    of the channel see its new state."""
    if reply.reply_to_id is None:
        return
    answered = (
        Question.objects.filter(pk=reply.reply_to_id, state=QuestionState.OPEN)
        .exclude(message__author_id=reply.author_id)
        .update(state=QuestionState.ANSWERED, answered_at=timezone.now())
    )
    if answered:
        root = Message.objects.get(pk=reply.reply_to_id)
        _broadcast_on_commit(
            reply.channel_id, events.question_changed(channel_id=reply.channel_id, messages=[root])
        )


def _question_reply_removed(message: Message) -> None:
    """A solution that is deleted or hidden is no longer the solution: the question goes back
    to "beantwortet" (or "offen" if nobody else had replied)."""
    if message.reply_to_id is None:
        return
    unmarked = Question.objects.filter(pk=message.reply_to_id, solution=message).update(
        solution=None,
        solved_by=None,
        solved_at=None,
        state=Case(
            When(answered_at__isnull=True, then=Value(QuestionState.OPEN)),
            default=Value(QuestionState.ANSWERED),
        ),
    )
    if unmarked:
        root = Message.objects.get(pk=message.reply_to_id)
        _broadcast_on_commit(
            message.channel_id,
            events.question_changed(channel_id=message.channel_id, messages=[root]),
        )
