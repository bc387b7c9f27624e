"""Members, channels and content for the network tests, made with the real services."""

import pytest

from discussions.models import ChannelVisibility
from discussions.services.channels import channel_create, channel_join
from hub.models import Topic
from members.models import Approval
from tests.factories import MemberFactory

SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def pending(db):
    user = MemberFactory()
    user.approval = Approval.PENDING
    user.save(update_fields=["approval"])
    return user


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="E-Akte")


@pytest.fixture
def colleague(db):
    return MemberFactory(first_name="Jana", last_name="Kraft", organisation__name="Stadt Jena")


@pytest.fixture
def open_channel(colleague):
    return channel_create(creator=colleague, name="E-Akte in der Praxis")


@pytest.fixture
def private_channel(colleague):
    return channel_create(
        creator=colleague, name="Moderationsteam", visibility=ChannelVisibility.PRIVATE
    )


@pytest.fixture
def joined(member, open_channel):
    channel_join(user=member, channel=open_channel)
    return open_channel
