"""Asking the members who know: routing a question or a learning wish to them, and their
choice to be asked."""

from __future__ import annotations

from django.db import transaction

from core.links import absolute_url
from core.mail import mail_render, mails_send_on_commit
from discussions.models import NotificationKind, Question
from discussions.services.digest import notifications_send
from experts.models import HelpRequest, RoutingPreference
from experts.selectors import article_authors_to_ask, experts_for_question, experts_for_wish
from members.models import User
from members.selectors import member_name
from peer_learning.models import LearningWish


@transaction.atomic
def question_route(*, question: Question) -> list[HelpRequest]:
    """Offer the question to the members who know (`experts_for_question`) and, for a question
    about an article, to its authors (`article_authors_to_ask`, beyond the weekly limit): a
    stored request each (it counts toward their weekly limit) and a notification with the
    reason, in the page, live and in the digest. Routing a question twice asks no one again."""
    question = Question.objects.select_related("message__channel", "article").get(pk=question.pk)
    if question.message.is_removed:
        return []
    asked = set(HelpRequest.objects.filter(question=question).values_list("member_id", flat=True))
    authors = [m for m in article_authors_to_ask(question) if m.member_id not in asked]
    found = experts_for_question(question, exclude=[m.member_id for m in authors])
    matches = authors + [m for m in found if m.member_id not in asked]
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
def wish_route(*, wish: LearningWish) -> list[HelpRequest]:
    """Tell the members who know (`experts_for_wish`) about a learning wish: a stored request
    each (counted with the questions toward their weekly limit) and a mail with the reason
    and the way to offer a course, sent after the commit. Routing a wish twice asks no one
    again."""
    wish = LearningWish.objects.select_related("author__profile").get(pk=wish.pk)
    asked = set(HelpRequest.objects.filter(wish=wish).values_list("member_id", flat=True))
    matches = [m for m in experts_for_wish(wish) if m.member_id not in asked]
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(member_id=match.member_id, wish=wish, reason=match.reason) for match in matches
    )
    emails = dict(
        User.objects.filter(pk__in=[r.member_id for r in requests]).values_list("pk", "email")
    )
    context = {
        "wish": wish,
        "author_name": member_name(wish.author),
        "board_url": absolute_url("peer_learning:wishes") + f"#wunsch-{wish.pk}",
        "offer_url": absolute_url("peer_learning:course_create") + f"?wunsch={wish.pk}",
        "settings_url": absolute_url("discussions:notifications"),
    }
    mails_send_on_commit(
        mail_render(
            "experts/email/wish_request",
            to=emails[request.member_id],
            context={**context, "reason": request.reason},
        )
        for request in requests
    )
    return requests


@transaction.atomic
def routing_preference_set(*, member: User, enabled: bool) -> RoutingPreference:
    """ "Fragen an mich weiterleiten" on or off."""
    preference, _created = RoutingPreference.objects.update_or_create(
        member=member, defaults={"enabled": enabled}
    )
    return preference
