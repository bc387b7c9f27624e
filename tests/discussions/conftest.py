"""Channels and members for the discussion tests, made with the real services."""

import pytest

from discussions.models import ChannelVisibility
from discussions.services.channels import channel_create, channel_join
from members.models import Approval
from tests.factories import MemberFactory


@pytest.fixture
def author(db):
    return MemberFactory(first_name="Aylin", last_name="Demir")


@pytest.fixture
def reader(db):
    return MemberFactory(first_name="Jens", last_name="Hoffmann")


@pytest.fixture
def outsider(db):
    return MemberFactory(first_name="Petra", last_name="Koch")


@pytest.fixture
def pending(db):
    user = MemberFactory()
    user.approval = Approval.PENDING
    user.save(update_fields=["approval"])
    return user


@pytest.fixture
def open_channel(author, reader):
    channel = channel_create(creator=author, name="E-Akte in der Praxis", description="Scannen")
    channel_join(user=reader, channel=channel)
    return channel


@pytest.fixture
def private_channel(author):
    return channel_create(
        creator=author, name="Moderationsteam", visibility=ChannelVisibility.PRIVATE
    )
