"""Moderation: reports, the queue in the Wagtail admin, hiding, muting, slow mode, the log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions.models import Flag, Message, ModerationAction, Mute
from discussions.services.channels import channel_join
from discussions.services.messages import RateLimited, message_post
from discussions.services.moderation import (
    channel_slow_mode_set,
    flag_dismiss,
    member_mute,
    member_unmute,
    message_flag,
    message_hide,
    message_show,
)
from discussions.services.reactions import reaction_toggle
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = MemberFactory(first_name="Julia", last_name="Richter", roles=(Role.MODERATOR,))
    totp_activate(user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_readers_flag_once_and_not_their_own(open_channel, author, reader, outsider):
    message = message_post(author=author, channel=open_channel, source="Fragwürdig")

    flag = message_flag(reporter=reader, message=message, reason="offensive", note="Ton")
    message_flag(reporter=outsider, message=message, reason="spam")

    assert flag.reason == "offensive"
    with pytest.raises(ValidationError, match="bereits gemeldet"):
        message_flag(reporter=reader, message=message, reason="spam")
    with pytest.raises(ValidationError, match="Eigene Nachrichten"):
        message_flag(reporter=author, message=message, reason="spam")


def test_private_messages_cannot_be_flagged_by_outsiders(private_channel, author, outsider):
    message = message_post(author=author, channel=private_channel, source="Intern")

    with pytest.raises(PermissionDenied):
        message_flag(reporter=outsider, message=message, reason="spam")


def test_hiding_resolves_reports_is_logged_and_only_for_moderators(
    open_channel, author, reader, moderator
):
    message = message_post(author=author, channel=open_channel, source="Unpassend")
    message_flag(reporter=reader, message=message, reason="offensive")

    with pytest.raises(PermissionDenied):
        message_hide(moderator=reader, message=message)
    message_hide(moderator=moderator, message=message, note="Beleidigung")

    message.refresh_from_db()
    assert message.is_hidden and message.is_removed
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert Flag.objects.get().resolved_by == moderator
    action = ModerationAction.objects.get()
    assert (action.actor, action.kind, action.message, action.note) == (
        moderator,
        "hide",
        message,
        "Beleidigung",
    )
    with pytest.raises(ValidationError):
        reaction_toggle(user=reader, message=message, emoji="👍")

    message_show(moderator=moderator, message=message)
    message.refresh_from_db()
    assert not message.is_hidden
    assert ModerationAction.objects.count() == 2


def test_dismissing_keeps_the_message_and_is_logged(open_channel, author, reader, moderator):
    message = message_post(author=author, channel=open_channel, source="Harmlos")
    flag = message_flag(reporter=reader, message=message, reason="spam")

    flag_dismiss(moderator=moderator, flag=flag)

    flag.refresh_from_db()
    message.refresh_from_db()
    assert flag.resolved_at is not None
    assert not message.is_removed
    assert ModerationAction.objects.get().kind == "dismiss"
    # A new report after the decision is possible again.
    message_flag(reporter=reader, message=message, reason="other")


def test_muted_members_read_but_cannot_post_or_react_until_it_ends(
    open_channel, author, reader, moderator
):
    message = message_post(author=author, channel=open_channel, source="Hallo")
    member_mute(moderator=moderator, channel=open_channel, member=reader, minutes=60)

    with pytest.raises(PermissionDenied, match="stummgeschaltet"):
        message_post(author=reader, channel=open_channel, source="Ich will auch")
    with pytest.raises(PermissionDenied):
        reaction_toggle(user=reader, message=message, emoji="👍")
    page = client_for(reader).get(reverse("discussions:channel", args=[open_channel.slug]))
    assert "stummgeschaltet" in page.content.decode()
    assert 'name="body"' not in page.content.decode()

    Mute.objects.update(until=timezone.now() - timedelta(seconds=1))
    message_post(author=reader, channel=open_channel, source="Wieder da")

    member_mute(moderator=moderator, channel=open_channel, member=reader, minutes=None)
    member_unmute(moderator=moderator, channel=open_channel, member=reader)
    message_post(author=reader, channel=open_channel, source="Und nochmal", reply_to_id=None)
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [
        "unmute",
        "mute",
        "mute",
    ]


@pytest.mark.parametrize("minutes", [0, -5])
def test_mute_needs_a_positive_duration(open_channel, reader, moderator, minutes):
    with pytest.raises(ValidationError):
        member_mute(moderator=moderator, channel=open_channel, member=reader, minutes=minutes)


def test_slow_mode_makes_members_wait_but_not_moderators(open_channel, author, reader, moderator):
    channel_slow_mode_set(moderator=moderator, channel=open_channel, seconds=30)
    open_channel.refresh_from_db()
    message_post(author=reader, channel=open_channel, source="eins")

    with pytest.raises(RateLimited, match="langsame Modus") as error:
        message_post(author=reader, channel=open_channel, source="zwei")
    channel_join(user=moderator, channel=open_channel)
    message_post(author=moderator, channel=open_channel, source="Moderation darf")
    message_post(author=moderator, channel=open_channel, source="auch zweimal")

    assert 1 <= error.value.seconds <= 30
    assert Message.objects.filter(author=reader).count() == 1
    with pytest.raises(ValidationError):
        channel_slow_mode_set(moderator=moderator, channel=open_channel, seconds=99999)
    with pytest.raises(PermissionDenied):
        channel_slow_mode_set(moderator=reader, channel=open_channel, seconds=0)


def test_flag_form_and_bad_input(open_channel, author, reader):
    message = message_post(author=author, channel=open_channel, source="Prüfen")
    client = client_for(reader)
    url = reverse("discussions:flag", args=[message.pk])

    bad = client.post(url, {"reason": "unbekannt"}, follow=True)
    empty = client.post(url, {}, follow=True)
    long_note = client.post(url, {"reason": "other", "note": "x" * 1001}, follow=True)
    good = client.post(url, {"reason": "spam", "note": "Werbung"}, follow=True)

    assert "Bitte wählen Sie einen Grund aus der Liste." in bad.content.decode()
    assert "Bitte wählen Sie einen Grund." in empty.content.decode()
    assert "höchstens 1.000 Zeichen" in long_note.content.decode()
    assert "die Moderation sieht sich die Nachricht an" in good.content.decode()
    assert Flag.objects.get().note == "Werbung"


def test_hiding_from_the_channel_page_needs_the_moderation(open_channel, author, reader, moderator):
    message = message_post(author=author, channel=open_channel, source="Weg damit")
    url = reverse("discussions:hide", args=[message.pk])

    assert client_for(reader).post(url).status_code == 403
    client_for(moderator).post(url)

    page = client_for(reader).get(reverse("discussions:channel", args=[open_channel.slug]))
    assert "von der Moderation ausgeblendet" in page.content.decode()
    assert "Weg damit" not in page.content.decode()


def test_slow_mode_form_on_the_channel_page(open_channel, reader, moderator):
    url = reverse("discussions:slow_mode", args=[open_channel.slug])

    assert client_for(reader).post(url, {"seconds": "10"}).status_code == 403
    bad = client_for(moderator).post(url, {"seconds": "viele"}, follow=True)
    client_for(moderator).post(url, {"seconds": "15"})

    open_channel.refresh_from_db()
    assert "Bitte geben Sie eine ganze Zahl an." in bad.content.decode()
    assert open_channel.slow_mode_seconds == 15
    page = client_for(reader).get(reverse("discussions:channel", args=[open_channel.slug]))
    assert "mindestens 15 Sekunden" in page.content.decode()


def test_admin_queue_lets_moderators_decide_and_logs_it(open_channel, author, reader, moderator):
    hidden = message_post(author=author, channel=open_channel, source="Beleidigend")
    kept = message_post(author=author, channel=open_channel, source="Harmlos")
    message_flag(reporter=reader, message=hidden, reason="offensive", note="Bitte prüfen")
    harmless = message_flag(reporter=reader, message=kept, reason="spam")
    client = client_for(moderator)

    queue = client.get("/admin/meldungen/")
    client.post(
        reverse("discussions_flag_decide", args=[Flag.objects.get(message=hidden).pk]),
        {"decision": "mute", "note": "Wiederholt"},
    )
    client.post(reverse("discussions_flag_decide", args=[harmless.pk]), {"decision": "dismiss"})
    bad = client.post(
        reverse("discussions_flag_decide", args=[harmless.pk]),
        {"decision": "sprengen"},
        follow=True,
    )
    log = client.get("/admin/moderationsprotokoll/")

    assert queue.status_code == 200
    assert "Beleidigend" in queue.content.decode() and "Bitte prüfen" in queue.content.decode()
    hidden.refresh_from_db()
    kept.refresh_from_db()
    assert hidden.is_hidden and not kept.is_removed
    assert Mute.objects.get().user == author
    assert "Bitte wählen Sie eine Entscheidung." in bad.content.decode()
    assert sorted(ModerationAction.objects.values_list("kind", flat=True)) == [
        "dismiss",
        "hide",
        "mute",
    ]
    assert "Wiederholt" in log.content.decode()
    assert "Keine offenen Meldungen." in client.get("/admin/meldungen/").content.decode()


def test_admin_queue_is_for_moderators_only(reader):
    response = client_for(reader).get("/admin/meldungen/")

    assert response.status_code in {302, 403}
    assert "Gemeldete Nachrichten" not in response.content.decode()


def test_moderator_deletion_is_logged(open_channel, author, moderator):
    message = message_post(author=author, channel=open_channel, source="Löschen")

    client_for(moderator).post(reverse("discussions:message_delete", args=[message.pk]))

    assert ModerationAction.objects.get().kind == "delete"


def test_a_refused_mute_leaves_the_reported_message_as_it_was(open_channel, reader, moderator):
    """Hide and mute is one decision: moderators cannot mute themselves, so their own reported
    message is not hidden either, and the report stays in the queue."""
    channel_join(user=moderator, channel=open_channel)
    own = message_post(author=moderator, channel=open_channel, source="Zu scharf formuliert")
    flag = message_flag(reporter=reader, message=own, reason="offensive")

    response = client_for(moderator).post(
        reverse("discussions_flag_decide", args=[flag.pk]), {"decision": "mute"}, follow=True
    )

    own.refresh_from_db()
    flag.refresh_from_db()
    assert "Sie können sich nicht selbst stummschalten." in response.content.decode()
    assert not own.is_hidden and flag.resolved_at is None
    assert not Mute.objects.exists() and not ModerationAction.objects.exists()
