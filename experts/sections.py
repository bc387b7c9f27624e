"""What the experts app shows on Mein Kollegium (core.sections): the open questions the member
could answer, found as routing finds its experts (`open_question_keys_for`), and the open
learning wishes the member could help with (`wish_keys_for`).

Both are the start page's dearest lists and change mostly through what others do, so they are
kept per member (`core.member_cache`; `experts.receivers` says when they are computed afresh).
Computed afresh, a list asks the database only which questions or wishes it holds: their rows
look the same to every member and are kept for everybody (`kept_items`), as rendering them
took most of the time.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.member_cache import cached_member_list, kept_items
from core.sections import Section
from discussions.models import Question
from discussions.selectors import QuestionCard, question_cards, question_rows
from experts.selectors import (
    HelpableTopics,
    WishMatch,
    helpable_topic_set,
    open_question_keys_for,
    wish_keys_for,
    wish_rows,
)

HELP_QUESTIONS = 5
MATCHING_WISHES = 5


def _helpable_topics(request: HttpRequest) -> HelpableTopics:
    """Read once per request: both sections filter by them."""
    if not hasattr(request, "_helpable_topics"):
        request._helpable_topics = helpable_topic_set(member=request.user)  # type: ignore[attr-defined]
    return request._helpable_topics  # type: ignore[attr-defined]


def _question_rows(keys: list[int]) -> dict[int, Question]:
    return {
        question.pk: question for question in question_rows(Question.objects.filter(pk__in=keys))
    }


def help_questions_section(request: HttpRequest) -> Section | None:
    def compute() -> list[QuestionCard]:
        keys = open_question_keys_for(
            member=request.user, limit=HELP_QUESTIONS, topics=_helpable_topics(request)
        )
        rows = kept_items("question-row", keys, _question_rows)
        # A question gone since its key was read is left out.
        questions = [rows[key] for key in keys if key in rows]
        return question_cards(questions=questions, viewer=request.user)

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
    def compute() -> list[WishMatch]:
        keys = wish_keys_for(
            member=request.user, limit=MATCHING_WISHES, topics=_helpable_topics(request)
        )
        rows = kept_items(
            "wish-row",
            [key.pk for key in keys],
            lambda missing: wish_rows(keys=missing, viewer=request.user),
        )
        matches = []
        for key in keys:
            if (wish := rows.get(key.pk)) is not None:
                # The row was kept for everybody; whether this member said "+1" is theirs.
                wish.voted = key.voted  # type: ignore[attr-defined]
                matches.append(WishMatch(wish=wish, reason=key.reason))
        return matches

    matches = cached_member_list(request.user, "matching-wishes", compute)
    if not matches:
        return None
    return Section(
        title=_("Lernwünsche, bei denen Sie helfen können"),
        template="experts/section_wishes.html",
        items=matches,
        more_url=reverse("peer_learning:wishes"),
        more_label=_("Alle Lernwünsche"),
    )
