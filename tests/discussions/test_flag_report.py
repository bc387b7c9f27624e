"""The report "Gemeldete Nachrichten" in the Wagtail admin: who sees what, and its export."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from discussions.services.channels import channel_invite, channel_join
from discussions.services.messages import message_delete, message_post
from discussions.services.moderation import flag_dismiss, message_flag
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

REPORT = reverse("discussions_reports:flagged")


def _staff(*roles):
    user = MemberFactory(roles=roles)
    totp_activate(user)
    return user


@pytest.fixture
def moderator():
    return _staff(Role.MODERATOR)


@pytest.fixture
def editor():
    return _staff(Role.EDITOR)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def flagged(open_channel, private_channel, author, reader, outsider):
    """An open-channel message reported twice, one reported and then dismissed, a private one."""
    rude = message_post(author=author, channel=open_channel, source="Das ist  ja\nunmöglich")
    message_flag(reporter=reader, message=rude, reason="offensive")
    channel_join(user=outsider, channel=open_channel)
    message_flag(reporter=outsider, message=rude, reason="offensive", note="Ton")
    settled = message_post(author=author, channel=open_channel, source="Längst geklärt")
    channel_invite(inviter=author, channel=private_channel, invitee=reader)
    channel_join(user=reader, channel=private_channel)
    secret = message_post(author=author, channel=private_channel, source="Interne Absprache")
    message_flag(reporter=reader, message=secret, reason="personal_data")
    return {
        "rude": rude,
        "settled": message_flag(reporter=reader, message=settled, reason="spam"),
        "secret": secret,
    }


def test_moderators_see_every_open_report_with_the_way_to_the_queue(flagged, moderator):
    flag_dismiss(moderator=moderator, flag=flagged["settled"])

    response = client_for(moderator).get(REPORT)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Das ist ja unmöglich" in html
    assert "E-Akte in der Praxis" in html
    assert "Beleidigend oder respektlos (2)" in html
    assert "Interne Absprache" in html and "Moderationsteam" in html
    assert "Längst geklärt" not in html
    assert reverse("discussions_flag_queue") in html


def test_editors_read_without_deciding_and_only_channels_they_can_read(flagged, editor):
    html = client_for(editor).get(REPORT).content.decode()

    assert "Das ist ja unmöglich" in html
    assert "Interne Absprache" not in html
    assert "Moderationsteam" not in html
    assert reverse("discussions_flag_queue") not in html
    assert "Über gemeldete Nachrichten entscheidet die Moderation" in html


def test_editors_in_a_private_channel_see_its_reports(flagged, editor, private_channel, author):
    channel_invite(inviter=author, channel=private_channel, invitee=editor)
    channel_join(user=editor, channel=private_channel)

    html = client_for(editor).get(REPORT).content.decode()

    assert "Interne Absprache" in html


def test_the_text_of_a_removed_message_stays_with_the_moderation(
    flagged, editor, moderator, author
):
    message_delete(actor=author, message=flagged["rude"])

    for_editor = client_for(editor).get(REPORT).content.decode()
    for_moderator = client_for(moderator).get(REPORT).content.decode()

    assert "Das ist ja unmöglich" not in for_editor
    assert "(entfernt)" in for_editor and "bereits entfernt" in for_editor
    assert "Das ist ja unmöglich" in for_moderator


@pytest.mark.parametrize("who", ["member", "pending"])
def test_members_without_a_role_cannot_open_the_report(flagged, reader, pending, who):
    user = reader if who == "member" else pending

    response = client_for(user).get(REPORT)

    assert response.status_code in {302, 403}
    assert "Das ist ja unmöglich" not in response.content.decode()


def test_trainers_with_admin_access_but_no_editing_cannot_open_it(flagged):
    response = client_for(_staff(Role.TRAINER)).get(REPORT)

    assert response.status_code in {302, 403}


def test_report_is_in_the_reports_menu_of_editors_and_moderators(editor, moderator):
    for user in (editor, moderator):
        html = client_for(user).get(reverse("wagtailadmin_home")).content.decode()
        assert "discussions-flagged" in html


def test_csv_export_lists_the_reports_and_defuses_formulas(open_channel, author, reader, editor):
    message = message_post(author=author, channel=open_channel, source='=HYPERLINK("x")')
    message_flag(reporter=reader, message=message, reason="spam")

    export = client_for(editor).get(REPORT + "?export=csv")

    text = b"".join(export.streaming_content).decode("utf-8-sig")
    heading, row = text.splitlines()[:2]
    assert heading.startswith("Nachricht,Kanal,Meldungen,Gründe,Zuerst gemeldet am")
    assert row.startswith('"\'=HYPERLINK(""x"")",E-Akte in der Praxis,1,Werbung oder Spam (1)')


def test_xlsx_export_matches_the_report(flagged, moderator):
    export = client_for(moderator).get(REPORT + "?export=xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nachricht", "Kanal", "Meldungen")
    assert [row[0] for row in rows[1:]] == [
        "Das ist ja unmöglich",
        "Interne Absprache",
        "Längst geklärt",
    ]
    assert rows[1][2] == 2
