"""A question asked or a learning wish posted starts its routing. A signal, because the lower
apps must not know that experts exist; connected with explicit senders in `ready()`.

The lists of "Mein Kollegium" that this app keeps per member (`experts.sections`) are computed
afresh when their rows change: the member's own when the member follows, joins or is asked;
everyone's when a question, a wish, a vote, a channel, a profile (with its "Ich kann helfen
bei" tags) or a hidden message changes what anyone may see there."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.member_cache import retire_member_lists
from core.tasks import enqueue_on_commit
from discussions.models import Channel, Membership, Message, Question
from experts.models import HelpRequest
from experts.tasks import route_question, route_wish
from members.models import Profile, User
from network.models import Follow
from peer_learning.models import LearningWish, WishVote


def _question_saved(sender: type[Question], instance: Question, created: bool, **_: Any) -> None:
    # The question service sets the topics after creating the row, in the same transaction;
    # the task runs after the commit and sees them.
    if created:
        enqueue_on_commit(route_question, instance.pk)


def _wish_saved(
    sender: type[LearningWish], instance: LearningWish, created: bool, **_: Any
) -> None:
    if created:
        enqueue_on_commit(route_wish, instance.pk)


def _everyones_lists(*, using: str | None = None, **_: Any) -> None:
    retire_member_lists(using=using)


# The member whose own lists a row of these models belongs to.
_OWNER_FIELDS: dict[type[Model], str] = {
    Follow: "member_id",
    Membership: "user_id",
    HelpRequest: "member_id",
}


def _owners_lists(sender: type[Model], instance: Model, using: str | None = None, **_: Any) -> None:
    retire_member_lists(getattr(instance, _OWNER_FIELDS[sender]), using=using)


def _message_saved(
    update_fields: frozenset[str] | None, using: str | None = None, **_: Any
) -> None:
    # A hidden or deleted message may be a question that nobody is to see any more. (A reply
    # that answers a question saves the question.)
    if update_fields and update_fields & {"hidden_at", "deleted_at"}:
        retire_member_lists(using=using)


def connect() -> None:
    post_save.connect(_question_saved, sender=Question, dispatch_uid="experts_route_question")
    post_save.connect(_wish_saved, sender=LearningWish, dispatch_uid="experts_route_wish")
    for model in (Question, LearningWish, WishVote, Channel, Profile):
        for signal in (post_save, post_delete):
            signal.connect(_everyones_lists, sender=model, dispatch_uid=f"experts_lists_{model}")
    # Not on saving: a login saves the account.
    post_delete.connect(_everyones_lists, sender=User, dispatch_uid="experts_lists_user")
    for through in (Question.topics.through, LearningWish.topics.through):
        m2m_changed.connect(_everyones_lists, sender=through, dispatch_uid=f"experts_{through}")
    for owned in _OWNER_FIELDS:
        for signal in (post_save, post_delete):
            signal.connect(_owners_lists, sender=owned, dispatch_uid=f"experts_own_{owned}")
    post_save.connect(_message_saved, sender=Message, dispatch_uid="experts_lists_message")
