"""The demo seeder fills realistic channels, once."""

import pytest
from django.core.management import call_command

from discussions.models import Channel, Membership, Message, Reaction
from discussions.selectors import channel_index
from members.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seed() -> None:
    call_command("seed_demo", verbosity=0)


def test_demo_channels_have_threads_reactions_and_unread_messages(client):
    seed()

    assert Channel.objects.count() >= 4
    assert Channel.objects.filter(visibility="private").exists()
    assert Message.objects.filter(reply_to__isnull=False).exists()
    assert Reaction.objects.exists()
    assert not Message.objects.filter(author__isnull=True).exists()
    member = User.objects.get(email="aylin.demir@demo.kollegium.example")
    entries = {entry.channel.slug: entry for entry in channel_index(viewer=member)}
    assert entries["e-akte-praxis"].unread >= 1
    assert "moderation-intern" not in entries
    client.force_login(member)
    page = client.get("/austausch/e-akte-praxis/").content.decode()
    assert "Altbestand" in page


def test_seeding_twice_changes_nothing():
    seed()
    before = (Channel.objects.count(), Message.objects.count(), Membership.objects.count())

    seed()

    assert (
        Channel.objects.count(),
        Message.objects.count(),
        Membership.objects.count(),
    ) == before


def test_scale_bulk_creates_messages_once_with_a_private_channel(client):
    call_command("seed_demo", "--scale", "120", verbosity=0)
    bulk = Message.objects.filter(channel__slug__startswith="massen-")

    call_command("seed_demo", "--scale", "120", verbosity=0)

    assert bulk.count() == 120
    assert bulk.values("source").distinct().count() > 30
    assert bulk.filter(channel__visibility="private").exists()
    assert bulk.dates("created_at", "day").count() > 1
    message = bulk.filter(channel__visibility="open").first()
    assert message.html.startswith("<p>")
    client.force_login(User.objects.get(email="aylin.demir@demo.kollegium.example"))
    assert client.get(f"/austausch/{message.channel.slug}/").status_code == 200
