"""Questions ("Frage & Antwort"): asking, marking a reply as the solution, and offering help.

A question is a thread's first message with a title and topics; it is posted through
`message_post`, so the limits, rendering, mentions and live events of every message apply.
What replies change on a question (answered, a removed solution) is in `question_state`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import validate_storable_text
from discussions import events
from discussions.models import Channel, Message, Question, QuestionHelper, QuestionState
from discussions.selectors import can_post, can_read, is_open_to_members, may_mark_solution
from discussions.services.broadcast import _broadcast_on_commit
from discussions.services.channels import channel_join
from discussions.services.digest import _notify_solution
from discussions.services.messages import message_post
from hub.knowledge.selectors import readable_practice_page_ids
from hub.models import PracticePage, Topic
from members.models import User
from members.selectors import is_network_member

TITLE_MIN_LENGTH = 10
TITLE_MAX_LENGTH = 200


def _clean_title(title: str) -> str:
    validate_storable_text(title)
    title = " ".join(title.split())
    if not title:
        raise ValidationError(
            {"title": _("Bitte geben Sie Ihrer Frage einen Titel.")}, code="empty"
        )
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            {
                "title": _(
                    "Der Titel ist zu kurz: Bitte beschreiben Sie Ihre Frage in mindestens "
                    "%(limit)d Zeichen, damit andere sie finden."
                )
                % {"limit": TITLE_MIN_LENGTH}
            },
            code="too_short",
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _(
                    "Der Titel ist zu lang: höchstens %(limit)d Zeichen, Ihrer hat %(length)d."
                )
                % {"limit": TITLE_MAX_LENGTH, "length": len(title)}
            },
            code="too_long",
        )
    return title


def _announce(question: Question, *messages: Message | None) -> None:
    """Open tabs of the channel replace the messages that show the question's state."""
    channel_id = question.message.channel_id
    shown = [message for message in messages if message is not None]
    _broadcast_on_commit(channel_id, events.question_changed(channel_id=channel_id, messages=shown))


@transaction.atomic
def question_ask(
    *,
    author: User,
    channel: Channel,
    title: str,
    source: str,
    topics: Iterable[Topic] | None = None,
    article: PracticePage | None = None,
) -> Question:
    """Post a question as a new thread in the channel. Without topics it takes the channel's.

    Asking in an open channel the member has not joined joins it, as writing there needs; the
    message service then checks every other rule (archived, muted, limits). A question about
    an article ("Frage an die Autor:innen") is linked to it; the article must be live and
    readable by anyone, as the question page links to it.
    """
    title = _clean_title(title)
    if article is not None and not readable_practice_page_ids([article.pk]):
        raise ValidationError(
            {
                "__all__": _(
                    "Den Beitrag, auf den sich Ihre Frage bezieht, gibt es nicht oder er ist "
                    "nicht veröffentlicht."
                )
            },
            code="article",
        )
    if (
        is_network_member(author)
        and is_open_to_members(channel)
        and not channel.is_archived
        and not can_post(viewer=author, channel=channel)
    ):
        channel_join(user=author, channel=channel)
    message = message_post(author=author, channel=channel, source=source)
    question = Question.objects.create(message=message, title=title, article=article)
    question.topics.set(channel.topics.all() if topics is None else list(topics))
    _announce(question, message)
    return question


def _markable(*, actor: User, question: Question) -> Message:
    """The question's message, after checking that the actor may mark its solution."""
    root = Message.objects.select_related("channel").get(pk=question.pk)
    if not can_read(viewer=actor, channel=root.channel) or root.is_removed:
        raise PermissionDenied(_("Diese Frage gibt es nicht oder Sie haben keinen Zugang."))
    if not may_mark_solution(viewer=actor, question=question):
        raise PermissionDenied(
            _("Nur wer die Frage gestellt hat und die Moderation können eine Lösung markieren.")
        )
    return root


@transaction.atomic
def question_solution_set(*, actor: User, question: Question, reply: Message | None) -> Question:
    """Mark one reply of the question's thread as its solution, replace the one marked before,
    or (`reply=None`) unmark it. The asker and the moderation may; the reply must be a shown
    reply of this very thread."""
    question = Question.objects.select_for_update().select_related("message").get(pk=question.pk)
    root = _markable(actor=actor, question=question)
    if reply is not None:
        # As stored now: the caller's copy may predate a deletion.
        reply = Message.objects.get(pk=reply.pk)
        if reply.reply_to_id != question.pk:
            raise ValidationError(
                _("Diese Antwort gehört nicht zu dieser Frage."), code="other_thread"
            )
        if reply.is_removed:
            raise ValidationError(
                _("Diese Antwort wurde gelöscht oder ausgeblendet und kann keine Lösung sein."),
                code="removed",
            )
    previous = question.solution
    if reply is not None and previous is not None and previous.pk == reply.pk:
        return question
    if reply is None and previous is None:
        return question
    if reply is None:
        question.state = QuestionState.ANSWERED if question.answered_at else QuestionState.OPEN
        question.solution, question.solved_by, question.solved_at = None, None, None
    else:
        question.state = QuestionState.SOLVED
        question.solution, question.solved_by, question.solved_at = reply, actor, timezone.now()
        _notify_solution(reply, actor)
    question.save(update_fields=["state", "solution", "solved_by", "solved_at"])
    _announce(question, root, previous, reply)
    return question


@transaction.atomic
def question_help_set(*, user: User, question: Question, helping: bool) -> bool:
    """ "Ich kann hier helfen": the member is notified of the question's replies (or no
    longer). The asker is notified anyway; only those who may read the channel can offer."""
    root = Message.objects.select_related("channel").get(pk=question.pk)
    if not can_read(viewer=user, channel=root.channel) or root.is_removed:
        raise PermissionDenied(_("Diese Frage gibt es nicht oder Sie haben keinen Zugang."))
    if root.author_id == user.pk:
        raise ValidationError(
            _("Über Antworten auf Ihre eigene Frage werden Sie ohnehin benachrichtigt."),
            code="own_question",
        )
    if helping:
        QuestionHelper.objects.get_or_create(question=question, user=user)
    else:
        QuestionHelper.objects.filter(question=question, user=user).delete()
    return helping
