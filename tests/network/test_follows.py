"""Following topics, channels, people and organisations."""

import pytest
from django.urls import reverse

from discussions.services.channels import channel_invite, channel_join, channel_leave
from members.services import member_delete, member_export
from network.models import Follow, FollowKind
from network.selectors import (
    followed_channels,
    followed_organisations,
    followed_people,
    followed_topics,
    is_followed,
)
from tests.factories import MemberFactory
from tests.network.conftest import SCRIPT

pytestmark = pytest.mark.django_db


def follow_url(kind, pk):
    return reverse("network:follow", args=[kind, pk])


def test_visitors_are_sent_to_sign_in(client, topic):
    response = client.post(follow_url("topic", topic.pk), {"an": "ja"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("network:following")).status_code == 302


def test_pending_accounts_are_refused(client, pending, topic):
    client.force_login(pending)

    assert client.post(follow_url("topic", topic.pk), {"an": "ja"}).status_code == 403
    assert client.get(reverse("network:following")).status_code == 403
    assert not Follow.objects.exists()


def test_following_twice_keeps_one_follow_and_unfollowing_twice_none(member_client, member, topic):
    for _ in range(2):
        answer = member_client.post(follow_url("topic", topic.pk), {"an": "ja"}, **SCRIPT)
        assert answer.json()["pressed"] is True
    assert Follow.objects.filter(member=member, topic=topic).count() == 1
    assert is_followed(member=member, target=topic)

    for _ in range(2):
        answer = member_client.post(follow_url("topic", topic.pk), {"an": "nein"}, **SCRIPT)
        assert answer.json()["pressed"] is False
    assert not Follow.objects.exists()


def test_without_script_the_member_returns_to_the_page(member_client, topic):
    page = reverse("knowledge:topic", args=[topic.slug])

    response = member_client.post(follow_url("topic", topic.pk), {"an": "ja", "next": page})

    assert response["Location"] == page
    html = member_client.get(page).content.decode()
    assert 'aria-pressed="true"' in html
    assert "Sie folgen jetzt „E-Akte“." in html


def test_members_follow_people_and_organisations_from_a_profile(member_client, member, colleague):
    profile_url = reverse("members:profile", args=[colleague.profile.pk])
    html = member_client.get(profile_url).content.decode()
    assert follow_url("person", colleague.profile.pk) in html
    assert follow_url("organisation", colleague.profile.organisation_id) in html

    member_client.post(follow_url("person", colleague.profile.pk), {"an": "ja"})
    member_client.post(follow_url("organisation", colleague.profile.organisation_id), {"an": "ja"})

    assert list(followed_people(member=member)) == [colleague]
    assert [o.name for o in followed_organisations(member=member)] == ["Stadt Jena"]


def test_nobody_follows_themselves(member_client, member):
    own = member_client.get(reverse("members:profile", args=[member.profile.pk])).content.decode()

    assert follow_url("person", member.profile.pk) not in own
    assert (
        member_client.post(follow_url("person", member.profile.pk), {"an": "ja"}).status_code == 404
    )


def test_a_private_channel_is_followed_only_by_its_readers(client, private_channel, colleague):
    outsider = MemberFactory()
    client.force_login(outsider)

    refused = client.post(follow_url("channel", private_channel.pk), {"an": "ja"})

    assert refused.status_code == 404
    assert not Follow.objects.exists()

    channel_invite(inviter=colleague, channel=private_channel, invitee=outsider)
    channel_join(user=outsider, channel=private_channel)
    html = client.get(reverse("discussions:channel", args=[private_channel.slug])).content.decode()
    assert follow_url("channel", private_channel.pk) in html
    client.post(follow_url("channel", private_channel.pk), {"an": "ja"}, follow=True)
    assert list(followed_channels(member=outsider)) == [private_channel]

    # Leaving the channel ends reading it: it drops out of what the member follows.
    channel_leave(user=outsider, channel=private_channel)
    assert list(followed_channels(member=outsider)) == []
    assert "Moderationsteam" not in client.get(reverse("network:following")).content.decode()


def test_following_page_lists_everything_with_a_way_out(
    member_client, member, topic, joined, colleague
):
    for kind, pk in (
        ("topic", topic.pk),
        ("channel", joined.pk),
        ("person", colleague.profile.pk),
        ("organisation", colleague.profile.organisation_id),
    ):
        member_client.post(follow_url(kind, pk), {"an": "ja"})

    html = member_client.get(reverse("network:following")).content.decode()

    for name in ("E-Akte", "E-Akte in der Praxis", "Jana Kraft", "Stadt Jena"):
        assert name in html
    assert html.count("Nicht mehr folgen") == 4
    assert [t.name for t in followed_topics(member=member)] == ["E-Akte"]


def test_unknown_kinds_are_not_found(member_client, topic):
    assert member_client.post(follow_url("thing", topic.pk), {"an": "ja"}).status_code == 404


def test_follows_are_rate_limited(member_client, topic):
    for _ in range(30):
        member_client.post(follow_url("topic", topic.pk), {"an": "ja"}, **SCRIPT)

    assert (
        member_client.post(follow_url("topic", topic.pk), {"an": "ja"}, **SCRIPT).status_code == 429
    )


def test_visitors_get_no_button_and_the_topic_page_stays_cacheable(client, topic):
    html = client.get(reverse("knowledge:topic", args=[topic.slug])).content.decode()

    assert "network/folgen" not in html
    assert "csrfmiddlewaretoken" not in html


def test_follows_are_exported_and_go_with_the_account(member_client, member, topic, colleague):
    member_client.post(follow_url("topic", topic.pk), {"an": "ja"})
    member_client.post(follow_url("person", colleague.profile.pk), {"an": "ja"})

    exported = member_export(user=member)["network"]["follows"]
    assert {(f["kind"], f["name"]) for f in exported} == {
        (FollowKind.TOPIC, "E-Akte"),
        (FollowKind.PERSON, "Jana Kraft"),
    }

    # Whoever is followed leaves too: their followers' rows go with them.
    member_delete(user=colleague)
    assert list(Follow.objects.values_list("topic__name", flat=True)) == ["E-Akte"]
    member_delete(user=member)
    assert not Follow.objects.exists()
