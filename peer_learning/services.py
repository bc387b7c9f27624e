"""Writes for courses, sessions, registrations and feedback.

Seats: `Session.seats_taken` is changed only by `_take_seat`/`_release_seat`, single guarded
UPDATE statements. On PostgreSQL concurrent updates of the session row queue on its row lock
and each re-checks `seats_taken < capacity` against the committed value, so no interleaving
overbooks (counting rows and then inserting would). On SQLite every transaction starts with
BEGIN IMMEDIATE (settings), so writers are serialised from their first statement. An UPDATE
sends no signal, so these two retire the cached pages showing free seats themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page, WorkflowState

from core.page_cache import page_cache_retire_on_commit
from core.tasks import enqueue_on_commit
from discussions.models import Channel, ChannelVisibility
from discussions.services.channels import channel_create, channel_members_set
from hub.models import topic_slug
from members.models import User
from peer_learning import tasks
from peer_learning.models import (
    RESERVED_COURSE_SLUGS,
    SEAT_HOLDING,
    CalendarFeed,
    CatalogueIndexPage,
    CoursePage,
    Delivery,
    Feedback,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)
from peer_learning.selectors import is_trainer_of, registration_refusal

# Trainers may check attendance from shortly before the start.
CHECK_IN_OPENS_BEFORE_START = dt.timedelta(minutes=30)
# Fields whose change participants must hear about (and calendars must update).
ANNOUNCED_SESSION_FIELDS = ("starts_at", "ends_at", "delivery", "location", "meeting_url")
COURSE_FIELDS = (
    "title",
    "summary",
    "description",
    "format",
    "duration_minutes",
    "level",
    "prerequisites",
    "language",
)


def _take_seat(session_id: int) -> bool:
    taken = bool(
        Session.objects.filter(pk=session_id, seats_taken__lt=F("capacity")).update(
            seats_taken=F("seats_taken") + 1
        )
    )
    if taken:
        page_cache_retire_on_commit()
    return taken


def _release_seat(session_id: int) -> None:
    if Session.objects.filter(pk=session_id, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1
    ):
        page_cache_retire_on_commit()


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    # False when the member was registered already (double click, second tab).
    created: bool


def registration_create(*, session_id: int, user: User) -> RegistrationOutcome:
    """Register the member for the session: a seat if one is free, the waitlist otherwise.

    Idempotent: an existing confirmed or waitlisted registration is returned unchanged.
    Raises ValidationError with a German reason when the member may not register.
    """
    try:
        with transaction.atomic():
            session = Session.objects.select_related("course").get(pk=session_id)
            refusal = registration_refusal(session=session, user=user)
            if refusal:
                raise ValidationError(refusal, code="refused")
            registration = Registration.objects.filter(session=session, user=user).first()
            if registration is not None and registration.status != RegistrationStatus.CANCELLED:
                return RegistrationOutcome(registration=registration, created=False)
            if registration is None:
                registration = Registration(session=session, user=user)
            now = timezone.now()
            if _take_seat(session.pk):
                registration.status = RegistrationStatus.CONFIRMED
                registration.confirmed_at = now
                registration.queued_at = None
            else:
                registration.status = RegistrationStatus.WAITLISTED
                registration.queued_at = now
                registration.confirmed_at = None
            registration.cancelled_at = None
            registration.reminded_at = None
            registration.save()
            if registration.status == RegistrationStatus.CONFIRMED:
                _sync_session_channel(session)
            enqueue_on_commit(tasks.send_registration_mail, registration.pk, registration.status)
            return RegistrationOutcome(registration=registration, created=True)
    except IntegrityError:
        # The same member registered in a parallel request that committed first.
        registration = Registration.objects.get(session_id=session_id, user=user)
        return RegistrationOutcome(registration=registration, created=False)


@transaction.atomic
def registration_cancel(*, session_id: int, user: User) -> Registration:
    """Cancel the member's own registration; a freed seat goes to the first person waiting.

    Idempotent for registrations already cancelled. Raises Registration.DoesNotExist when the
    member has none, ValidationError once the session has begun.
    """
    registration = (
        Registration.objects.select_for_update()
        .select_related("session")
        .get(session_id=session_id, user=user)
    )
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if registration.status == RegistrationStatus.ATTENDED or (
        registration.session.starts_at <= timezone.now()
    ):
        raise ValidationError(
            _("Der Termin hat schon begonnen; eine Stornierung ist nicht mehr möglich."),
            code="started",
        )
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.queued_at = None
    registration.save(update_fields=["status", "cancelled_at", "queued_at"])
    if held_seat:
        _release_seat(session_id)
        _promote_waitlist(session_id)
        _sync_session_channel(registration.session)
    return registration


def _promote_waitlist(session_id: int) -> list[int]:
    """Give free seats to waiting people in the order they joined, and tell them.

    Runs after `_release_seat` or a capacity increase in the same transaction, which already
    holds the session row's lock on PostgreSQL: promotions of one session never interleave.
    """
    session = Session.objects.get(pk=session_id)
    if session.is_cancelled or session.starts_at <= timezone.now():
        return []
    promoted: list[int] = []
    while True:
        candidate = (
            Registration.objects.select_for_update()
            .filter(session_id=session_id, status=RegistrationStatus.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
        if candidate is None or not _take_seat(session_id):
            break
        candidate.status = RegistrationStatus.CONFIRMED
        candidate.confirmed_at = timezone.now()
        candidate.queued_at = None
        candidate.save(update_fields=["status", "confirmed_at", "queued_at"])
        promoted.append(candidate.pk)
        enqueue_on_commit(tasks.send_registration_mail, candidate.pk, "promoted")
    if promoted:
        _sync_session_channel(session)
    return promoted


def _sync_session_channel(session: Session) -> None:
    """The session's channel holds its trainers and everyone with a seat, nobody else."""
    channel = Channel.objects.filter(course_session__pk=session.pk).first()
    if channel is None:
        return
    members = User.objects.filter(
        Q(taught_courses__pk=session.course_id)
        | Q(course_registrations__session=session, course_registrations__status__in=SEAT_HOLDING)
    ).distinct()
    channel_members_set(channel=channel, users=members)


