"""Moderators and editors turn a discussion thread into a draft practice page for review."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from discussions.services.messages import message_delete, message_post
from hub.models import PracticePage, Topic
from members.models import Visibility
from members.roles import Role
from members.services import member_delete, profile_update
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    editor = MemberFactory(first_name="Anna", last_name="Lehmann", roles=(Role.EDITOR,))
    totp_activate(editor)
    return editor


@pytest.fixture
def thread(open_channel, author, reader):
    open_channel.topics.set([Topic.objects.create(name="E-Akte")])
    profile_update(profile=author.profile, data={"display_name_visibility": Visibility.PUBLIC})
    root = message_post(
        author=author, channel=open_channel, source="Wie scannt ihr Eingangspost?\nUnd wer prüft?"
    )
    message_post(
        author=reader,
        channel=open_channel,
        source="Wir scannen zentral, mit Stichproben.",
        reply_to_id=root.pk,
    )
    gone = message_post(
        author=reader, channel=open_channel, source="Verworfen", reply_to_id=root.pk
    )
    message_delete(actor=reader, message=gone)
    return root


def convert(user, root):
    client = Client()
    client.force_login(user)
    return client.post(reverse("discussions:thread_to_practice", args=[root.pk]))


def test_an_editor_files_the_thread_as_a_draft_in_review(editor, thread, author, reader, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://kollegium.example"
    response = convert(editor, thread)

    page = PracticePage.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live
    assert page.title == "Aus dem Austausch: Wie scannt ihr Eingangspost?"
    assert list(page.topics.values_list("name", flat=True)) == ["E-Akte"]
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    quotes = [block.value for block in page.body if block.block_type == "quote"]
    assert [quote["text"] for quote in quotes] == [
        "Wie scannt ihr Eingangspost?\nUnd wer prüft?",
        "Wir scannen zentral, mit Stichproben.",
    ]
    # Names only of members who show theirs to everyone; the deleted message is left out.
    assert quotes[0]["source"].startswith("Aylin Demir am ")
    assert quotes[1]["source"].startswith("Mitglied des Netzwerks am ")
    intro = page.body[0].value.source
    # The page keeps the link: it points at the site's configured address.
    assert (
        f'href="https://kollegium.example{reverse("discussions:thread", args=[thread.pk])}"'
        in intro
    )
    assert {author.profile.pk, reader.profile.pk} == set(
        page.authors.values_list("profile_id", flat=True)
    )


def test_deleted_members_are_quoted_as_former_members(editor, thread, reader):
    member_delete(user=reader)

    convert(editor, thread)

    quotes = [b.value for b in PracticePage.objects.get().body if b.block_type == "quote"]
    assert quotes[1]["source"].startswith("ehemaliges Mitglied am ")


def test_a_long_message_continues_in_further_quotes(editor, open_channel, author):
    root = message_post(author=author, channel=open_channel, source="x" * 3500)

    convert(editor, root)

    quotes = [b.value for b in PracticePage.objects.get().body if b.block_type == "quote"]
    assert "".join(quote["text"] for quote in quotes) == "x" * 3500


def test_members_cannot_file_threads(thread, reader):
    response = convert(reader, thread)

    assert response.status_code == 403
    assert not PracticePage.objects.exists()


def test_the_button_shows_only_to_moderators_and_editors(editor, thread, reader):
    url = reverse("discussions:thread", args=[thread.pk])
    as_editor, as_member = Client(), Client()
    as_editor.force_login(editor)
    as_member.force_login(reader)

    assert "Entwurf anlegen" in as_editor.get(url).content.decode()
    assert "Entwurf anlegen" not in as_member.get(url).content.decode()


def test_conversion_needs_a_post_and_a_readable_message(editor, thread, private_channel, author):
    secret = message_post(author=author, channel=private_channel, source="Intern")
    client = Client()
    client.force_login(editor)

    assert (
        client.get(reverse("discussions:thread_to_practice", args=[thread.pk])).status_code == 405
    )
    assert (
        client.post(reverse("discussions:thread_to_practice", args=[secret.pk])).status_code == 404
    )
    assert not PracticePage.objects.exists()
