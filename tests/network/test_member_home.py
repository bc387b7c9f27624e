"""Mein Kollegium: the home page of an approved member, built from the apps' sections."""

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.page_cache import CACHE_HEADER
from discussions.models import Membership, Message, Notification, NotificationKind, Question
from discussions.services.channels import channel_create, channel_join
from discussions.services.messages import message_post
from discussions.services.questions import question_ask
from hub.models import PracticePage, Topic
from members.services import profile_update
from network.services import follow_set
from peer_learning.services import registration_create
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    asked_hours_ago,
    practice_page_create,
)
from tests.peer_learning.factories import make_course, make_session


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _published_days_ago(page, days: int) -> None:
    type(page).objects.filter(pk=page.pk).update(
        first_published_at=timezone.now() - dt.timedelta(days=days)
    )


def test_visitors_keep_the_welcome_page_and_its_cache(db, client, settings):
    settings.KOLLEGIUM_PAGE_CACHE_SECONDS = 300
    first = client.get("/")
    assert "Jetzt registrieren" in first.content.decode()
    assert "Mein Kollegium" not in first.content.decode()
    assert first[CACHE_HEADER] == "miss"
    assert client.get("/")[CACHE_HEADER] == "hit"


def test_accounts_awaiting_approval_keep_todays_page(client, pending):
    client.force_login(pending)
    html = _home(client)
    assert "Willkommen zurück" in html
    assert "Mein Kollegium" not in html


def test_a_new_member_gets_a_header_and_a_way_in(member_client, member):
    html = _home(member_client)
    assert '<h1 class="home-welcome__title">Mein Kollegium</h1>' in html
    assert "Erika" in html
    for action in ("Frage stellen", "Praxisbeispiel einreichen", "Merkliste"):
        assert action in html
    assert "Legen Sie los" in html
    # Sections with nothing to show are left out.
    for title in ("Meine Kanäle", "Meine offenen Fragen", "Erwähnungen und Antworten"):
        assert title not in html


def test_next_sessions_as_participant_and_as_trainer(member_client, member):
    taught = make_session(make_course(trainer=member, title="Ich leite das"))
    attended = make_session(make_course(title="Ich lerne das"), starts_in=dt.timedelta(days=2))
    registration_create(session_id=attended.pk, user=member)
    make_session(make_course(title="Fremder Termin"))
    html = _home(member_client)
    assert "Meine nächsten Termine" in html
    assert "Ich leite das" in html and "Sie leiten" in html
    assert "Ich lerne das" in html and "Angemeldet" in html
    assert html.index("Ich lerne das") < html.index("Ich leite das")
    assert html.count("Fremder Termin") == 1  # only in the general "Nächste Impulse"
    assert taught.pk


def test_channels_with_unread_counts_are_watched_live(member_client, member, joined, colleague):
    message_post(author=colleague, channel=joined, source="Neu hier")
    message_post(author=colleague, channel=joined, source="Noch etwas")
    html = _home(member_client)
    assert "Meine Kanäle" in html
    assert f'data-channel-link="{joined.pk}"' in html
    assert '<span class="kern-badge chat-channels__unread" data-unread>2<' in html
    assert "js/channel-unread" in html


def test_unread_mentions_and_replies(member_client, member, joined, colleague):
    root = message_post(author=member, channel=joined, source="Wer kennt sich aus?")
    message_post(author=colleague, channel=joined, source="Ich!", reply_to_id=root.pk)
    html = _home(member_client)
    assert "Erwähnungen und Antworten" in html
    assert "hat in „E-Akte in der Praxis“ auf Ihre Nachricht geantwortet." in html
    Notification.objects.update(read_at=timezone.now())
    assert "Erwähnungen und Antworten" not in _home(member_client)


def test_my_open_questions_until_solved(member_client, member, open_channel):
    question = question_ask(
        author=member, channel=open_channel, title="Wie archivieren Sie E-Mails?", source="?"
    )
    html = _home(member_client)
    assert "Meine offenen Fragen" in html and "Wie archivieren Sie E-Mails?" in html
    Question.objects.filter(pk=question.pk).update(state="solved")
    assert "Meine offenen Fragen" not in _home(member_client)