@transaction.atomic
def session_channel_open(*, session_id: int, user: User) -> Channel:
    """A trainer opens the session's private channel, or finds the one already open; either way
    its members are brought in line with the registrations."""
    session = Session.objects.select_for_update().select_related("course").get(pk=session_id)
    _require_trainer(course=session.course, user=user)
    if session.channel_id is None:
        if session.is_cancelled:
            raise ValidationError(
                _("Für einen abgesagten Termin kann kein Kanal angelegt werden."), code="cancelled"
            )
        starts = timezone.localtime(session.starts_at)
        session.channel = channel_create(
            creator=user,
            name=f"{session.course.title[:60]} · {starts:%d.%m.%Y}",
            description=_("Austausch der Teilnehmenden des Termins am %(date)s.")
            % {"date": f"{starts:%d.%m.%Y, %H:%M}"},
            visibility=ChannelVisibility.PRIVATE,
            topics=session.course.topics.all(),
        )
        session.save(update_fields=["channel", "updated_at"])
    _sync_session_channel(session)
    assert session.channel is not None  # opened above, or open before
    return session.channel


def _require_trainer(*, course: CoursePage, user: User) -> None:
    if not is_trainer_of(course=course, user=user):
        raise PermissionDenied(_("Nur die Trainer*innen dieses Impulses dürfen das."))


def _check_session_data(data: dict[str, Any], *, confirmed: int = 0) -> None:
    """Rules of a session that hold whoever edits it; raises a ValidationError per field."""
    errors: dict[str, str] = {}
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    deadline = data.get("registration_deadline")
    if deadline and starts_at and deadline > starts_at:
        errors["registration_deadline"] = _("Der Anmeldeschluss darf nicht nach dem Beginn liegen.")
    delivery = data.get("delivery")
    if delivery in (Delivery.ON_SITE, Delivery.HYBRID) and not (data.get("location") or "").strip():
        errors["location"] = _("Bitte den Ort angeben (Adresse und Raum).")
    if delivery in (Delivery.ONLINE, Delivery.HYBRID) and not data.get("meeting_url"):
        errors["meeting_url"] = _("Bitte den Link zur Videokonferenz angeben.")
    capacity = data.get("capacity")
    if capacity is not None and capacity < confirmed:
        errors["capacity"] = _(
            "Es gibt bereits %(count)d bestätigte Anmeldungen; die Zahl der Plätze kann nicht "
            "darunter liegen."
        ) % {"count": confirmed}
    if errors:
        raise ValidationError(errors)


SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "delivery",
    "location",
    "meeting_url",
    "capacity",
    "registration_deadline",
)


def _session_fields(session: Session, data: dict[str, Any], *, confirmed: int = 0) -> None:
    """Apply the changes, then check the rules on the session as it would be."""
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    _check_session_data(
        {field: getattr(session, field) for field in SESSION_FIELDS}, confirmed=confirmed
    )
    if session.delivery == Delivery.ON_SITE:
        session.meeting_url = ""
    elif session.delivery == Delivery.ONLINE:
        session.location = ""


@transaction.atomic
def session_create(*, course: CoursePage, user: User, data: dict[str, Any]) -> Session:
    """A new date of the trainer's course (published or still in review)."""
    _require_trainer(course=course, user=user)
    if data.get("starts_at") and data["starts_at"] <= timezone.now():
        raise ValidationError({"starts_at": _("Der Beginn muss in der Zukunft liegen.")})
    session = Session(course=course)
    _session_fields(session, data)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, session_id: int, user: User, data: dict[str, Any]) -> Session:
    """Change a planned session; participants hear of changes to time and place.

    The session row is locked first so that no registration slips in between checking the
    confirmed count and lowering the capacity.
    """
    session = Session.objects.select_for_update().select_related("course").get(pk=session_id)
    _require_trainer(course=session.course, user=user)
    if session.is_cancelled:
        raise ValidationError(_("Ein abgesagter Termin kann nicht mehr geändert werden."))
    if session.ends_at <= timezone.now():
        raise ValidationError(_("Ein vergangener Termin kann nicht mehr geändert werden."))
    before = {field: getattr(session, field) for field in ANNOUNCED_SESSION_FIELDS}
    new_start = data.get("starts_at")
    if new_start and new_start != session.starts_at and new_start <= timezone.now():
        raise ValidationError({"starts_at": _("Der Beginn muss in der Zukunft liegen.")})
    old_capacity = session.capacity
    _session_fields(session, data, confirmed=session.seats_taken)
    session.full_clean()
    announced = any(getattr(session, field) != before[field] for field in before)
    if announced:
        session.sequence += 1
    session.save()
    if session.capacity > old_capacity:
        _promote_waitlist(session.pk)
    if announced:
        enqueue_on_commit(tasks.send_session_mail, session.pk, "changed")
    return session


@transaction.atomic
def session_cancel(*, session_id: int, user: User) -> Session:
    """Call the session off and tell everyone registered or waiting."""
    session = Session.objects.select_for_update().select_related("course").get(pk=session_id)
    _require_trainer(course=session.course, user=user)
    if session.is_cancelled:
        return session
    if session.starts_at <= timezone.now():
        raise ValidationError(_("Ein Termin, der schon begonnen hat, kann nicht abgesagt werden."))
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    enqueue_on_commit(tasks.send_session_mail, session.pk, "cancelled")
    return session


@transaction.atomic
def attendance_record(*, session_id: int, user: User, attended_ids: set[int]) -> int:
    """Check in: the listed registrations attended, the other confirmed ones did not.

    Returns how many attended. Only seat holders can be checked in.
    """
    session = Session.objects.select_related("course").get(pk=session_id)
    _require_trainer(course=session.course, user=user)
    if session.is_cancelled:
        raise ValidationError(_("Für einen abgesagten Termin gibt es keine Anwesenheit."))
    if timezone.now() < session.starts_at - CHECK_IN_OPENS_BEFORE_START:
        raise ValidationError(
            _("Die Anwesenheit lässt sich ab 30 Minuten vor Beginn erfassen."), code="too_early"
        )
    seat_holders = Registration.objects.filter(session=session, status__in=SEAT_HOLDING)
    unknown = attended_ids - set(seat_holders.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("Nur bestätigte Teilnehmende können abgehakt werden."))
    seat_holders.filter(pk__in=attended_ids).update(status=RegistrationStatus.ATTENDED)
    seat_holders.exclude(pk__in=attended_ids).update(status=RegistrationStatus.CONFIRMED)
    return len(attended_ids)


def session_message_send(*, session_id: int, user: User, subject: str, body: str) -> int:
    """Mail the trainer's message to every confirmed participant; returns how many."""
    session = Session.objects.select_related("course").get(pk=session_id)
    _require_trainer(course=session.course, user=user)
    recipients = Registration.objects.filter(
        session=session, status__in=SEAT_HOLDING, user__isnull=False
    ).count()
    if recipients:
        enqueue_on_commit(tasks.send_trainer_message, session.pk, user.pk, subject, body)
    return recipients


