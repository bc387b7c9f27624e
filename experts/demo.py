"""Demo routing: the demo's open questions offered to the members who know, so the
notifications show a request with its reason. Seeded once (when no request exists yet)."""

from __future__ import annotations

from core.demo import DemoContext, DemoReport
from discussions.models import Question, QuestionState
from experts.models import HelpRequest
from experts.services import question_route


def seed_experts(context: DemoContext, report: DemoReport) -> None:
    if HelpRequest.objects.exists():
        return
    asked = 0
    for question in Question.objects.filter(state=QuestionState.OPEN).order_by("pk"):
        asked += len(question_route(question=question))
    report.count("Fragen an Fachleute weitergeleitet", asked)
