"""Reads for the catalogue, sessions, the trainer dashboard and the learning history."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import WorkflowState

from discussions.models import Channel
from discussions.selectors import can_read
from hub.knowledge.selectors import public
from members.avatars import Avatar
from members.models import Profile, User
from members.selectors import (
    Viewer,
    is_network_member,
    member_avatar,
    profile_view,
    visible_display_name,
)
from peer_learning.models import (
    SEAT_HOLDING,
    CoursePage,
    Feedback,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)


def course_trainer_ids(*, course: CoursePage) -> set[int]:
    """The ids of the course's trainers, for a saved page and for a draft alike.

    A draft that editors preview or review is rebuilt from its revision: its trainers are held
    in memory by modelcluster, where lookups by `pk` and `values("pk")` fail
    (`FieldDoesNotExist`). Iterating works on both, and a course has few trainers.
    """
    return {trainer.pk for trainer in course.trainers.all()}


def is_trainer_of(*, course: CoursePage, user: Viewer) -> bool:
    return user.is_authenticated and user.pk in course_trainer_ids(course=course)


def registration_refusal(
    *, session: Session, user: Viewer, now: dt.datetime | None = None
) -> str | None:
    """Why the user may not register for the session, in German; None when they may."""
    now = now or timezone.now()
    if not is_network_member(user):
        return _("Nur freigeschaltete Mitglieder können sich zu Terminen anmelden.")
    if not session.course.live:
        return _("Dieser Impuls ist noch nicht veröffentlicht.")
    if session.is_cancelled:
        return _("Dieser Termin wurde abgesagt.")
    if session.starts_at <= now:
        return _("Dieser Termin hat schon begonnen oder ist vorbei.")
    if session.registration_deadline and session.registration_deadline < now:
        return _("Der Anmeldeschluss für diesen Termin ist vorbei.")
    if is_trainer_of(course=session.course, user=user):
        return _("Zu Ihrem eigenen Termin können Sie sich nicht anmelden.")
    return None


def may_see_meeting_link(*, session: Session, user: Viewer) -> bool:
    """Only confirmed participants and the trainers get the link to the video conference."""
    if not user.is_authenticated or not session.meeting_url:
        return False
    if is_trainer_of(course=session.course, user=user):
        return True
    return Registration.objects.filter(session=session, user=user, status__in=SEAT_HOLDING).exists()


def _live_courses() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().public()


def readable_courses() -> QuerySet[CoursePage]:
    """Published courses anyone may read: what members may bookmark and be shown."""
    return _live_courses()


def _trainer_profiles() -> Prefetch:
    return Prefetch(
        "trainers",
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        queryset=User.objects.select_related("profile__organisation").prefetch_related(  # type: ignore[misc]
            "profile__expertise", "profile__interests"
        ),
    )


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    topic: str = ""
    format: str = ""


def catalogue_courses(*, filters: CatalogueFilters) -> QuerySet[CoursePage]:
    """Published courses with their next date, its free seats, number of upcoming dates and
    average rating; featured first, then by next date."""
    now = timezone.now()
    upcoming = Q(sessions__status=SessionStatus.PLANNED, sessions__starts_at__gt=now)
    courses = _live_courses()
    if filters.query:
        courses = courses.filter(
            Q(title__icontains=filters.query) | Q(summary__icontains=filters.query)
        )
    if filters.topic:
        courses = courses.filter(pk__in=CoursePage.objects.filter(topics__slug=filters.topic))
    if filters.format:
        courses = courses.filter(format=filters.format)
    next_session = Session.objects.filter(
        course=OuterRef("pk"), status=SessionStatus.PLANNED, starts_at__gt=now
    ).order_by("starts_at", "pk")
    rating = (
        Feedback.objects.filter(registration__session__course=OuterRef("pk"))
        .values("registration__session__course")
        .annotate(average=Avg("rating"))
        .values("average")
    )
    return (
        courses.annotate(
            next_start=Min("sessions__starts_at", filter=upcoming),
            upcoming_count=Count("sessions", filter=upcoming),
            average_rating=Subquery(rating),
            next_seats_free=Subquery(
                next_session.annotate(free=F("capacity") - F("seats_taken")).values("free")[:1]
            ),
        )
        .prefetch_related("topics")
        .order_by("-featured", F("next_start").asc(nulls_last=True), "title", "pk")
    )


def _trainers_with_names() -> Prefetch:
    return Prefetch("trainers", queryset=User.objects.select_related("profile").order_by("pk"))


def _visible_trainers(*, course: CoursePage, viewer: Viewer) -> Iterator[tuple[User, str]]:
    """The course's trainers whose names the viewer may see, with that name; hidden names are
    left out. Expects the trainers prefetched with their profiles."""
    for trainer in course.trainers.all():
        profile = getattr(trainer, "profile", None)
        name = profile and visible_display_name(profile=profile, viewer=viewer)
        if name:
            yield trainer, name


@dataclass(frozen=True)
class TrainerFace:
    """A trainer on a course card: the name the viewer may see and the avatar beside it."""

    name: str
    avatar: Avatar


def _trainer_faces(*, course: CoursePage, viewer: Viewer) -> list[TrainerFace]:
    return [
        TrainerFace(name=name, avatar=member_avatar(trainer, viewer=viewer))
        for trainer, name in _visible_trainers(course=course, viewer=viewer)
    ]


@dataclass(frozen=True)
class CourseCard:
    """A course in the catalogue as one viewer sees it."""

    course: CoursePage
    trainers: list[TrainerFace]

    @property
    def trainer_names(self) -> list[str]:
        return [trainer.name for trainer in self.trainers]


def course_cards(*, courses: Iterable[CoursePage], viewer: Viewer) -> list[CourseCard]:
    """Cards for a page of `catalogue_courses`, with the trainers fetched in one query."""
    courses = list(courses)
    prefetch_related_objects(courses, _trainers_with_names())
    return [
        CourseCard(course=course, trainers=_trainer_faces(course=course, viewer=viewer))
        for course in courses
    ]


@dataclass(frozen=True)
class SessionFilters:
    topic: str = ""
    format: str = ""
    delivery: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    free_seats_only: bool = False


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def upcoming_sessions(*, filters: SessionFilters) -> QuerySet[Session]:
    """Planned sessions of published courses from now on (or in the given dates)."""
    sessions = Session.objects.filter(
        status=SessionStatus.PLANNED,
        course__in=_live_courses(),
        starts_at__gt=timezone.now(),
    )
    if filters.date_from:
        sessions = sessions.filter(starts_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        sessions = sessions.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(1)))
    if filters.topic:
        sessions = sessions.filter(course__in=CoursePage.objects.filter(topics__slug=filters.topic))
    if filters.format:
        sessions = sessions.filter(course__format=filters.format)
    if filters.delivery:
        sessions = sessions.filter(delivery=filters.delivery)
    if filters.free_seats_only:
        sessions = sessions.filter(seats_taken__lt=F("capacity"))
    return sessions.select_related("course").order_by("starts_at", "pk")


@dataclass(frozen=True)
class SessionCard:
    """An upcoming session in the list as one viewer sees it."""

    session: Session
    trainer_names: list[str]


def session_cards(*, sessions: Iterable[Session], viewer: Viewer) -> list[SessionCard]:
    """Cards for a page of `upcoming_sessions`, with the trainers fetched in one query."""
    sessions = list(sessions)
    prefetch_related_objects([session.course for session in sessions], _trainers_with_names())
    return [
        SessionCard(
            session=session,
            trainer_names=[
                name for _, name in _visible_trainers(course=session.course, viewer=viewer)
            ],
        )
        for session in sessions
    ]


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    sessions: list[Session] = field(default_factory=list)


def month_calendar(*, year: int, month: int, filters: SessionFilters) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month with the sessions of each day, in Berlin time."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    in_month = SessionFilters(
        topic=filters.topic,
        format=filters.format,
        delivery=filters.delivery,
        date_from=first,
        date_to=last,
        free_seats_only=filters.free_seats_only,
    )
    by_day: dict[dt.date, list[Session]] = {}
    for session in upcoming_sessions(filters=in_month):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return [
        [
            CalendarDay(date=day, in_month=day.month == month, sessions=by_day.get(day, []))
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


@dataclass(frozen=True)
class SessionView:
    """A session as one viewer sees it."""

    session: Session
    registration: Registration | None
    refusal: str | None
    meeting_url: str
    can_cancel: bool


def session_views(*, sessions: list[Session], viewer: Viewer) -> list[SessionView]:
    """The viewer's registration, whether they may register and the link they may see, for
    several sessions of one course in a fixed number of queries."""
    registrations: dict[int, Registration] = {}
    is_trainer = False
    if sessions and viewer.is_authenticated:
        registrations = {
            registration.session_id: registration
            for registration in with_waitlist_position(
                Registration.objects.filter(session__in=sessions, user=viewer)
            )
        }
        is_trainer = is_trainer_of(course=sessions[0].course, user=viewer)
    views = []
    now = timezone.now()
    for session in sessions:
        registration = registrations.get(session.pk)
        link_visible = is_trainer or (registration is not None and registration.holds_seat)
        active = registration is not None and registration.status != RegistrationStatus.CANCELLED
        views.append(
            SessionView(
                session=session,
                registration=registration,
                refusal=None if active else registration_refusal(session=session, user=viewer),
                meeting_url=session.meeting_url if link_visible else "",
                can_cancel=(
                    active
                    and registration is not None
                    and registration.status != RegistrationStatus.ATTENDED
                    and session.starts_at > now
                ),
            )
        )
    return views


def course_average_rating(*, course: CoursePage) -> dict[str, Any]:
    return Feedback.objects.filter(registration__session__course=course).aggregate(
        average=Avg("rating"), count=Count("pk")
    )


def course_detail_context(*, course: CoursePage, viewer: Viewer) -> dict[str, Any]:
    """What a course page shows besides its own fields."""
    sessions = list(
        course.sessions.filter(ends_at__gt=timezone.now())
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    trainer_cards = [
        profile_view(profile=profile, viewer=viewer)
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        for profile in Profile.objects.filter(user__in=course_trainer_ids(course=course))  # type: ignore[misc]
        .select_related("organisation")
        .prefetch_related("expertise", "interests")
    ]
    return {
        "session_views": session_views(sessions=sessions, viewer=viewer),
        "rating": course_average_rating(course=course),
        "trainer_cards": trainer_cards,
        "is_trainer": is_trainer_of(course=course, user=viewer),
    }


def session_view(*, session: Session, viewer: Viewer) -> SessionView:
    return session_views(sessions=[session], viewer=viewer)[0]


def visible_session(*, pk: int) -> Session | None:
    """A session of a published course (cancelled and past ones included)."""
    return (
        Session.objects.select_related("course").filter(course__in=_live_courses(), pk=pk).first()
    )


# Trainer dashboard

REVIEW_LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: gettext_lazy("In Prüfung durch die Redaktion"),
    WorkflowState.STATUS_NEEDS_CHANGES: gettext_lazy("Änderungen erbeten"),
}


def trainer_courses(*, user: User) -> QuerySet[CoursePage]:
    """The member's own courses, drafts included, with their sessions."""
    return (
        CoursePage.objects.filter(trainers=user)
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("-starts_at", "pk"))
        )
        .order_by("-latest_revision_created_at", "pk")
    )


