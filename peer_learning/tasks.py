"""Background tasks (django-tasks) that send the course mails.

They run after the transaction that caused them has committed (`core.tasks.enqueue_on_commit`)
and re-read the rows: a registration cancelled in the meantime gets no confirmation.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.mail import mails_send
from peer_learning.mails import (
    build_mail,
    registration_message,
    session_message,
    trainer_message,
)
from peer_learning.models import SEAT_HOLDING, Registration, RegistrationStatus, Session

# Which registration states each kind of mail still fits when the task runs.
REGISTRATION_MAIL_STATES = {
    RegistrationStatus.CONFIRMED: SEAT_HOLDING,
    "promoted": SEAT_HOLDING,
    "reminder": SEAT_HOLDING,
    RegistrationStatus.WAITLISTED: (RegistrationStatus.WAITLISTED,),
}


@task()
def send_registration_mail(registration_id: int, kind: str) -> bool:
    """Confirmation, waitlist notice, promotion or reminder to one member."""
    registration = (
        Registration.objects.select_related("session__course", "user")
        .filter(pk=registration_id, status__in=REGISTRATION_MAIL_STATES[kind])
        .first()
    )
    if registration is None or registration.user is None:
        return False
    with translation.override("de"):
        message = registration_message(registration, kind)
        holds_seat = registration.holds_seat
        mail = build_mail(
            to=registration.user.email,
            message=message,
            calendar_of=registration.session if holds_seat else None,
            with_link=holds_seat,
        )
    mails_send([mail])
    return True


def _registered(session: Session) -> list[Registration]:
    return list(
        Registration.objects.filter(
            session=session,
            status__in=(*SEAT_HOLDING, RegistrationStatus.WAITLISTED),
            user__isnull=False,
        ).select_related("user")
    )


@task()
def send_session_mail(session_id: int, kind: str) -> int:
    """Tell everyone registered or waiting that the session changed or was cancelled."""
    session = Session.objects.select_related("course").get(pk=session_id)
    mails = []
    with translation.override("de"):
        for registration in _registered(session):
            holds_seat = registration.holds_seat
            assert registration.user is not None  # _registered leaves out deleted accounts
            mails.append(
                build_mail(
                    to=registration.user.email,
                    message=session_message(session, kind, holds_seat=holds_seat),
                    calendar_of=session if holds_seat or kind == "cancelled" else None,
                    with_link=holds_seat and kind != "cancelled",
                )
            )
    return mails_send(mails)


@task()
def send_trainer_message(session_id: int, sender_id: int, subject: str, body: str) -> int:
    """The trainer's message to every confirmed participant, one mail each."""
    session = Session.objects.select_related("course").get(pk=session_id)
    sender = session.course.trainers.select_related("profile").filter(pk=sender_id).first()
    mails = []
    with translation.override("de"):
        sender_name = sender.profile.display_name if sender else _("Ihre Trainerin/Ihr Trainer")
        for registration in _registered(session):
            if registration.holds_seat:
                message = trainer_message(
                    session, sender_name=sender_name, subject=subject, body=body
                )
                assert registration.user is not None  # _registered leaves out deleted accounts
                mails.append(build_mail(to=registration.user.email, message=message))
    return mails_send(mails)
