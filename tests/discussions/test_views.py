"""Channel pages without JavaScript: permissions, private channels and bad input."""

import pytest
from django.test import Client
from django.urls import reverse

from discussions.models import Invitation, Message, Reaction
from discussions.services.channels import channel_create, channel_invite
from discussions.services.messages import (
    MESSAGE_MAX_LENGTH,
    message_delete,
    message_edit,
    message_post,
)
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def channel_url(channel, name="channel"):
    return reverse(f"discussions:{name}", args=[channel.slug])


def test_navigation_shows_the_section(client):
    response = client.get("/")

    assert 'href="/austausch/"' in response.content.decode()
    assert "Austausch" in response.content.decode()


def test_anonymous_visitors_see_no_channel_content(client, open_channel, author):
    message_post(author=author, channel=open_channel, source="Vertrauliche Frage")

    index = client.get(reverse("discussions:index"))
    page = client.get(channel_url(open_channel))
    permalink = client.get(reverse("discussions:permalink", args=[Message.objects.get().pk]))

    assert index.status_code == 200
    assert "E-Akte in der Praxis" not in index.content.decode()
    assert "Melden Sie sich an" in index.content.decode()
    assert page.status_code == 302 and "/konto/login/" in page["Location"]
    assert permalink.status_code == 302 and "/konto/login/" in permalink["Location"]


def test_pending_accounts_see_no_channel_content(pending, open_channel, author):
    message_post(author=author, channel=open_channel, source="Vertrauliche Frage")
    client = client_for(pending)

    index = client.get(reverse("discussions:index"))
    page = client.get(channel_url(open_channel))
    post = client.post(channel_url(open_channel, "post"), {"body": "Hallo"})

    assert "E-Akte in der Praxis" not in index.content.decode()
    assert "freigeschaltet" in index.content.decode()
    assert page.status_code == 404
    assert post.status_code == 404
    assert Message.objects.count() == 1


def test_index_shows_unread_counts_and_links_to_the_first_unread(open_channel, author, reader):
    first = message_post(author=author, channel=open_channel, source="eins")
    message_post(author=author, channel=open_channel, source="zwei")
    client = client_for(reader)

    index = client.get(reverse("discussions:index")).content.decode()
    jump = client.get(channel_url(open_channel, "first_unread"))

    assert "2 ungelesene Nachrichten" in index
    assert jump.status_code == 302
    assert jump["Location"].endswith(f"?ab={first.pk - 1}#nachricht-{first.pk}")


def test_opening_the_channel_shows_the_unread_marker_and_marks_read(open_channel, author, reader):
    first = message_post(author=author, channel=open_channel, source="eins")
    client = client_for(reader)

    page = client.get(channel_url(open_channel)).content.decode()
    again = client.get(channel_url(open_channel)).content.decode()
    index = client.get(reverse("discussions:index")).content.decode()

    assert 'id="ungelesen"' in page
    assert page.index('id="ungelesen"') < page.index(f'id="nachricht-{first.pk}"')
    assert 'id="ungelesen"' not in again
    assert "Alles gelesen" in index


def test_posting_through_the_form_renders_markdown_and_redirects_to_the_message(
    open_channel, author
):
    client = client_for(author)

    response = client.post(channel_url(open_channel, "post"), {"body": "**Hallo** alle"})

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#nachricht-{message.pk}")
    page = client.get(channel_url(open_channel)).content.decode()
    assert "<strong>Hallo</strong> alle" in page


def test_the_form_needs_a_csrf_token(open_channel, author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)

    response = client.post(channel_url(open_channel, "post"), {"body": "Hallo"})

    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": ""}, "Bitte schreiben Sie eine Nachricht."),
        ({"body": "   "}, "Bitte schreiben Sie eine Nachricht."),
        ({"body": "x" * (MESSAGE_MAX_LENGTH + 1)}, "höchstens 4.000 Zeichen"),
        ({"body": "Hallo", "reply_to": "abc"}, "ganze Zahl"),
        ({"body": "Hallo", "reply_to": "99999"}, "gibt es in diesem Kanal nicht"),
    ],
)
def test_bad_input_gets_a_german_error_and_keeps_the_text(open_channel, author, data, error):
    client = client_for(author)

    response = client.post(channel_url(open_channel, "post"), data)

    content = response.content.decode()
    assert response.status_code == 400
    assert error in content
    assert "Bitte prüfen Sie Ihre Angaben" in content
    if data["body"].strip() and len(data["body"]) < 100:
        assert data["body"] in content
    assert not Message.objects.exists()


