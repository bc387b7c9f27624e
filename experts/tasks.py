"""Routing runs as a task after the question's (or wish's) transaction commits: asking is never
slowed down by the matching, and the task finds the question with its topics."""

from __future__ import annotations

from django_tasks import task

from discussions.models import Question
from experts.services import question_route, wish_route
from peer_learning.models import LearningWish


@task()
def route_question(question_id: int) -> int:
    """Route one question; returns how many members were asked (0 if it is gone)."""
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        return 0
    return len(question_route(question=question))


@task()
def route_wish(wish_id: int) -> int:
    """Route one learning wish; returns how many members were told (0 if it is gone)."""
    wish = LearningWish.objects.filter(pk=wish_id).first()
    if wish is None:
        return 0
    return len(wish_route(wish=wish))
