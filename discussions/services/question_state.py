"""What a reply changes on the question it answers: the first reply by someone other than the
asker makes an open question "beantwortet", and a solution that is deleted or hidden is
unmarked. Called by the message and moderation services, which cannot import the question
services (those post through them)."""

from __future__ import annotations

from django.utils import timezone

from discussions import events
from discussions.models import Message, Question, QuestionState
from discussions.services.broadcast import _broadcast_on_commit


def _question_reply_posted(reply: Message) -> None:
    """An open question becomes answered when someone other than the asker replies; open tabs
    of the channel see its new state. Saved row by row (not `update()`), so receivers of the
    question's `post_save` (the search index) see the change."""
    if reply.reply_to_id is None:
        return
    question = (
        Question.objects.filter(pk=reply.reply_to_id, state=QuestionState.OPEN)
        .exclude(message__author_id=reply.author_id)
        .select_related("message")
        .first()
    )
    if question is None:
        return
    question.state, question.answered_at = QuestionState.ANSWERED, timezone.now()
    question.save(update_fields=["state", "answered_at"])
    _broadcast_on_commit(
        reply.channel_id,
        events.question_changed(channel_id=reply.channel_id, messages=[question.message]),
    )


def _question_reply_removed(message: Message) -> None:
    """A solution that is deleted or hidden is no longer the solution: the question goes back
    to "beantwortet" (or "offen" if nobody else had replied)."""
    if message.reply_to_id is None:
        return
    question = (
        Question.objects.filter(pk=message.reply_to_id, solution=message)
        .select_related("message")
        .first()
    )
    if question is None:
        return
    question.state = QuestionState.ANSWERED if question.answered_at else QuestionState.OPEN
    question.solution, question.solved_by, question.solved_at = None, None, None
    question.save(update_fields=["state", "solution", "solved_by", "solved_at"])
    _broadcast_on_commit(
        message.channel_id,
        events.question_changed(channel_id=message.channel_id, messages=[question.message]),
    )