def test_rate_limit_shows_a_message_and_keeps_the_text(open_channel, author, settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 2
    client = client_for(author)
    for number in range(2):
        client.post(channel_url(open_channel, "post"), {"body": f"Nachricht {number}"})

    response = client.post(channel_url(open_channel, "post"), {"body": "Die dritte, zu schnell"})

    assert response.status_code == 429
    assert "Sie schreiben gerade sehr schnell" in response.content.decode()
    assert "Die dritte, zu schnell" in response.content.decode()
    assert Message.objects.count() == 2


def test_non_members_of_open_channels_read_but_must_join_to_post(open_channel, author, outsider):
    message_post(author=author, channel=open_channel, source="Willkommen")
    client = client_for(outsider)

    page = client.get(channel_url(open_channel)).content.decode()
    refused = client.post(channel_url(open_channel, "post"), {"body": "Ohne Beitritt"})
    client.post(channel_url(open_channel, "join"))
    accepted = client.post(channel_url(open_channel, "post"), {"body": "Mit Beitritt"})

    assert "Willkommen" in page
    assert "Kanal beitreten" in page
    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert list(Message.objects.values_list("source", flat=True)) == ["Willkommen", "Mit Beitritt"]


def test_private_channels_stay_hidden_until_invited(private_channel, author, outsider):
    message_post(author=author, channel=private_channel, source="Intern")
    client = client_for(outsider)
    message = Message.objects.get()

    assert client.get(channel_url(private_channel)).status_code == 404
    assert client.post(channel_url(private_channel, "join")).status_code == 404
    assert client.get(reverse("discussions:permalink", args=[message.pk])).status_code == 404
    assert client.get(reverse("discussions:thread", args=[message.pk])).status_code == 404
    assert (
        client.post(reverse("discussions:reaction", args=[message.pk]), {"emoji": "👍"}).status_code
        == 404
    )
    assert "Moderationsteam" not in client.get(reverse("discussions:index")).content.decode()

    client_for(author).post(channel_url(private_channel, "invite"), {"email": outsider.email})
    assert Invitation.objects.filter(user=outsider).exists()
    assert "Einladung annehmen" in client.get(reverse("discussions:index")).content.decode()
    client.post(channel_url(private_channel, "join"))

    assert "Intern" in client.get(channel_url(private_channel)).content.decode()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("keine-adresse", "gültige E-Mail-Adresse"),
        ("niemand@example.org", "kein Mitglied registriert"),
    ],
)
def test_inviting_with_bad_input_gets_a_german_message(private_channel, author, email, error):
    response = client_for(author).post(
        channel_url(private_channel, "invite"), {"email": email}, follow=True
    )

    assert error in response.content.decode()
    assert not Invitation.objects.exists()


def test_edit_and_delete_through_forms(open_channel, author, reader):
    message = message_post(author=author, channel=open_channel, source="Erste Fassung")
    own = client_for(author)
    other = client_for(reader)

    assert other.get(reverse("discussions:message_edit", args=[message.pk])).status_code == 403
    assert other.post(reverse("discussions:message_delete", args=[message.pk])).status_code == 403
    own.post(reverse("discussions:message_edit", args=[message.pk]), {"body": "Zweite Fassung"})
    page = own.get(channel_url(open_channel)).content.decode()
    assert "Zweite Fassung" in page and "(bearbeitet)" in page
    assert "Erste Fassung" not in page

    own.post(reverse("discussions:message_delete", args=[message.pk]))

    page = other.get(channel_url(open_channel)).content.decode()
    assert "Diese Nachricht wurde gelöscht." in page
    assert "Zweite Fassung" not in page


