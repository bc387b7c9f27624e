"""Reading learning wishes ("Lernwünsche"): the board, one wish, who wished for a course."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Value

from core.queries import counted
from hub.models import Topic
from members.models import User
from members.selectors import Viewer, is_network_member, member_name
from peer_learning.models import CoursePage, LearningWish, WishVote

WISH_ORDER_INTEREST = "interesse"
WISH_ORDER_NEWEST = "neu"
WISH_ORDERS = (WISH_ORDER_INTEREST, WISH_ORDER_NEWEST)


def wish_board(
    *, viewer: Viewer, topic: Topic | None = None, order: str = WISH_ORDER_INTEREST
) -> QuerySet[LearningWish]:
    """The wishes members see, each with `interest` (the author and every "+1") and
    `voted` (whether the viewer said "+1"): most wanted first, then the older one, which
    waited longer; or newest first. Only approved members see wishes."""
    if not is_network_member(viewer):
        return LearningWish.objects.none()
    wishes = LearningWish.objects.all()
    if topic is not None:
        wishes = wishes.filter(topics=topic)
    ordering = ["-interest", "created_at"] if order == WISH_ORDER_INTEREST else ["-created_at"]
    return (
        wishes.annotate(
            interest=counted(WishVote.objects.filter(wish=OuterRef("pk")), by="wish") + Value(1),
            voted=Exists(WishVote.objects.filter(wish=OuterRef("pk"), member=viewer)),
        )
        .select_related("author__profile", "course")
        .prefetch_related("topics")
        .order_by(*ordering, "-pk")
    )


def readable_wish(*, viewer: Viewer, pk: int) -> LearningWish | None:
    if not is_network_member(viewer):
        return None
    return LearningWish.objects.filter(pk=pk).first()


@dataclass(frozen=True)
class WishCard:
    """One wish on the board, as the viewer sees it."""

    wish: LearningWish
    author_name: str
    is_own: bool
    # The published course that answers it, if any; a course still in review is not shown.
    course_url: str | None


def wish_cards(*, wishes: Any, viewer: Viewer) -> list[WishCard]:
    """Rows for a page of `wish_board`."""
    return [
        WishCard(
            wish=wish,
            author_name=member_name(wish.author),
            is_own=wish.author_id == viewer.pk,
            course_url=wish.course.url if wish.course is not None and wish.course.live else None,
        )
        for wish in wishes
    ]


def wishers_of(*, course: CoursePage) -> QuerySet[User]:
    """Everyone who wished for the course: the authors of the wishes it answers and their
    "+1"s, each once, active accounts only."""
    wishes = LearningWish.objects.filter(course=course)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Exists(wishes.filter(author=OuterRef("pk")))
            | Exists(WishVote.objects.filter(wish__in=wishes, member=OuterRef("pk")))
        )
        .order_by("pk")
    )
