"""Asking the members who know: routing a question to them, and their choice to be asked."""

from __future__ import annotations

from django.db import transaction

from discussions.models import NotificationKind, Question
from discussions.services.digest import notifications_send
from experts.models import HelpRequest, RoutingPreference
from experts.selectors import experts_for_question
from members.models import User


@transaction.atomic
def question_route(*, question: Question) -> list[HelpRequest]:
    """Offer the question to the members who know (`experts_for_question`): a stored request
    each (it counts toward their weekly limit) and a notification with the reason, in the
    page, live and in the digest. Routing a question twice asks no one again."""
    question = Question.objects.select_related("message__channel").get(pk=question.pk)
    if question.message.is_removed:
        return []
    asked = set(HelpRequest.objects.filter(question=question).values_list("member_id", flat=True))
    matches = [m for m in experts_for_question(question) if m.member_id not in asked]
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(member_id=match.member_id, question=question, reason=match.reason)
        for match in matches
    )
    notifications_send(
        message=question.message,
        kind=NotificationKind.QUESTION_REQUEST,
        details={request.member_id: request.reason for request in requests},
    )
    return requests


@transaction.atomic
def routing_preference_set(*, member: User, enabled: bool) -> RoutingPreference:
    """ "Fragen an mich weiterleiten" on or off."""
    preference, _created = RoutingPreference.objects.update_or_create(
        member=member, defaults={"enabled": enabled}
    )
    return preference