@transaction.atomic
def feedback_submit(*, session_id: int, user: User, rating: int, comment: str) -> Feedback:
    """An attendee rates the session; submitting again replaces the earlier rating."""
    registration = Registration.objects.filter(
        session_id=session_id, user=user, status=RegistrationStatus.ATTENDED
    ).first()
    if registration is None:
        raise ValidationError(
            _("Rückmeldungen können nur Personen geben, die teilgenommen haben."),
            code="not_attended",
        )
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Bitte 1 bis 5 Sterne vergeben.")})
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration, defaults={"rating": rating, "comment": comment.strip()}
    )
    # The course page shows the average rating.
    page_cache_retire_on_commit()
    return feedback


def _unique_course_slug(title: str, *, parent: Page) -> str:
    base = topic_slug(title) or slugify("impuls")
    base = base[:60].strip("-") or "impuls"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken or slug in RESERVED_COURSE_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply_course_data(page: CoursePage, data: dict[str, Any]) -> None:
    for field in COURSE_FIELDS:
        if field in data:
            setattr(page, field, data[field])
    if "topics" in data:
        page.topics = list(data["topics"])


@transaction.atomic
def course_create(*, user: User, data: dict[str, Any], submit: bool = False) -> CoursePage:
    """A new course as an unpublished draft in the catalogue, its author as trainer. With
    `submit` the draft goes into review in the same transaction: a refused submission leaves
    no draft behind that the trainer did not ask for."""
    catalogue = CatalogueIndexPage.objects.get()
    page = CoursePage(owner=user, live=False)
    _apply_course_data(page, data)
    page.slug = _unique_course_slug(page.title, parent=catalogue)
    page.trainers = [user]
    catalogue.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    if submit:
        course_submit(course_id=page.pk, user=user)
    return page


@transaction.atomic
def course_update(
    *, course_id: int, user: User, data: dict[str, Any], submit: bool = False
) -> CoursePage:
    """Save the trainer's changes as a new draft revision; the live page stays as approved
    until the editors publish the revision. With `submit` the revision goes into review in the
    same transaction: a refused submission stores no revision either."""
    course = CoursePage.objects.get(pk=course_id)
    _require_trainer(course=course, user=user)
    draft = course.get_latest_revision_as_object()
    _apply_course_data(draft, data)
    draft.full_clean()
    draft.save_revision(user=user, log_action=True)
    if submit:
        course_submit(course_id=course.pk, user=user)
    return draft


@transaction.atomic
def course_submit(*, course_id: int, user: User) -> WorkflowState:
    """Send the latest draft into the catalogue's review workflow (idempotent while in review)."""
    course = CoursePage.objects.get(pk=course_id)
    _require_trainer(course=course, user=user)
    state = course.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    workflow = course.get_workflow()
    if workflow is None:
        raise ValidationError(
            _(
                "Für Impulse ist keine redaktionelle Prüfung eingerichtet. Bitte die Redaktion "
                "fragen."
            )
        )
    return workflow.start(course, user)


def calendar_feed_get(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def learning_erase(user: User) -> None:
    """Before account deletion: call off future sessions nobody else teaches (participants
    are told), free the member's future seats (waiting people move up), and keep past
    registrations and feedback without the person, so counts and ratings stay."""
    teaching = CoursePage.trainers.through.objects.filter(
        coursepage_id__in=CoursePage.objects.filter(trainers=user).values("pk")
    )
    sole_courses = [
        row["coursepage_id"]
        for row in teaching.values("coursepage_id").annotate(trainers=Count("pk"))
        if row["trainers"] == 1
    ]
    orphaned = Session.objects.filter(
        course_id__in=sole_courses, status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
    ).values_list("pk", flat=True)
    for session_id in list(orphaned):
        session_cancel(session_id=session_id, user=user)
    upcoming = Registration.objects.filter(
        user=user,
        status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
        session__starts_at__gt=timezone.now(),
    ).values_list("session_id", flat=True)
    for session_id in list(upcoming):
        registration_cancel(session_id=session_id, user=user)
    Registration.objects.filter(user=user).update(user=None)
