"""What expert routing adds to the digest mail (`discussions.services.digest`): "Offene Fragen",
the open questions the member could answer, as the start page finds them."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from core.links import absolute_url
from discussions.services.digest import DigestItem
from experts.selectors import OPEN_AFTER, open_questions_for
from members.models import User

DIGEST_QUESTIONS = 5


def open_question_items(member: User, since: datetime | None) -> list[DigestItem]:
    """Open questions the member could answer, each mailed once: those that became open for
    help (`OPEN_AFTER` after asking) since the last digest."""
    questions = open_questions_for(member=member)
    if since is not None:
        questions = questions.filter(message__created_at__gt=since - OPEN_AFTER)
    return [
        DigestItem(
            text=_("Offene Frage: %(title)s") % {"title": question.title},
            url=absolute_url("discussions:question", question.pk),
        )
        for question in questions[:DIGEST_QUESTIONS]
    ]