def course_review_state(*, course: CoursePage) -> str:
    """Where the course stands for its trainer, in German."""
    state = course.current_workflow_state
    if state is not None:
        return str(REVIEW_LABELS.get(state.status, state.get_status_display()))
    if not course.live:
        return _("Entwurf, noch nicht eingereicht")
    if course.has_unpublished_changes:
        return _("Veröffentlicht; Änderungen noch nicht eingereicht")
    return _("Veröffentlicht")


def trainer_session(*, pk: int, user: User) -> Session | None:
    """One of the trainer's sessions, whatever its course's state."""
    return Session.objects.select_related("course").filter(pk=pk, course__trainers=user).first()


def trainer_course(*, pk: int, user: User) -> CoursePage | None:
    return CoursePage.objects.filter(pk=pk, trainers=user).first()


def session_participants(*, session: Session) -> QuerySet[Registration]:
    """Seat holders and the waitlist, in the order they came, with names for display."""
    return (
        Registration.objects.filter(
            session=session,
            status__in=(*SEAT_HOLDING, RegistrationStatus.WAITLISTED),
        )
        .select_related("user__profile__organisation")
        .order_by(F("queued_at").asc(nulls_first=True), "confirmed_at", "pk")
    )


def session_feedback(*, session: Session) -> QuerySet[Feedback]:
    """Ratings and comments without who gave them; ordered so the order reveals nobody."""
    return Feedback.objects.filter(registration__session=session).order_by("-rating", "comment")


