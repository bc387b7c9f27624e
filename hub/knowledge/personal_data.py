"""The knowledge area's part of a member's data export and account deletion."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hub.knowledge.services import practice_authorship_anonymise
from hub.models import HelpfulMark, PracticePage, Reuse
from members.models import User


def export_practice_material(user: User) -> list[dict[str, Any]]:
    """Articles the member submitted or is named as an author of."""
    profile_id = getattr(getattr(user, "profile", None), "pk", None)
    pages = (
        PracticePage.objects.filter(Q(submitted_by=user) | Q(authors__profile_id=profile_id))
        .distinct()
        .order_by("pk")
    )
    return [
        {
            "title": page.draft_title,
            "submitted_by_me": page.submitted_by_id == user.pk,
            "author": page.authors.filter(profile_id=profile_id).exists(),
            "live": page.live,
            "url": page.url if page.live else None,
            "first_published_at": (
                page.first_published_at.isoformat() if page.first_published_at else None
            ),
        }
        for page in pages
    ]


def erase_practice_authorship(user: User) -> None:
    practice_authorship_anonymise(user=user)


def export_practice_feedback(user: User) -> dict[str, Any]:
    """ "Hilfreich" marks and "Nutzen wir auch" of the member. Deleting the account deletes
    them (their `member` keys cascade)."""
    return {
        "helpful": [
            {"article": mark.page.title, "marked_at": mark.created_at.isoformat()}
            for mark in HelpfulMark.objects.filter(member=user)
            .select_related("page")
            .order_by("created_at", "pk")
        ],
        "reuses": [
            {
                "article": reuse.page.title,
                "organisation": reuse.organisation.name,
                "said_at": reuse.created_at.isoformat(),
            }
            for reuse in Reuse.objects.filter(member=user)
            .select_related("page", "organisation")
            .order_by("created_at", "pk")
        ],
    }
