"""What the experts app shows on Mein Kollegium (core.sections): the open questions the member
could answer, found as routing finds its experts (`open_questions_for`), and the open learning
wishes the member could help with.

Both are the start page's dearest lists and change mostly through what others do, so they are
kept per member (`core.member_cache`; `experts.receivers` says when they are computed afresh).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.member_cache import cached_member_list
from core.sections import Section
from discussions.selectors import QuestionCard, question_cards
from experts.selectors import HelpableTopics, helpable_topic_set, open_questions_for, wishes_for

HELP_QUESTIONS = 5
MATCHING_WISHES = 5


def _helpable_topics(request: HttpRequest) -> HelpableTopics:
    """Read once per request: both sections filter by them."""
    if not hasattr(request, "_helpable_topics"):
        request._helpable_topics = helpable_topic_set(member=request.user)  # type: ignore[attr-defined]
    return request._helpable_topics  # type: ignore[attr-defined]


def help_questions_section(request: HttpRequest) -> Section | None:
    def compute() -> list[QuestionCard]:
        questions = open_questions_for(member=request.user, topics=_helpable_topics(request))
        return question_cards(questions=questions[:HELP_QUESTIONS], viewer=request.user)

    cards = cached_member_list(request.user, "help-questions", compute)
    if not cards:
        return None
    return Section(
        title=_("Fragen, bei denen Sie helfen können"),
        template="discussions/section_questions.html",
        items=cards,
        more_url=reverse("discussions:questions") + "?state=open",
        more_label=_("Alle offenen Fragen"),
    )


def matching_wishes_section(request: HttpRequest) -> Section | None:
    matches = cached_member_list(
        request.user,
        "matching-wishes",
        lambda: wishes_for(
            member=request.user, limit=MATCHING_WISHES, topics=_helpable_topics(request)
        ),
    )
    if not matches:
        return None
    return Section(
        title=_("Lernwünsche, bei denen Sie helfen können"),
        template="experts/section_wishes.html",
        items=matches,
        more_url=reverse("peer_learning:wishes"),
        more_label=_("Alle Lernwünsche"),
    )
