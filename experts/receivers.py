"""A question asked starts its routing. A signal, because the lower apps must not know that
experts exist; connected with an explicit sender in `ExpertsConfig.ready()`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from core.tasks import enqueue_on_commit
from discussions.models import Question
from experts.tasks import route_question


def _question_saved(sender: type[Question], instance: Question, created: bool, **_: Any) -> None:
    # The question service sets the topics after creating the row, in the same transaction;
    # the task runs after the commit and sees them.
    if created:
        enqueue_on_commit(route_question, instance.pk)


def connect() -> None:
    post_save.connect(_question_saved, sender=Question, dispatch_uid="experts_route_question")
