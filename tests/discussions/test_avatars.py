"""Every message carries its author's avatar, on the page and in the live event."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from discussions import events
from discussions.services.messages import message_delete, message_post
from members.avatars import colour_for
from members.models import Visibility
from members.services import profile_update

pytestmark = pytest.mark.django_db


def channel_page(channel, user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("discussions:channel", args=[channel.slug])).content.decode()


def test_messages_show_initials_or_the_picture_the_reader_may_see(open_channel, author, reader):
    message_post(author=author, channel=open_channel, source="Guten Morgen")
    message_post(author=reader, channel=open_channel, source="Hallo")
    profile = profile_update(profile=reader.profile, data={"avatar_visibility": Visibility.MEMBERS})
    profile.avatar.save("avatars/jens.jpg", ContentFile(b"jpeg"), save=True)

    page = channel_page(open_channel, author)

    assert f'avatar--{colour_for(author.pk)}" aria-hidden="true">AD</span>' in page
    assert f'<img class="avatar avatar--size-32" src="{profile.avatar.url}" alt=""' in page


def test_private_picture_stays_initials_for_other_readers(open_channel, author, reader):
    message_post(author=reader, channel=open_channel, source="Hallo")
    profile = profile_update(profile=reader.profile, data={"avatar_visibility": Visibility.PRIVATE})
    profile.avatar.save("avatars/jens.jpg", ContentFile(b"jpeg"), save=True)

    page = channel_page(open_channel, author)

    assert profile.avatar.url not in page
    assert f'avatar--{colour_for(reader.pk)}" aria-hidden="true">JH</span>' in page


def test_deleted_message_has_a_neutral_avatar(open_channel, author, reader):
    message = message_post(author=author, channel=open_channel, source="Versehen")
    message_delete(actor=author, message=message)

    page = channel_page(open_channel, reader)

    assert 'avatar--neutral" aria-hidden="true">?</span>' in page
    assert ">AD</span>" not in page


def test_live_message_carries_the_avatar_every_member_may_see(open_channel, author):
    message = message_post(author=author, channel=open_channel, source="Live")

    markup = events.message_data(message)["markup"]

    assert ">AD</span>" in markup
    assert f"avatar--{colour_for(author.pk)}" in markup