def test_questions_to_help_with_in_followed_topics_and_expertise(
    member_client, member, colleague, topic, open_channel, private_channel
):
    vergabe = Topic.objects.create(name="Vergabe")
    followed = question_ask(
        author=colleague, channel=open_channel, title="Gefolgtes Thema", source="?", topics=[topic]
    )
    expert = question_ask(
        author=colleague,
        channel=open_channel,
        title="Meine Expertise",
        source="?",
        topics=[vergabe],
    )
    fresh = question_ask(
        author=colleague, channel=open_channel, title="Ganz frisch", source="?", topics=[topic]
    )
    hidden = question_ask(
        author=colleague,
        channel=private_channel,
        title="Geheime Frage im Team",
        source="?",
        topics=[topic],
    )
    other = question_ask(
        author=colleague,
        channel=open_channel,
        title="Anderes Thema",
        source="?",
        topics=[Topic.objects.create(name="Haushalt")],
    )
    for question in (followed, expert, hidden, other):
        asked_hours_ago(question, hours=30)
    asked_hours_ago(fresh, hours=2)
    follow_set(member=member, target=topic, following=True)
    profile_update(profile=member.profile, data={"expertise": ["vergabe"]})

    html = _home(member_client)
    assert "Fragen, bei denen Sie helfen können" in html
    assert "Gefolgtes Thema" in html and "Meine Expertise" in html
    for absent in ("Ganz frisch", "Geheim", "Anderes Thema"):
        assert absent not in html


def test_new_articles_and_courses_in_what_i_follow(
    member_client, member, topic, django_capture_on_commit_callbacks
):
    followed_org = OrganisationFactory(name="Kreis Gießen")
    author = MemberFactory(first_name="Paula", last_name="Autorin")
    practice_page_create(title="Zum Thema", topics=(topic,))
    practice_page_create(title="Von der Person", authors=(author,))
    practice_page_create(title="Aus der Organisation", organisation=followed_org)
    practice_page_create(title="Nichts davon")
    old = practice_page_create(title="Altes zum Thema", topics=(topic,))
    _published_days_ago(old, 30)
    make_course(title="Impuls zum Thema", topics=[topic])
    make_course(title="Impuls von Paula", trainer=author)
    for target in (topic, followed_org, author):
        follow_set(member=member, target=target, following=True)

    html = _home(member_client)
    assert "Neue Praxisbeispiele in dem, was Sie verfolgen" in html
    for title in ("Zum Thema", "Von der Person", "Aus der Organisation"):
        assert title in html
    assert "Altes zum Thema" not in html
    assert "Neue Impulse in dem, was Sie verfolgen" in html
    assert "Impuls zum Thema" in html and "Impuls von Paula" in html

    # What is kept of it goes with the next follow or unfollow.
    with django_capture_on_commit_callbacks(execute=True):
        follow_set(member=member, target=topic, following=False)
    html = _home(member_client)
    heading = "Neue Praxisbeispiele in dem, was Sie verfolgen"
    followed = html.split(heading)[1].split("</section>")[0]
    assert "Zum Thema" not in followed and "Von der Person" in followed
    assert "Impuls zum Thema" not in html


def _queries(client) -> tuple[int, int]:
    """Queries of the start page with every cache empty, then with the caches warm."""
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


def test_query_count_does_not_grow_with_follows_channels_or_notifications(
    member_client, member, colleague, topic
):
    channel = channel_create(creator=colleague, name="Kanal 0", topics=[topic])
    channel_join(user=member, channel=channel)
    follow_set(member=member, target=topic, following=True)
    follow_set(member=member, target=colleague, following=True)
    follow_set(member=member, target=channel, following=True)
    practice_page_create(title="Artikel 0", topics=(topic,))
    question = question_ask(
        author=colleague, channel=channel, title="Frage Nummer 0", source="?", topics=[topic]
    )
    asked_hours_ago(question, hours=30)
    root = message_post(author=member, channel=channel, source="Hallo")
    message_post(author=colleague, channel=channel, source="Antwort", reply_to_id=root.pk)
    profile_update(profile=member.profile, data={"expertise": ["Thema 0"]})
    assert "Fragen, bei denen Sie helfen können" in _home(member_client)
    few = _queries(member_client)

    for number in range(1, 12):
        extra_topic = Topic.objects.create(name=f"Thema {number}")
        follow_set(member=member, target=extra_topic, following=True)
        # A new colleague each time: one who asks this often would be slowed down.
        asker = MemberFactory()
        follow_set(member=member, target=asker, following=True)
        follow_set(member=member, target=OrganisationFactory(), following=True)
        extra = channel_create(creator=asker, name=f"Kanal {number}")
        Membership.objects.create(channel=extra, user=member)
        follow_set(member=member, target=extra, following=True)
        practice_page_create(title=f"Artikel {number}", topics=(extra_topic,))
        asked = question_ask(
            author=asker,
            channel=extra,
            title=f"Frage Nummer {number}",
            source="?",
            topics=[extra_topic],
        )
        asked_hours_ago(asked, hours=30)
        Notification.objects.create(
            recipient=member, kind=NotificationKind.REPLY, message=Message.objects.get(pk=asked.pk)
        )
    # Tags name topics too: the questions they bring are found by the same queries.
    profile_update(profile=member.profile, data={"expertise": [f"Thema {n}" for n in range(12)]})
    assert PracticePage.objects.live().count() == 12
    assert _queries(member_client) == few
    assert "Fragen, bei denen Sie helfen können" in _home(member_client)
