"""The start page keeps "Fragen, bei denen Sie helfen können" and "Lernwünsche, bei denen Sie
helfen können" per member (core.member_cache), yet shows at once what the member did and
what changed who may read a question or whether it still waits for an answer."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from discussions.models import ChannelVisibility, Message
from discussions.services.channels import channel_join
from discussions.services.messages import message_post
from discussions.services.moderation import message_hide
from hub.models import Topic
from members.roles import Role
from members.services import profile_update
from network.services import follow_set
from peer_learning.wish_services import wish_create, wish_vote_set
from tests.experts.conftest import ask
from tests.factories import MemberFactory, asked_hours_ago

pytestmark = pytest.mark.django_db

QUESTIONS = "Fragen, bei denen Sie helfen können"
WISHES = "Lernwünsche, bei denen Sie helfen können"


@pytest.fixture
def question(asker, channel, topic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(
            asker,
            channel,
            "Wie vergeben Sie kleine Aufträge?",
            "Ab welcher Summe fragen Sie drei Angebote an?",
            topics=[topic],
        )
        # Waiting for more than a day: only then is it offered to those who can help.
        asked_hours_ago(asked, hours=30)
    return asked


def _section(client: Client, title: str) -> str:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return html.split(title)[1].split("</section>")[0] if title in html else ""


@pytest.fixture
def helper_client(helper, topic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        follow_set(member=helper, target=topic, following=True)
    client = Client()
    client.force_login(helper)
    return client


def test_the_lists_are_not_read_again_on_the_next_visit(helper_client, question, asker, topic):
    wish_create(author=asker, title="Vergabe lernen", text="", topics=[topic], format="any")
    assert "Wie vergeben Sie kleine Aufträge?" in _section(helper_client, QUESTIONS)
    assert "Vergabe lernen" in _section(helper_client, WISHES)

    with CaptureQueriesContext(connection) as captured:
        again = helper_client.get("/").content.decode()

    assert "Wie vergeben Sie kleine Aufträge?" in again and "Vergabe lernen" in again
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "peer_learning_learningwish" not in read
    assert "discussions_question_topics" not in read


def test_an_answer_by_a_colleague_takes_the_question_off_at_once(
    helper_client, question, channel, django_capture_on_commit_callbacks
):
    assert "Wie vergeben Sie kleine Aufträge?" in _section(helper_client, QUESTIONS)

    colleague = MemberFactory()
    channel_join(user=colleague, channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            author=colleague,
            channel=channel,
            source="Ab 1.000 Euro.",
            reply_to_id=question.pk,
        )

    assert "Wie vergeben Sie kleine Aufträge?" not in _section(helper_client, QUESTIONS)


def test_a_channel_made_private_takes_its_question_off_for_outsiders_at_once(
    helper_client, question, channel, django_capture_on_commit_callbacks
):
    assert "Wie vergeben Sie kleine Aufträge?" in _section(helper_client, QUESTIONS)

    with django_capture_on_commit_callbacks(execute=True):
        channel.visibility = ChannelVisibility.PRIVATE
        channel.save()

    assert "Wie vergeben Sie kleine Aufträge?" not in _section(helper_client, QUESTIONS)


def test_a_topic_followed_brings_its_questions_at_once(
    helper, question, django_capture_on_commit_callbacks
):
    other = Topic.objects.create(name="Haushalt", slug="haushalt")
    with django_capture_on_commit_callbacks(execute=True):
        follow_set(member=helper, target=other, following=True)
    client = Client()
    client.force_login(helper)
    assert _section(client, QUESTIONS) == ""

    with django_capture_on_commit_callbacks(execute=True):
        follow_set(member=helper, target=question.topics.get(), following=True)

    assert "Wie vergeben Sie kleine Aufträge?" in _section(client, QUESTIONS)


def test_the_members_vote_shows_at_once(
    helper, helper_client, asker, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wish = wish_create(
            author=asker, title="Vergabe lernen", text="", topics=[topic], format="any"
        )
    assert 'aria-pressed="false"' in _section(helper_client, WISHES)

    with django_capture_on_commit_callbacks(execute=True):
        wish_vote_set(member=helper, wish=wish, voting=True)

    section = _section(helper_client, WISHES)
    assert 'aria-pressed="true"' in section
    assert "2 Personen möchten das lernen" in section


def test_a_new_expertise_tag_brings_its_questions_at_once(
    helper, question, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(helper)
    assert _section(client, QUESTIONS) == ""

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=helper.profile, data={"expertise": ["Vergabe"]})

    assert "Wie vergeben Sie kleine Aufträge?" in _section(client, QUESTIONS)


def test_a_question_hidden_by_the_moderation_goes_at_once(
    helper_client, question, django_capture_on_commit_callbacks
):
    assert "Wie vergeben Sie kleine Aufträge?" in _section(helper_client, QUESTIONS)
    moderator = MemberFactory(roles=(Role.MODERATOR,))

    with django_capture_on_commit_callbacks(execute=True):
        message_hide(moderator=moderator, message=Message.objects.get(pk=question.pk))

    assert "Wie vergeben Sie kleine Aufträge?" not in _section(helper_client, QUESTIONS)
