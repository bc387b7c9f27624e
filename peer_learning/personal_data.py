"""The learning part of a member's data export: registrations, feedback, courses taught."""

from __future__ import annotations

from typing import Any

from members.models import User
from peer_learning.models import CoursePage, Feedback, LearningWish, Registration, WishVote


def export_learning(user: User) -> dict[str, Any]:
    registrations = Registration.objects.filter(user=user).select_related("session__course")
    feedback = {
        item.registration_id: item for item in Feedback.objects.filter(registration__user=user)
    }
    return {
        "registrations": [
            {
                "course": registration.session.course.title,
                "starts_at": registration.session.starts_at.isoformat(),
                "ends_at": registration.session.ends_at.isoformat(),
                "status": registration.status,
                "registered_at": registration.created_at.isoformat(),
                "cancelled_at": (
                    registration.cancelled_at.isoformat() if registration.cancelled_at else None
                ),
                "feedback": (
                    {
                        "rating": feedback[registration.pk].rating,
                        "comment": feedback[registration.pk].comment,
                    }
                    if registration.pk in feedback
                    else None
                ),
            }
            for registration in registrations.order_by("session__starts_at", "pk")
        ],
        "courses_taught": sorted(
            CoursePage.objects.filter(trainers=user).values_list("title", flat=True)
        ),
        "calendar_feed": hasattr(user, "calendar_feed"),
        # Wishes and "+1"s go with the account (their keys cascade).
        "learning_wishes": [
            {
                "title": wish.title,
                "text": wish.text,
                "topics": sorted(topic.name for topic in wish.topics.all()),
                "format": wish.format,
                "created_at": wish.created_at.isoformat(),
            }
            for wish in LearningWish.objects.filter(author=user)
            .prefetch_related("topics")
            .order_by("created_at", "pk")
        ],
        "learning_wish_votes": [
            {"wish": vote.wish.title, "created_at": vote.created_at.isoformat()}
            for vote in WishVote.objects.filter(member=user)
            .select_related("wish")
            .order_by("created_at", "pk")
        ],
    }