def test_editing_to_empty_keeps_the_message(open_channel, author):
    message = message_post(author=author, channel=open_channel, source="Bleibt")

    response = client_for(author).post(
        reverse("discussions:message_edit", args=[message.pk]), {"body": " "}
    )

    assert response.status_code == 400
    assert "Bitte schreiben Sie eine Nachricht." in response.content.decode()
    message.refresh_from_db()
    assert message.source == "Bleibt"


def test_only_moderators_see_earlier_versions(open_channel, author):
    message = message_post(author=author, channel=open_channel, source="Erste Fassung")
    message_edit(editor=author, message=message, source="Zweite Fassung")
    moderator = MemberFactory(roles=(Role.MODERATOR,))
    totp_activate(moderator)
    url = reverse("discussions:revisions", args=[message.pk])

    assert client_for(author).get(url).status_code == 403
    moderator_page = client_for(moderator).get(url)

    assert moderator_page.status_code == 200
    assert "Erste Fassung" in moderator_page.content.decode()


def test_moderators_delete_any_message(open_channel, author):
    message = message_post(author=author, channel=open_channel, source="Unpassend")
    moderator = MemberFactory(roles=(Role.MODERATOR,))
    totp_activate(moderator)

    client_for(moderator).post(reverse("discussions:message_delete", args=[message.pk]))

    message.refresh_from_db()
    assert message.is_deleted


def test_reactions_through_forms(open_channel, author, reader):
    message = message_post(author=author, channel=open_channel, source="Gute Idee?")
    client = client_for(reader)
    url = reverse("discussions:reaction", args=[message.pk])

    client.post(url, {"emoji": "💡"})
    bad = client.post(url, {"emoji": "<script>"}, follow=True)

    assert list(Reaction.objects.values_list("emoji", flat=True)) == ["💡"]
    assert "Diese Reaktion gibt es nicht." in bad.content.decode()
    page = client.get(channel_url(open_channel)).content.decode()
    assert 'aria-pressed="true" data-emoji="💡"' in page


def test_threads_collect_replies_and_the_form_answers_the_root(open_channel, author, reader):
    root = message_post(author=author, channel=open_channel, source="Frage an alle")
    message_post(author=reader, channel=open_channel, source="Antwort eins", reply_to_id=root.pk)
    client = client_for(reader)

    page = client.get(reverse("discussions:thread", args=[root.pk])).content.decode()
    client.post(channel_url(open_channel, "post"), {"body": "Antwort zwei", "reply_to": root.pk})
    channel_page = client.get(channel_url(open_channel)).content.decode()

    assert "Frage an alle" in page and "Antwort eins" in page
    assert f'name="reply_to" value="{root.pk}"' in page
    assert Message.objects.get(source="Antwort zwei").reply_to == root
    assert "2 Antworten" in channel_page


