"""The experts app's part of a member's data export: the questions and learning wishes offered
to them and their choice to be asked. Account deletion needs no eraser: the rows cascade with
the account."""

from __future__ import annotations

from typing import Any

from experts.models import HelpRequest
from experts.selectors import routing_enabled
from members.models import User


def export_experts(user: User) -> dict[str, Any]:
    requests = HelpRequest.objects.filter(member=user).select_related("question", "wish")
    return {
        "questions_routed_to_me": routing_enabled(member=user),
        "requests": [
            {
                "question": request.question.title if request.question else None,
                "learning_wish": request.wish.title if request.wish else None,
                "reason": request.reason,
                "created_at": request.created_at.isoformat(),
            }
            for request in requests.order_by("created_at", "pk")
        ],
    }
