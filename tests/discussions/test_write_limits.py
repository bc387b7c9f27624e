"""Limits on writes (issue 19, findings 5, 7 and 9): mute, slow mode and a rate limit on
edits, a rate limit on opening channels, and text that cannot be stored."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import ratelimit
from core.validators import validate_storable_text
from discussions.models import Channel, Message, MessageRevision
from discussions.services.channels import channel_create, channel_join
from discussions.services.messages import (
    RateLimited,
    _consume_post_allowance,
    message_edit,
    message_post,
)
from discussions.services.moderation import channel_slow_mode_set, member_mute
from members.roles import Role
from tests.factories import MemberFactory
from tests.ratelimits import SlowCache, simultaneous_successes

# Bursts must not cross into the next window of a limit, where counting starts afresh.
pytestmark = pytest.mark.django_db

LONE_SURROGATE = "\ud800"


@pytest.fixture
def moderator(db):
    return MemberFactory(roles=(Role.MODERATOR,))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(message) -> str:
    return reverse("discussions:message_edit", args=[message.pk])


def post(author, channel, text):
    return message_post(author=author, channel=channel, source=text)


# Finding 5: edits by muted members, edits in slow mode, unlimited edits.


def test_a_muted_member_cannot_edit_their_messages(open_channel, reader, moderator):
    message = post(reader, open_channel, "Vor der Stummschaltung")
    member_mute(moderator=moderator, channel=open_channel, member=reader, minutes=60)

    with pytest.raises(PermissionDenied, match="stummgeschaltet"):
        message_edit(editor=reader, message=message, source="Danach ausgetauscht")

    message.refresh_from_db()
    assert message.source == "Vor der Stummschaltung"
    assert message.edited_at is None
    assert not MessageRevision.objects.exists()


def test_the_edit_form_refuses_a_muted_member_in_german(open_channel, reader, moderator):
    message = post(reader, open_channel, "Vor der Stummschaltung")
    member_mute(moderator=moderator, channel=open_channel, member=reader, minutes=None)

    response = client_for(reader).post(edit_url(message), {"body": "Danach ausgetauscht"})

    assert response.status_code == 403
    assert "Die Moderation hat Sie in diesem Kanal stummgeschaltet." in response.content.decode()
    message.refresh_from_db()
    assert message.source == "Vor der Stummschaltung"


def test_slow_mode_spaces_out_edits_and_posts_alike(open_channel, reader, moderator):
    channel_slow_mode_set(moderator=moderator, channel=open_channel, seconds=30)
    message = post(reader, open_channel, "Erste Fassung")

    with pytest.raises(RateLimited, match="langsame Modus"):
        message_edit(editor=reader, message=message, source="Gleich danach geändert")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    message_edit(editor=reader, message=message, source="Eine Minute später geändert")
    with pytest.raises(RateLimited, match="langsame Modus"):
        post(reader, open_channel, "Gleich nach der Änderung")

    message.refresh_from_db()
    assert message.source == "Eine Minute später geändert"
    assert Message.objects.count() == 1


def test_moderators_edit_in_slow_mode_without_waiting(open_channel, moderator):
    channel_slow_mode_set(moderator=moderator, channel=open_channel, seconds=30)
    channel_join(user=moderator, channel=open_channel)
    message = post(moderator, open_channel, "Hinweis der Moderation")

    edited = message_edit(editor=moderator, message=message, source="Hinweis, ergänzt")

    assert edited.source == "Hinweis, ergänzt"


def test_a_burst_of_edits_stops_at_the_limit(open_channel, author, settings):
    """The probe edited one message 150 times in 13.5 seconds: 150 revisions, 150 broadcasts."""
    message = post(author, open_channel, "Fassung 0")
    refused = []
    for number in range(1, 151):
        try:
            message_edit(editor=author, message=message, source=f"Fassung {number}")
        except RateLimited as error:
            refused.append(error)

    allowed = settings.DISCUSSIONS_EDIT_RATE_COUNT
    assert MessageRevision.objects.filter(message=message).count() == allowed
    assert len(refused) == 150 - allowed
    assert "Sie haben gerade sehr oft bearbeitet. Bitte warten Sie" in str(refused[0])
    assert 1 <= refused[0].seconds <= settings.DISCUSSIONS_EDIT_RATE_SECONDS
    message.refresh_from_db()
    assert message.source == f"Fassung {allowed}"


def test_unchanged_edits_do_not_count(open_channel, author, settings):
    settings.DISCUSSIONS_EDIT_RATE_COUNT = 1
    message = post(author, open_channel, "Gleich")
    for _ in range(3):
        message_edit(editor=author, message=message, source="Gleich")

    edited = message_edit(editor=author, message=message, source="Geändert")

    assert edited.source == "Geändert"


def test_the_edit_form_answers_429_and_keeps_the_text(open_channel, author, settings):
    settings.DISCUSSIONS_EDIT_RATE_COUNT = 2
    message = post(author, open_channel, "Fassung 0")
    client = client_for(author)
    for number in (1, 2):
        assert client.post(edit_url(message), {"body": f"Fassung {number}"}).status_code == 302

    response = client.post(edit_url(message), {"body": "Fassung 3, zu schnell"})

    content = response.content.decode()
    assert response.status_code == 429
    assert "Sie haben gerade sehr oft bearbeitet" in content
    assert "Fassung 3, zu schnell" in content
    message.refresh_from_db()
    assert message.source == "Fassung 2"


def test_the_edit_limit_is_per_member(open_channel, author, reader, settings):
    settings.DISCUSSIONS_EDIT_RATE_COUNT = 1
    own = post(author, open_channel, "Meine")
    theirs = post(reader, open_channel, "Seine")
    message_edit(editor=author, message=own, source="Meine, geändert")

    message_edit(editor=reader, message=theirs, source="Seine, geändert")

    with pytest.raises(RateLimited):
        message_edit(editor=author, message=own, source="Meine, noch einmal")


# Finding 7: opening channels without limit.


def channel_form(number: int) -> dict[str, str]:
    return {"name": f"Kanal {number}", "description": "", "visibility": "open"}


def test_a_burst_of_new_channels_stops_at_the_limit(author, settings):
    """The probe opened 75 channels in 4 seconds as one member."""
    client = client_for(author)

    statuses = [
        client.post(reverse("discussions:channel_create"), channel_form(number)).status_code
        for number in range(75)
    ]

    allowed = settings.DISCUSSIONS_CHANNEL_RATE_COUNT
    assert statuses == [302] * allowed + [429] * (75 - allowed)
    assert Channel.objects.filter(created_by=author).count() == allowed


def test_the_channel_limit_answers_in_german_keeps_the_input_and_is_per_member(
    author, reader, settings
):
    settings.DISCUSSIONS_CHANNEL_RATE_COUNT = 1
    client = client_for(author)
    client.post(reverse("discussions:channel_create"), channel_form(1))

    refused = client.post(
        reverse("discussions:channel_create"),
        {"name": "Noch ein Kanal", "description": "Gleich danach", "visibility": "open"},
    )
    other = client_for(reader).post(reverse("discussions:channel_create"), channel_form(2))

    content = refused.content.decode()
    assert refused.status_code == 429
    assert "Sie haben in kurzer Zeit sehr viele Kanäle angelegt. Bitte warten Sie" in content
    assert 'value="Noch ein Kanal"' in content
    assert "Gleich danach" in content
    assert other.status_code == 302
    assert not Channel.objects.filter(name="Noch ein Kanal").exists()


def test_invalid_channel_forms_do_not_count(author, settings):
    settings.DISCUSSIONS_CHANNEL_RATE_COUNT = 1
    client = client_for(author)
    for _ in range(3):
        client.post(reverse("discussions:channel_create"), {"name": "", "visibility": "open"})

    response = client.post(reverse("discussions:channel_create"), channel_form(1))

    assert response.status_code == 302


def test_course_sessions_open_channels_through_the_service_without_the_form_limit(author, settings):
    settings.DISCUSSIONS_CHANNEL_RATE_COUNT = 1
    client_for(author).post(reverse("discussions:channel_create"), channel_form(1))

    channel = channel_create(creator=author, name="Sitzung am Montag")

    assert channel.pk


# Finding 9: text that cannot be stored.


@pytest.mark.parametrize(
    ("text", "position"),
    [(LONE_SURROGATE, 1), ("ab" + LONE_SURROGATE, 3), ("a\udfffb", 2), ("Null\x00", 5)],
)
def test_text_that_cannot_be_stored_is_refused_with_its_position(text, position):
    with pytest.raises(ValidationError) as error:
        validate_storable_text(text)

    assert error.value.code == "invalid_character"
    assert error.value.messages == [
        f"Der Text enthält an Stelle {position} ein Zeichen, das sich nicht speichern lässt. "
        "Bitte entfernen Sie es und senden Sie den Text erneut."
    ]


@pytest.mark.parametrize("text", ["", "Grüße aus Köln 👋", "\ufffd", "Zeile\nZeile\tTab", "😀" * 3])
def test_ordinary_text_is_storable(text):
    validate_storable_text(text)


def test_a_lone_surrogate_is_refused_before_it_uses_up_the_post_allowance(
    open_channel, author, settings
):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1

    with pytest.raises(ValidationError, match="Stelle 6"):
        post(author, open_channel, "Hallo" + LONE_SURROGATE)
    message = post(author, open_channel, "Hallo")

    assert list(Message.objects.values_list("pk", flat=True)) == [message.pk]


def test_a_lone_surrogate_is_refused_in_edits_before_counting(open_channel, author, settings):
    settings.DISCUSSIONS_EDIT_RATE_COUNT = 1
    message = post(author, open_channel, "Erste Fassung")

    with pytest.raises(ValidationError, match="Stelle 1"):
        message_edit(editor=author, message=message, source=LONE_SURROGATE + "Zweite")
    edited = message_edit(editor=author, message=message, source="Zweite Fassung")

    assert edited.source == "Zweite Fassung"
    assert not MessageRevision.objects.filter(source__contains="\ufffd").exists()


def test_channel_names_and_descriptions_must_be_storable(author):
    with pytest.raises(ValidationError) as error:
        channel_create(creator=author, name="Kanal" + LONE_SURROGATE, description="a\x00b")

    assert set(error.value.message_dict) == {"name", "description"}
    assert "Stelle 6" in error.value.message_dict["name"][0]
    assert "Stelle 2" in error.value.message_dict["description"][0]
    assert not Channel.objects.exists()


def test_forms_never_hand_a_surrogate_to_the_services(open_channel, author):
    """A form cannot carry a lone surrogate: the bytes that would spell one (ED A0 80) are no
    UTF-8, and Django decodes request data with replacement characters. NUL is refused by the
    form fields themselves."""
    client = client_for(author)
    posted = client.post(
        reverse("discussions:post", args=[open_channel.slug]),
        data=b"body=Hallo%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    created = client.post(
        reverse("discussions:channel_create"),
        data=b"name=Kanal%ED%A0%80&visibility=open",
        content_type="application/x-www-form-urlencoded",
    )
    refused = client.post(reverse("discussions:post", args=[open_channel.slug]), {"body": "a\x00"})

    assert posted.status_code == 302
    assert created.status_code == 302
    assert refused.status_code == 400
    assert list(Message.objects.values_list("source", flat=True)) == ["Hallo\ufffd\ufffd\ufffd"]
    assert Channel.objects.filter(name="Kanal\ufffd\ufffd\ufffd").exists()


def test_simultaneous_posts_of_one_member_cannot_pass_the_post_limit(settings, monkeypatch):
    """Tabs and workers post in parallel; the count in the cache is atomic, so together they
    get exactly the allowance."""
    settings.DISCUSSIONS_POST_RATE_COUNT = 10
    monkeypatch.setattr(ratelimit, "cache", SlowCache(cache))
    member = SimpleNamespace(pk=4711)

    def post_allowed() -> bool:
        try:
            _consume_post_allowance(member)
        except RateLimited:
            return False
        return True

    assert simultaneous_successes(post_allowed, workers=8, attempts=4) == 10
