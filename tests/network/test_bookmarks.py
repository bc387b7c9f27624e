"""The Merkliste: keeping articles, courses and channel messages, and reading them back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions.models import ChannelVisibility
from discussions.services.channels import (
    channel_create,
    channel_invite,
    channel_join,
    channel_leave,
)
from discussions.services.messages import message_delete, message_post
from members.services import member_delete, member_export
from network.models import Bookmark
from network.selectors import bookmarks, is_bookmarked
from tests.factories import MemberFactory, practice_page_create
from tests.network.conftest import SCRIPT
from tests.peer_learning.factories import make_course

pytestmark = pytest.mark.django_db


def bookmark_url(kind, pk):
    return reverse("network:bookmark", args=[kind, pk])


@pytest.fixture
def article():
    return practice_page_create(title="E-Akte im Bürgeramt")


@pytest.fixture
def message(joined, colleague):
    return message_post(author=colleague, channel=joined, source="Wir scannen alles am Eingang.")


def test_visitors_are_sent_to_sign_in(client, article):
    response = client.post(bookmark_url("article", article.pk), {"an": "ja"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("network:bookmarks")).status_code == 302


def test_pending_accounts_are_refused(client, pending, article):
    client.force_login(pending)

    assert client.post(bookmark_url("article", article.pk), {"an": "ja"}).status_code == 403
    assert client.get(reverse("network:bookmarks")).status_code == 403


def test_keeping_twice_keeps_one_entry_and_removing_twice_none(member_client, member, article):
    for _ in range(2):
        answer = member_client.post(bookmark_url("article", article.pk), {"an": "ja"}, **SCRIPT)
        assert answer.json()["pressed"] is True
    assert Bookmark.objects.filter(member=member).count() == 1
    assert is_bookmarked(member=member, target=article)

    for _ in range(2):
        member_client.post(bookmark_url("article", article.pk), {"an": "nein"}, **SCRIPT)
    assert not Bookmark.objects.exists()


def test_the_merkliste_lists_articles_courses_and_messages_newest_first(
    member_client, member, article, message
):
    course = make_course(title="E-Akte in 30 Minuten")
    member_client.post(bookmark_url("article", article.pk), {"an": "ja"})
    member_client.post(bookmark_url("course", course.pk), {"an": "ja"})
    member_client.post(bookmark_url("message", message.pk), {"an": "ja"})

    entries = bookmarks(member=member)
    html = member_client.get(reverse("network:bookmarks")).content.decode()

    assert [(e.kind_label, e.title) for e in entries] == [
        ("Nachricht", "E-Akte in der Praxis"),
        ("Kurs", "E-Akte in 30 Minuten"),
        ("Praxisbeispiel", "E-Akte im Bürgeramt"),
    ]
    assert "Wir scannen alles am Eingang." in html
    assert html.index("Nachricht in „E-Akte in der Praxis“") < html.index("E-Akte im Bürgeramt")
    assert html.count("Entfernen") == 3


def test_what_the_member_may_no_longer_read_drops_out(client, colleague):
    member = MemberFactory()
    client.force_login(member)
    private = channel_create(
        creator=colleague, name="Moderationsteam", visibility=ChannelVisibility.PRIVATE
    )
    channel_invite(inviter=colleague, channel=private, invitee=member)
    channel_join(user=member, channel=private)
    kept = message_post(author=colleague, channel=private, source="Nur für das Team.")
    gone = message_post(author=colleague, channel=private, source="Gleich gelöscht.")
    draft = practice_page_create(title="Zurückgezogen")
    for kind, pk in (("message", kept.pk), ("message", gone.pk), ("article", draft.pk)):
        client.post(bookmark_url(kind, pk), {"an": "ja"})
    assert len(bookmarks(member=member)) == 3

    message_delete(actor=colleague, message=gone)
    draft.unpublish()
    assert [e.title for e in bookmarks(member=member)] == ["Moderationsteam"]

    channel_leave(user=member, channel=private)
    assert bookmarks(member=member) == []
    assert "Nur für das Team." not in client.get(reverse("network:bookmarks")).content.decode()


def test_a_private_channel_message_is_kept_only_by_its_readers(client, colleague):
    private = channel_create(
        creator=colleague, name="Moderationsteam", visibility=ChannelVisibility.PRIVATE
    )
    message = message_post(author=colleague, channel=private, source="Intern.")
    client.force_login(MemberFactory())

    assert client.post(bookmark_url("message", message.pk), {"an": "ja"}).status_code == 404
    assert not Bookmark.objects.exists()


def test_channel_messages_carry_the_button_with_their_state(member_client, member, message):
    member_client.post(bookmark_url("message", message.pk), {"an": "ja"})

    html = member_client.get(reverse("discussions:channel", args=[message.channel.slug]))

    assert bookmark_url("message", message.pk) in html.content.decode()
    assert 'aria-pressed="true"' in html.content.decode()


def test_the_merkliste_takes_the_same_queries_however_long_it_is(client, joined, colleague):
    member = MemberFactory()
    channel_join(user=member, channel=joined)
    client.force_login(member)

    def keep_one_of_each(n):
        article = practice_page_create(title=f"Beispiel {n}")
        course = make_course(title=f"Kurs {n}", trainer=colleague)
        message = message_post(author=colleague, channel=joined, source=f"Nachricht {n}")
        for kind, pk in (("article", article.pk), ("course", course.pk), ("message", message.pk)):
            client.post(bookmark_url(kind, pk), {"an": "ja"})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("network:bookmarks"))
        assert response.status_code == 200
        return len(captured)

    keep_one_of_each(1)
    queries()  # The first request fills Wagtail's cache of site root paths.
    few = queries()
    for n in range(2, 6):
        keep_one_of_each(n)
    many = queries()

    assert len(bookmarks(member=member)) == 15
    assert many == few


def test_bookmarks_are_exported_and_go_with_the_account(member_client, member, article, message):
    member_client.post(bookmark_url("article", article.pk), {"an": "ja"})
    member_client.post(bookmark_url("message", message.pk), {"an": "ja"})

    exported = member_export(user=member)["network"]["bookmarks"]

    assert [(b["kind"], b["name"]) for b in exported] == [
        ("article", "E-Akte im Bürgeramt"),
        ("message", f"#{message.pk} in E-Akte in der Praxis"),
    ]
    member_delete(user=member)
    assert not Bookmark.objects.exists()


def test_bookmarks_are_rate_limited(member_client, article):
    for _ in range(30):
        member_client.post(bookmark_url("article", article.pk), {"an": "ja"}, **SCRIPT)

    response = member_client.post(bookmark_url("article", article.pk), {"an": "ja"}, **SCRIPT)
    assert response.status_code == 429
