"""What the discussions show on Mein Kollegium (core.sections): the member's channels with
unread counts, their unread mentions and replies, and their own open questions; and below an
article, the questions asked about it."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.sections import Section
from discussions.events import notification_text
from discussions.selectors import (
    article_questions,
    member_channels,
    member_open_questions,
    unread_notifications,
)
from hub.models import PracticePage
from members.selectors import is_network_member

MEMBER_CHANNELS = 8
MEMBER_NOTIFICATIONS = 5
MEMBER_QUESTIONS = 5


def member_channels_section(request: HttpRequest) -> Section | None:
    entries = member_channels(viewer=request.user, limit=MEMBER_CHANNELS)
    if not entries:
        return None
    return Section(
        title=_("Meine Kanäle"),
        template="discussions/section_channels.html",
        items=entries,
        more_url=reverse("discussions:index"),
        more_label=_("Alle Kanäle"),
    )


def member_notifications_section(request: HttpRequest) -> Section | None:
    if not is_network_member(request.user):
        return None
    notifications = unread_notifications(viewer=request.user, limit=MEMBER_NOTIFICATIONS)
    if not notifications:
        return None
    return Section(
        title=_("Erwähnungen und Antworten"),
        template="discussions/section_notifications.html",
        items=[
            (
                notification,
                notification_text(
                    message=notification.message,
                    kind=notification.kind,
                    detail=notification.detail,
                ),
            )
            for notification in notifications
        ],
        more_url=reverse("discussions:notifications"),
        more_label=_("Alle Benachrichtigungen"),
    )


def member_questions_section(request: HttpRequest) -> Section | None:
    cards = member_open_questions(viewer=request.user, limit=MEMBER_QUESTIONS)
    if not cards:
        return None
    return Section(
        title=_("Meine offenen Fragen"),
        template="discussions/section_questions.html",
        items=cards,
        more_url=reverse("discussions:questions"),
        more_label=_("Alle Fragen"),
    )


ARTICLE_QUESTIONS = 10


def article_questions_section(request: HttpRequest, page: object) -> Section | None:
    """ "Fragen zu diesem Beitrag" below a practice page: only the questions the viewer may
    read, none for anonymous visitors (whose page is cached)."""
    if not isinstance(page, PracticePage):
        return None
    cards = article_questions(viewer=request.user, article=page, limit=ARTICLE_QUESTIONS)
    if not cards:
        return None
    return Section(
        title=_("Fragen zu diesem Beitrag"),
        template="discussions/section_questions.html",
        items=cards,
        more_url=reverse("discussions:question_ask") + f"?beitrag={page.pk}",
        more_label=_("Eigene Frage zu diesem Beitrag stellen"),
    )