def test_permalink_opens_the_page_holding_the_message(open_channel, author, settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000
    messages = [
        message_post(author=author, channel=open_channel, source=f"Nachricht {n}")
        for n in range(60)
    ]
    client = client_for(author)

    response = client.get(reverse("discussions:permalink", args=[messages[3].pk]), follow=True)

    content = response.content.decode()
    assert f'id="nachricht-{messages[3].pk}"' in content
    assert "Ältere Nachrichten anzeigen" in content
    assert "Neuere Nachrichten anzeigen" in content


@pytest.mark.parametrize("cursor", ["abc", "-1", "9" * 30])
def test_bad_cursors_are_not_found(open_channel, author, cursor):
    response = client_for(author).get(channel_url(open_channel) + f"?vor={cursor}")

    assert response.status_code == 404


def test_archived_channels_can_be_read_but_not_written(open_channel, author, reader):
    client_for(author).post(channel_url(open_channel, "archive"))
    client = client_for(reader)

    page = client.get(channel_url(open_channel)).content.decode()
    response = client.post(channel_url(open_channel, "post"), {"body": "Noch was"})

    assert "archiviert" in page
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_creating_a_channel(author):
    client = client_for(author)

    bad = client.post(reverse("discussions:channel_create"), {"name": "", "visibility": "open"})
    good = client.post(
        reverse("discussions:channel_create"),
        {"name": "Neu", "description": "Test", "visibility": "private"},
    )

    assert bad.status_code == 200
    assert "Bitte geben Sie dem Kanal einen Namen." in bad.content.decode()
    assert good.status_code == 302
    assert good["Location"] == "/austausch/neu-2/"


def test_deleted_messages_cannot_be_reacted_to(open_channel, author, reader):
    message = message_post(author=author, channel=open_channel, source="weg")
    message_delete(actor=author, message=message)

    response = client_for(reader).post(
        reverse("discussions:reaction", args=[message.pk]), {"emoji": "👍"}, follow=True
    )

    assert "gelöscht" in response.content.decode()
    assert not Reaction.objects.exists()


def test_channel_page_query_count_does_not_grow_with_messages(
    open_channel, author, reader, settings, django_assert_max_num_queries
):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000
    for number in range(40):
        message = message_post(author=author, channel=open_channel, source=f"Nachricht {number}")
        message_post(author=reader, channel=open_channel, source="Antwort", reply_to_id=message.pk)
    client = client_for(reader)
    channel_create(creator=author, name="Zweiter Kanal")

    # 27: two of them are the reader's own "Kanal folgen" and "Merken" states (network app),
    # one query each however many messages the page shows.
    with django_assert_max_num_queries(27):
        client.get(channel_url(open_channel))
    with django_assert_max_num_queries(15):
        client.get(reverse("discussions:index"))


def test_invitation_to_someone_already_invited_is_idempotent(private_channel, author, outsider):
    channel_invite(inviter=author, channel=private_channel, invitee=outsider)
    channel_invite(inviter=author, channel=private_channel, invitee=outsider)

    assert Invitation.objects.count() == 1


FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_the_live_script_reacts_and_edits_in_place(open_channel, author, reader, outsider):
    message = message_post(author=author, channel=open_channel, source="Gute Idee?")
    reaction_url = reverse("discussions:reaction", args=[message.pk])
    edit_url = reverse("discussions:message_edit", args=[message.pk])

    reacted = client_for(reader).post(reaction_url, {"emoji": "💡"}, **FETCH)
    refused = client_for(reader).post(reaction_url, {"emoji": "<script>"}, **FETCH)
    form = client_for(author).get(edit_url, {"teil": "formular"})
    saved = client_for(author).post(edit_url, {"body": "Gute Idee!"}, **FETCH)
    invalid = client_for(author).post(edit_url, {"body": " "}, **FETCH)
    foreign = client_for(reader).get(edit_url, {"teil": "formular"})

    assert reacted.status_code == 200
    assert 'aria-pressed="true" data-emoji="💡"' in reacted.content.decode()
    assert "<html" not in reacted.content.decode()
    assert refused.status_code == 400
    assert 'id="id_bearbeiten_' in form.content.decode()
    assert "<html" not in form.content.decode()
    assert saved.status_code == 204
    assert Message.objects.get(pk=message.pk).source == "Gute Idee!"
    assert invalid.status_code == 400
    assert "<html" not in invalid.content.decode()
    assert foreign.status_code == 403
    assert client_for(outsider).post(reaction_url, {"emoji": "💡"}, **FETCH).status_code in (
        403,
        404,
    )


def test_parts_of_the_channel_page_for_the_live_script(open_channel, author, reader):
    messages = Message.objects.bulk_create(
        Message(channel=open_channel, author=author, source=f"Nachricht {n}", html="<p>…</p>")
        for n in range(55)
    )
    message_post(author=reader, channel=open_channel, source="Antwort", reply_to_id=messages[0].pk)
    client = client_for(reader)

    older = client.get(channel_url(open_channel), {"vor": messages[5].pk, "teil": "verlauf"})
    panel = client.get(
        reverse("discussions:thread", args=[messages[0].pk]), {"teil": "panel"}
    ).content.decode()

    assert "<html" not in older.content.decode()
    assert [m.pk for m in older.context["history"].messages] == [m.pk for m in messages[:5]]
    assert "<html" not in panel
    assert f'data-thread-root="{messages[0].pk}"' in panel
    assert 'id="id_thread_body"' in panel
    assert "Antwort" in panel
