"""Mentions and replies notify the members concerned, in the page and live."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from discussions import events
from discussions.models import DigestKind, DigestSubscription, Notification
from discussions.services.channels import channel_join
from discussions.services.digest import digest_preferences_set
from discussions.services.messages import message_delete, message_post
from members.models import Visibility
from members.services import profile_update
from tests.discussions.sockets import connect, receive_until
from tests.factories import MemberFactory


def send_digest(capture_on_commit) -> None:
    with capture_on_commit(execute=True):
        call_command("send_notification_digest", verbosity=0)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_mentions_by_display_name_notify_channel_members_only(open_channel, author, reader):
    stranger = MemberFactory(first_name="Petra", last_name="Koch")

    message = message_post(
        author=author,
        channel=open_channel,
        source="@Jens Hoffmann und @petra koch, was meint ihr? Und @Aylin Demir selbst.",
    )

    assert list(Notification.objects.values_list("recipient", "kind", "message")) == [
        (reader.pk, "mention", message.pk)
    ]
    assert not Notification.objects.filter(recipient=stranger).exists()


@pytest.mark.django_db
def test_a_name_inside_a_longer_word_is_no_mention(open_channel, author, reader):
    message_post(author=author, channel=open_channel, source="mail@Jens Hoffmann2")

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_hidden_names_cannot_be_mentioned(open_channel, author, reader):
    profile_update(profile=reader.profile, data={"display_name_visibility": Visibility.PRIVATE})

    message_post(author=author, channel=open_channel, source="@Jens Hoffmann?")

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_replies_notify_the_author_answered_once(open_channel, author, reader, outsider):
    channel_join(user=outsider, channel=open_channel)
    root = message_post(author=author, channel=open_channel, source="Frage")
    answer = message_post(
        author=reader, channel=open_channel, source="Antwort", reply_to_id=root.pk
    )
    message_post(
        author=outsider,
        channel=open_channel,
        source="@Jens Hoffmann stimmt",
        reply_to_id=answer.pk,
    )
    message_post(author=author, channel=open_channel, source="Selbst", reply_to_id=root.pk)

    kinds = sorted(Notification.objects.values_list("recipient", "kind"))
    assert kinds == sorted([(author.pk, "reply"), (reader.pk, "mention")])


@pytest.mark.django_db
def test_notification_page_badge_and_mark_read(open_channel, author, reader):
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann schau mal")
    gone = message_post(author=author, channel=open_channel, source="@Jens Hoffmann weg")
    message_delete(actor=author, message=gone)
    client = client_for(reader)

    page = client.get(reverse("discussions:notifications")).content.decode()
    home = client.get("/").content.decode()
    client.post(reverse("discussions:notifications"))
    after = client.get("/").content.decode()

    assert "Aylin Demir hat Sie in „E-Akte in der Praxis“ erwähnt." in page
    assert page.count("<strong>Neu:</strong>") == 1
    assert '(</span>1<span class="visually-hidden"> ungelesen)' in home
    assert 'data-notification-badge aria-live="polite"></span>' in after
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_have_no_badge_and_no_notification_page(client):
    assert "data-notification-badge" not in client.get("/").content.decode()
    assert client.get(reverse("discussions:notifications")).status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_recipient_gets_a_live_notification_on_any_page(open_channel, author, reader):
    socket = await connect(reader)

    await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="@Jens Hoffmann, kurze Frage", reply_to_id=None
    )
    event = await receive_until(socket, "notification.new")

    assert event["unread"] == 1
    assert event["kind"] == "mention"
    assert event["text"] == "Aylin Demir hat Sie in „E-Akte in der Praxis“ erwähnt."
    assert event["url"].startswith("/austausch/nachricht/")
    await socket.disconnect()


@pytest.mark.django_db
def test_mention_suggestions_offer_channel_members_to_those_who_may_write(
    open_channel, author, reader, outsider
):
    MemberFactory(first_name="Jens", last_name="Außenstehend")
    url = reverse("discussions:mention_suggestions", args=[open_channel.slug])

    found = client_for(author).get(url, {"q": "jen"}).json()
    everyone = client_for(author).get(url, {"q": "e"}).json()
    empty = client_for(author).get(url, {"q": ""}).json()
    refused = client_for(outsider).get(url, {"q": "jen"})

    assert found == {"names": ["Jens Hoffmann"]}
    assert everyone == {"names": ["Aylin Demir", "Jens Hoffmann"]}
    assert empty == {"names": []}
    assert refused.status_code == 403


@pytest.mark.django_db
def test_mention_suggestions_of_private_channels_stay_private(private_channel, outsider):
    url = reverse("discussions:mention_suggestions", args=[private_channel.slug])

    assert client_for(outsider).get(url, {"q": "a"}).status_code == 404


@pytest.mark.django_db
def test_daily_digest_mails_new_unread_notifications_once(
    open_channel, author, reader, mailoutbox, django_capture_on_commit_callbacks
):
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann, Frage an dich")

    send_digest(django_capture_on_commit_callbacks)
    send_digest(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [reader.email]
    assert mail.subject == "[Kollegium] 1 neue Benachrichtigung im Austausch"
    assert "Aylin Demir hat Sie in „E-Akte in der Praxis“ erwähnt." in mail.body
    assert "/austausch/nachricht/" in mail.body

    message_post(author=author, channel=open_channel, source="@Jens Hoffmann, noch eine")
    send_digest(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    assert "noch eine" not in mailoutbox[1].body
    assert mailoutbox[1].subject == "[Kollegium] 1 neue Benachrichtigung im Austausch"


@pytest.mark.django_db
def test_members_opt_out_of_the_digest(
    open_channel, author, reader, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(reader)
    never = {"notifications": "off", "followed": "off", "questions": "off"}
    client.post(reverse("discussions:notifications"), {"aktion": "zusammenfassung", **never})
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann?")

    send_digest(django_capture_on_commit_callbacks)
    page = client.get(reverse("discussions:notifications")).content.decode()

    assert mailoutbox == []
    chosen = page.split('name="notifications"')[1].split("</select>")[0]
    assert '<option value="off" selected>' in chosen
    assert Notification.objects.get().read_at is None

    client.post(
        reverse("discussions:notifications"),
        {"aktion": "zusammenfassung", **never, "notifications": "daily"},
    )
    send_digest(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_weekly_digest_waits_for_its_week(
    open_channel, author, reader, mailoutbox, django_capture_on_commit_callbacks
):
    digest_preferences_set(
        user=reader,
        frequencies={
            DigestKind.NOTIFICATIONS: "weekly",
            DigestKind.FOLLOWED: "off",
            DigestKind.QUESTIONS: "off",
        },
    )
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann, eins")
    send_digest(django_capture_on_commit_callbacks)
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann, zwei")
    send_digest(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1

    a_week_ago = timezone.now() - dt.timedelta(days=7)
    Notification.objects.filter(message__source__endswith="eins").update(
        created_at=a_week_ago - dt.timedelta(minutes=1)
    )
    DigestSubscription.objects.update(notifications_sent_at=a_week_ago)
    send_digest(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[Kollegium] 1 neue Benachrichtigung im Austausch"


@pytest.mark.django_db
def test_a_wrong_frequency_is_refused(reader):
    response = client_for(reader).post(
        reverse("discussions:notifications"),
        {"aktion": "zusammenfassung", "notifications": "stündlich", "followed": "off"},
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie täglich, wöchentlich oder nie." in response.content.decode()
    assert not DigestSubscription.objects.exists()


@pytest.mark.django_db
def test_read_notifications_are_not_mailed(
    open_channel, author, reader, mailoutbox, django_capture_on_commit_callbacks
):
    message_post(author=author, channel=open_channel, source="@Jens Hoffmann hallo")
    client_for(reader).post(reverse("discussions:notifications"))

    send_digest(django_capture_on_commit_callbacks)

    assert mailoutbox == []


@pytest.mark.django_db
def test_a_live_notification_is_in_the_site_language_whatever_the_author_reads(
    open_channel, author, reader
):
    """The event is built while the author's request runs, perhaps in English."""
    message = message_post(
        author=author, channel=open_channel, source="@Jens Hoffmann, kurze Frage", reply_to_id=None
    )

    with translation.override("en"):
        event = events.notification_new(message=message, kind="mention", unread=1)

    assert event["text"] == "Aylin Demir hat Sie in „E-Akte in der Praxis“ erwähnt."