# Member's own registrations


def with_waitlist_position(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotates `waitlist_position`: 1 for the first person waiting, in the order the waitlist
    is served (`services._promote_waitlist`); None for registrations not on the waitlist."""
    waiting_until_this_one = (
        Registration.objects.filter(
            session=OuterRef("session"), status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(waitlist_position=Subquery(waiting_until_this_one))


def member_registrations(*, user: User) -> QuerySet[Registration]:
    return with_waitlist_position(
        Registration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__course")
        .annotate(has_feedback=Exists(Feedback.objects.filter(registration=OuterRef("pk"))))
    )


def upcoming_registrations(*, user: User) -> QuerySet[Registration]:
    return (
        member_registrations(user=user)
        .filter(session__ends_at__gt=timezone.now())
        .order_by("session__starts_at")
    )


def learning_history(*, user: User) -> QuerySet[Registration]:
    """Sessions the member attended, newest first."""
    return (
        member_registrations(user=user)
        .filter(status=RegistrationStatus.ATTENDED)
        .order_by("-session__starts_at")
    )


def attended_registration(*, session_id: int, user: User) -> Registration | None:
    return (
        Registration.objects.filter(
            session_id=session_id, user=user, status=RegistrationStatus.ATTENDED
        )
        .select_related("session__course")
        .first()
    )


def feed_sessions(*, user: User) -> QuerySet[Session]:
    """What the personal calendar feed holds: the member's sessions and the ones they teach,
    from 90 days back (so recent changes and cancellations still reach the calendar)."""
    since = timezone.now() - dt.timedelta(days=90)
    attending = Registration.objects.filter(
        session=OuterRef("pk"), user=user, status__in=SEAT_HOLDING
    )
    return (
        Session.objects.filter(Q(Exists(attending)) | Q(course__trainers=user), ends_at__gte=since)
        .select_related("course")
        .distinct()
        .order_by("starts_at")
    )


def session_channel(*, session: Session, viewer: Viewer) -> Channel | None:
    """The session's discussion channel, for those who may read it."""
    if session.channel_id is None:
        return None
    channel = Channel.objects.filter(pk=session.channel_id).first()
    if channel is None or not can_read(viewer=viewer, channel=channel):
        return None
    return channel


def member_next_sessions(*, user: User, limit: int) -> QuerySet[Session]:
    """The member's next planned sessions of published courses, as a participant (seat or
    waiting list) or as a trainer, soonest first; each with `is_trainer` and
    `registration_status` (empty for a trainer without a registration). One query, led by the
    member's own registrations and courses rather than by all upcoming sessions."""
    registrations = Registration.objects.filter(user=user).exclude(
        status=RegistrationStatus.CANCELLED
    )
    taught = CoursePage.trainers.through.objects.filter(user_id=user.pk)
    return (
        Session.objects.filter(
            Q(pk__in=registrations.values("session_id"))
            | Q(course_id__in=taught.values("coursepage_id")),
            course__in=public(CoursePage.objects.live()),
            status=SessionStatus.PLANNED,
            ends_at__gt=timezone.now(),
        )
        .annotate(
            is_trainer=Exists(taught.filter(coursepage_id=OuterRef("course_id"))),
            registration_status=Subquery(
                registrations.filter(session=OuterRef("pk")).order_by().values("status")[:1]
            ),
        )
        .select_related("course")
        .only("starts_at", "delivery", "course__title")
        .order_by("starts_at", "pk")[:limit]
    )
