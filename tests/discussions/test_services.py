"""Channel and message services: who may do what, and what is kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.personal_data import contributors
from discussions.models import Invitation, Membership, Message, Reaction
from discussions.selectors import (
    can_read,
    channel_history,
    channel_index,
    first_unread_id,
    membership_for,
)
from discussions.services.channels import (
    channel_archive,
    channel_create,
    channel_invite,
    channel_join,
    channel_leave,
    channel_mark_read,
)
from discussions.services.messages import (
    MESSAGE_MAX_LENGTH,
    RateLimited,
    message_delete,
    message_edit,
    message_post,
)
from discussions.services.reactions import reaction_toggle
from members.roles import Role
from members.services import member_delete
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def post(author, channel, text, **kwargs):
    return message_post(author=author, channel=channel, source=text, **kwargs)


def test_creating_a_channel_makes_the_creator_a_member_with_a_readable_slug(author):
    channel = channel_create(creator=author, name="Öffentlichkeitsarbeit & Presse")
    second = channel_create(creator=author, name="Öffentlichkeitsarbeit & Presse")

    assert channel.slug == "oeffentlichkeitsarbeit-presse"
    assert second.slug == "oeffentlichkeitsarbeit-presse-2"
    assert Membership.objects.filter(channel=channel, user=author).exists()


def test_pending_accounts_can_neither_create_join_nor_read(pending, open_channel):
    with pytest.raises(PermissionDenied):
        channel_create(creator=pending, name="Test")
    with pytest.raises(PermissionDenied):
        channel_join(user=pending, channel=open_channel)
    assert not can_read(viewer=pending, channel=open_channel)
    assert channel_index(viewer=pending) == []


def test_message_is_rendered_and_the_author_has_read_it(open_channel, author):
    message = post(author, open_channel, "Hallo *alle*, siehe https://example.org")

    assert message.html.startswith("<p>Hallo <em>alle</em>")
    assert 'rel="nofollow ugc noopener"' in message.html
    assert membership_for(viewer=author, channel=open_channel).last_read_id == message.pk


def test_only_members_post_and_archived_channels_take_no_messages(open_channel, author, outsider):
    with pytest.raises(PermissionDenied):
        post(outsider, open_channel, "Ich bin nicht beigetreten")
    channel_join(user=outsider, channel=open_channel)
    post(outsider, open_channel, "Jetzt schon")

    channel_archive(actor=author, channel=open_channel)

    with pytest.raises(PermissionDenied):
        post(author, open_channel, "Zu spät")
    assert Message.objects.count() == 1


def test_only_the_creator_or_moderation_archives(open_channel, reader):
    with pytest.raises(PermissionDenied):
        channel_archive(actor=reader, channel=open_channel)
    moderator = MemberFactory(roles=(Role.MODERATOR,))

    channel_archive(actor=moderator, channel=open_channel)

    open_channel.refresh_from_db()
    assert open_channel.is_archived


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_messages_are_refused(open_channel, author, text):
    with pytest.raises(ValidationError, match="Bitte schreiben Sie eine Nachricht"):
        post(author, open_channel, text)


def test_too_long_messages_get_a_clear_german_message_and_nothing_is_stored(open_channel, author):
    with pytest.raises(ValidationError) as error:
        post(author, open_channel, "ä" * (MESSAGE_MAX_LENGTH + 1))

    assert "höchstens 4.000 Zeichen" in error.value.messages[0]
    assert "4.001" in error.value.messages[0]
    assert not Message.objects.exists()
    assert post(author, open_channel, "ä" * MESSAGE_MAX_LENGTH).pk


def test_replies_stay_in_their_channel_and_threads_stay_one_level_deep(
    open_channel, author, reader
):
    root = post(author, open_channel, "Frage")
    answer = post(reader, open_channel, "Antwort", reply_to_id=root.pk)
    answer_to_answer = post(author, open_channel, "Danke", reply_to_id=answer.pk)
    elsewhere = channel_create(creator=author, name="Anderswo")

    assert answer.reply_to == root
    assert answer_to_answer.reply_to == root
    with pytest.raises(ValidationError, match="gibt es in diesem Kanal nicht"):
        post(author, elsewhere, "Quer", reply_to_id=root.pk)
    with pytest.raises(ValidationError):
        post(author, open_channel, "Ins Leere", reply_to_id=999_999)


def test_rate_limit_stores_nothing_beyond_the_allowance(
    open_channel, author, settings, rate_window_start
):
    settings.DISCUSSIONS_POST_RATE_COUNT = 3
    settings.DISCUSSIONS_POST_RATE_SECONDS = 60
    for number in range(3):
        post(author, open_channel, f"Nachricht {number}")

    with pytest.raises(RateLimited) as error:
        post(author, open_channel, "eine zu viel")

    assert "Bitte warten Sie" in str(error.value)
    assert 1 <= error.value.seconds <= 60
    assert Message.objects.count() == 3


def test_rate_limit_is_per_member(open_channel, author, reader, settings, rate_window_start):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1
    post(author, open_channel, "eins")

    post(reader, open_channel, "meine erste")

    with pytest.raises(RateLimited):
        post(author, open_channel, "zwei")


def test_edit_keeps_the_earlier_version_and_marks_the_message(open_channel, author, reader):
    message = post(author, open_channel, "Erste Fassung")

    with pytest.raises(PermissionDenied):
        message_edit(editor=reader, message=message, source="Fremd")
    edited = message_edit(editor=author, message=message, source="Zweite **Fassung**")

    assert edited.edited_at is not None
    assert edited.html == "<p>Zweite <strong>Fassung</strong></p>"
    assert [revision.source for revision in edited.revisions.all()] == ["Erste Fassung"]


def test_delete_leaves_a_tombstone_and_only_author_or_moderator_may(open_channel, author, reader):
    message = post(author, open_channel, "Versehen")
    reply = post(reader, open_channel, "Antwort", reply_to_id=message.pk)

    with pytest.raises(PermissionDenied):
        message_delete(actor=reader, message=message)
    message_delete(actor=author, message=message)
    moderator = MemberFactory(roles=(Role.MODERATOR,))
    message_delete(actor=moderator, message=reply)

    message.refresh_from_db()
    reply.refresh_from_db()
    assert message.is_deleted and reply.is_deleted
    assert reply.reply_to == message
    with pytest.raises(ValidationError, match="gelöscht"):
        message_edit(editor=author, message=message, source="wieder da")


def test_reactions_toggle_and_only_the_fixed_set_is_allowed(open_channel, author, reader):
    message = post(author, open_channel, "Gute Neuigkeiten")

    assert reaction_toggle(user=reader, message=message, emoji="🎉") is True
    assert reaction_toggle(user=author, message=message, emoji="🎉") is True
    assert reaction_toggle(user=reader, message=message, emoji="🎉") is False
    with pytest.raises(ValidationError, match="Reaktion gibt es nicht"):
        reaction_toggle(user=reader, message=message, emoji="💩")
    assert list(Reaction.objects.values_list("user", "emoji")) == [(author.pk, "🎉")]


def test_private_channels_need_an_invitation_which_joining_uses_up(
    private_channel, author, outsider
):
    assert not can_read(viewer=outsider, channel=private_channel)
    with pytest.raises(PermissionDenied):
        channel_join(user=outsider, channel=private_channel)
    with pytest.raises(PermissionDenied):
        channel_invite(inviter=outsider, channel=private_channel, invitee=outsider)

    channel_invite(inviter=author, channel=private_channel, invitee=outsider)
    assert [entry.is_invited for entry in channel_index(viewer=outsider)] == [True]
    channel_join(user=outsider, channel=private_channel)

    assert can_read(viewer=outsider, channel=private_channel)
    assert not Invitation.objects.exists()
    with pytest.raises(ValidationError, match="bereits Mitglied"):
        channel_invite(inviter=author, channel=private_channel, invitee=outsider)
    channel_leave(user=outsider, channel=private_channel)
    assert not can_read(viewer=outsider, channel=private_channel)


def test_private_channels_are_absent_from_the_index_of_others(private_channel, outsider):
    assert channel_index(viewer=outsider) == []


def test_unread_counts_and_first_unread_follow_the_read_pointer(open_channel, author, reader):
    post(reader, open_channel, "meine eigene")
    first = post(author, open_channel, "eins")
    post(author, open_channel, "zwei")
    deleted = post(author, open_channel, "drei")
    message_delete(actor=author, message=deleted)

    entry = {entry.channel: entry for entry in channel_index(viewer=reader)}[open_channel]
    membership = membership_for(viewer=reader, channel=open_channel)
    assert entry.unread == 2
    assert first_unread_id(channel=open_channel, membership=membership) == first.pk

    channel_mark_read(user=reader, channel=open_channel, up_to=first.pk)
    channel_mark_read(user=reader, channel=open_channel, up_to=first.pk - 1)

    entry = {entry.channel: entry for entry in channel_index(viewer=reader)}[open_channel]
    assert entry.unread == 1
    assert membership_for(viewer=reader, channel=open_channel).last_read_id == first.pk


def test_posting_marks_everything_before_as_read(open_channel, author, reader):
    post(author, open_channel, "eins")

    post(reader, open_channel, "gelesen, danke")

    entry = {entry.channel: entry for entry in channel_index(viewer=reader)}[open_channel]
    assert entry.unread == 0


def test_newcomers_start_with_history_read(open_channel, author, outsider):
    post(author, open_channel, "alt")

    channel_join(user=outsider, channel=open_channel)

    entry = {entry.channel: entry for entry in channel_index(viewer=outsider)}[open_channel]
    assert entry.unread == 0


def test_history_pages_by_cursor(open_channel, author, settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000
    ids = [post(author, open_channel, f"Nachricht {n}").pk for n in range(7)]

    newest = channel_history(channel=open_channel, limit=3)
    older = channel_history(channel=open_channel, before=newest.older_cursor, limit=3)
    oldest = channel_history(channel=open_channel, before=older.older_cursor, limit=3)
    around = channel_history(channel=open_channel, after=ids[1], limit=3)

    assert [m.pk for m in newest.messages] == ids[4:]
    assert newest.newer_cursor is None
    assert [m.pk for m in older.messages] == ids[1:4]
    assert older.newer_cursor == ids[3]
    assert [m.pk for m in oldest.messages] == ids[:1]
    assert oldest.older_cursor is None
    assert [m.pk for m in around.messages] == ids[2:5]
    assert around.older_cursor == ids[2]
    assert around.newer_cursor == ids[4]


def test_export_and_erasure_keep_messages_readable_as_former_member(open_channel, author, reader):
    kept = post(author, open_channel, "Bleibt lesbar")
    message_edit(editor=author, message=kept, source="Bleibt lesbar (korrigiert)")
    gone = post(author, open_channel, "Selbst gelöscht")
    message_delete(actor=author, message=gone)
    reaction_toggle(user=author, message=kept, emoji="👍")
    contributor = {c.name: c for c in contributors()}["discussions"]

    export = contributor.export(author)
    member_delete(user=author)

    assert [m["text"] for m in export["messages"]] == [
        "Bleibt lesbar (korrigiert)",
        "Selbst gelöscht",
    ]
    assert export["messages"][0]["earlier_versions"][0]["text"] == "Bleibt lesbar"
    assert export["reactions"] == [{"message": kept.pk, "emoji": "👍"}]
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.author is None
    assert kept.source == "Bleibt lesbar (korrigiert)"
    assert gone.source == "" and gone.html == ""
    history = channel_history(channel=open_channel)
    assert [m.pk for m in history.messages] == [kept.pk, gone.pk]
