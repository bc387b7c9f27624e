"""A course session's own private channel: trainers open it, its members follow the seats."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from discussions.models import Membership
from discussions.selectors import can_post, can_read
from members.models import Approval
from peer_learning.services import (
    registration_cancel,
    registration_create,
    session_cancel,
    session_channel_open,
)
from tests.factories import MemberFactory
from tests.peer_learning.factories import make_course, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(title="Bürgerdialog moderieren")


@pytest.fixture
def trainer(course):
    return course.trainers.get()


@pytest.fixture
def session(course):
    return make_session(course, capacity=1)


def register(session, user):
    return registration_create(session_id=session.pk, user=user).registration


def member_ids(channel) -> set[int]:
    return set(Membership.objects.filter(channel=channel).values_list("user_id", flat=True))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_trainer_opens_a_private_channel_for_trainers_and_seat_holders(
    session, trainer, course
):
    seated, waiting = MemberFactory(), MemberFactory()
    register(session, seated)
    register(session, waiting)

    channel = session_channel_open(session_id=session.pk, user=trainer)
    again = session_channel_open(session_id=session.pk, user=trainer)

    session.refresh_from_db()
    assert session.channel == channel == again
    assert channel.is_private
    assert channel.name.startswith("Bürgerdialog moderieren · ")
    assert member_ids(channel) == {trainer.pk, seated.pk}
    assert can_post(viewer=seated, channel=channel)
    assert not can_read(viewer=waiting, channel=channel)


def test_only_the_sessions_trainers_open_a_channel_and_not_for_a_cancelled_session(
    session, trainer
):
    with pytest.raises(PermissionDenied):
        session_channel_open(session_id=session.pk, user=MemberFactory())
    session_cancel(session_id=session.pk, user=trainer)

    with pytest.raises(ValidationError, match="abgesagten Termin"):
        session_channel_open(session_id=session.pk, user=trainer)


def test_members_follow_confirmations_cancellations_and_the_waitlist(session, trainer):
    channel = session_channel_open(session_id=session.pk, user=trainer)
    first, second = MemberFactory(), MemberFactory()

    register(session, first)
    assert member_ids(channel) == {trainer.pk, first.pk}
    register(session, second)
    assert member_ids(channel) == {trainer.pk, first.pk}

    registration_cancel(session_id=session.pk, user=first)
    assert member_ids(channel) == {trainer.pk, second.pk}
    assert not can_read(viewer=first, channel=channel)


def test_pending_accounts_are_not_made_members(session, trainer):
    pending = MemberFactory()
    register(session, pending)
    pending.approval = Approval.PENDING
    pending.save(update_fields=["approval"])

    channel = session_channel_open(session_id=session.pk, user=trainer)

    assert member_ids(channel) == {trainer.pk}


def test_dashboard_button_creates_the_channel_and_participants_find_it_on_the_session_page(
    session, trainer
):
    seated, outsider = MemberFactory(), MemberFactory()
    register(session, seated)
    trainer_client = client_for(trainer)
    manage_url = reverse("peer_learning:session_manage", args=[session.pk])
    create_url = reverse("peer_learning:session_channel", args=[session.pk])

    assert "Kanal für diesen Termin anlegen" in trainer_client.get(manage_url).content.decode()
    assert trainer_client.get(create_url).status_code == 405
    assert client_for(outsider).post(create_url).status_code == 404
    response = trainer_client.post(create_url, follow=True)

    session.refresh_from_db()
    channel_url = reverse("discussions:channel", args=[session.channel.slug])
    assert response.redirect_chain[-1][0] == channel_url
    assert "Der Kanal ist angelegt." in response.content.decode()
    assert channel_url in trainer_client.get(manage_url).content.decode()
    session_url = reverse("peer_learning:session", args=[session.pk])
    assert channel_url in client_for(seated).get(session_url).content.decode()
    assert channel_url not in client_for(outsider).get(session_url).content.decode()
    assert channel_url not in Client().get(session_url).content.decode()
