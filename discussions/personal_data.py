"""The discussions' part of a member's data export and of account deletion."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from discussions.models import (
    Invitation,
    Membership,
    Message,
    MessageRevision,
    Notification,
    Question,
    QuestionHelper,
    Reaction,
)
from discussions.selectors import digest_frequencies
from members.models import User


def export_messages(user: User) -> dict[str, Any]:
    return {
        "channels": [
            {"channel": membership.channel.name, "joined_at": membership.joined_at.isoformat()}
            for membership in Membership.objects.filter(user=user)
            .select_related("channel")
            .order_by("channel__name")
        ],
        "messages": [
            {
                "id": message.pk,
                "channel": message.channel.name,
                "reply_to": message.reply_to_id,
                "text": message.source,
                "created_at": message.created_at.isoformat(),
                "edited_at": message.edited_at.isoformat() if message.edited_at else None,
                "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
                "earlier_versions": [
                    {"text": revision.source, "written_at": revision.written_at.isoformat()}
                    for revision in message.revisions.all()
                ],
            }
            for message in Message.objects.filter(author=user)
            .select_related("channel")
            .prefetch_related("revisions")
            .order_by("id")
        ],
        "reactions": [
            {"message": reaction.message_id, "emoji": reaction.emoji}
            for reaction in Reaction.objects.filter(user=user).order_by("id")
        ],
        "questions": [
            {
                "message": question.pk,
                "title": question.title,
                "topics": [topic.name for topic in question.topics.all()],
                "state": question.state,
                "solution": question.solution_id,
                "solved_at": question.solved_at.isoformat() if question.solved_at else None,
                "about_article": question.article.title if question.article else None,
            }
            for question in Question.objects.filter(message__author=user)
            .select_related("article")
            .prefetch_related("topics")
            .order_by("pk")
        ],
        "solutions_marked": [
            {
                "question": question.pk,
                "solution": question.solution_id,
                "marked_at": question.solved_at.isoformat() if question.solved_at else None,
            }
            for question in Question.objects.filter(solved_by=user).order_by("pk")
        ],
        "questions_helping": [
            {"question": helper.question_id, "since": helper.created_at.isoformat()}
            for helper in QuestionHelper.objects.filter(user=user).order_by("id")
        ],
        "digest": {
            kind.value: frequency for kind, frequency in digest_frequencies(user=user).items()
        },
        "notifications": [
            {
                "kind": notification.kind,
                "detail": notification.detail,
                "message": notification.message_id,
                "created_at": notification.created_at.isoformat(),
                "read_at": notification.read_at.isoformat() if notification.read_at else None,
            }
            for notification in Notification.objects.filter(recipient=user).order_by("id")
        ],
    }


@transaction.atomic
def erase_messages(user: User) -> None:
    """Messages stay readable for the others, attributed to "ehemaliges Mitglied" (a question
    with its title and topics, like its message); what the member deleted themselves goes for
    good, with every earlier version. Offers to help go; solutions they marked stay marked,
    by no one."""
    authored = Message.objects.filter(author=user)
    MessageRevision.objects.filter(message__in=authored.filter(deleted_at__isnull=False)).delete()
    authored.filter(deleted_at__isnull=False).update(source="", html="")
    authored.update(author=None)
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    QuestionHelper.objects.filter(user=user).delete()
    Question.objects.filter(solved_by=user).update(solved_by=None)
