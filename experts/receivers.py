"""A question asked or a learning wish posted starts its routing. A signal, because the lower
apps must not know that experts exist; connected with explicit senders in `ready()`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from core.tasks import enqueue_on_commit
from discussions.models import Question
from experts.tasks import route_question, route_wish
from peer_learning.models import LearningWish


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


def connect() -> None:
    post_save.connect(_question_saved, sender=Question, dispatch_uid="experts_route_question")
    post_save.connect(_wish_saved, sender=LearningWish, dispatch_uid="experts_route_wish")
