"""Courses and sessions for the peer-learning tests, created through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from hub.models import Topic
from members.models import User
from members.roles import Role
from peer_learning.models import CourseFormat, CoursePage, Delivery, Session
from peer_learning.services import course_create, session_create
from tests.factories import MemberFactory


def make_course(
    *,
    trainer: User | None = None,
    title: str = "E-Akte in 30 Minuten",
    publish: bool = True,
    topics: list[Topic] | None = None,
    **data: Any,
) -> CoursePage:
    trainer = trainer or MemberFactory(roles=(Role.TRAINER,))
    course = course_create(
        user=trainer,
        data={
            "title": title,
            "summary": "Wie wir die E-Akte eingeführt haben – und was wir heute anders machen.",
            "description": "<p>Ein Erfahrungsbericht mit Zeit für Fragen.</p>",
            "format": CourseFormat.SHORT_TALK,
            "duration_minutes": 30,
            "topics": topics or [],
            **data,
        },
    )
    if publish:
        course.get_latest_revision().publish()
        course.refresh_from_db()
    return course


def make_session(
    course: CoursePage,
    *,
    capacity: int = 5,
    starts_in: dt.timedelta = dt.timedelta(days=7),
    **data: Any,
) -> Session:
    trainer = course.trainers.first()
    starts_at = timezone.now() + starts_in
    return session_create(
        course=course,
        user=trainer,
        data={
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(minutes=60),
            "delivery": Delivery.ONLINE,
            "meeting_url": "https://konferenz.example/raum-42",
            "capacity": capacity,
            **data,
        },
    )


def move_session(session: Session, *, starts_in: dt.timedelta) -> Session:
    """Put a session in the past or near future (services refuse to create it there)."""
    starts_at = timezone.now() + starts_in
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1)
    )
    session.refresh_from_db()
    return session
