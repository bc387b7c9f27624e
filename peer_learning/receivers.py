"""The editors publish a course through Wagtail's review workflow, not through a service of
ours; publishing is the moment its wishers learn about it. Connected in `ready()`."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published

from peer_learning.models import CoursePage
from peer_learning.wish_services import wish_course_announce


def _course_published(sender: type[CoursePage], instance: CoursePage, **_: Any) -> None:
    wish_course_announce(course=instance)


def connect() -> None:
    page_published.connect(
        _course_published, sender=CoursePage, dispatch_uid="peer_learning_wish_course"
    )
