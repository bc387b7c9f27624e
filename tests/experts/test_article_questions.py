""" "Frage an die Autor:innen": a question asked from an article is linked to it, takes its
topics, goes to the article's authors with the reason (beyond the weekly limit, never the asker,
not to those who switched routing off or cannot read the channel), and the article lists it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.personal_data import contributors
from discussions.models import ChannelVisibility, Notification, NotificationKind, Question
from discussions.services.channels import channel_create
from experts.models import HelpRequest
from experts.selectors import WEEKLY_LIMIT
from experts.services import question_route, routing_preference_set
from hub.models import Topic
from members.services import member_delete
from tests.experts.conftest import ask, tag
from tests.factories import MemberFactory, practice_page_create

pytestmark = pytest.mark.django_db

TITLE = "Wie lange hat bei Ihnen die Umstellung auf die E-Akte gedauert?"
REASON = "weil Sie den Beitrag „Die E-Akte im Bürgeramt Neustadt“ geschrieben haben"


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="E-Akte", slug="e-akte")


@pytest.fixture
def writer(db):
    return MemberFactory(first_name="Sabine", last_name="Lorenz")


@pytest.fixture
def article(writer, topic):
    return practice_page_create(
        title="Die E-Akte im Bürgeramt Neustadt", topics=(topic,), authors=(writer,)
    )


@pytest.fixture
def topic_channel(asker, topic):
    channel = channel_create(creator=asker, name="E-Akte in der Praxis", description="Scannen")
    channel.topics.set([topic])
    return channel


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask_url(article_id) -> str:
    return reverse("discussions:question_ask") + f"?beitrag={article_id}"


def test_the_article_page_offers_members_to_ask_its_authors(asker, article, client):
    member_page = _client(asker).get(article.url).content.decode()
    visitor_page = client.get(article.url).content.decode()

    assert "Frage an die Autor:innen" in member_page
    assert ask_url(article.pk) in member_page
    assert "Frage an die Autor:innen" not in visitor_page


def test_an_article_without_credited_authors_offers_no_question_to_them(asker):
    page = practice_page_create(title="Haushaltsplanung ohne Autor")

    assert "Frage an die Autor:innen" not in _client(asker).get(page.url).content.decode()


def test_no_question_to_the_authors_once_every_author_left_the_network(asker, writer, article):
    gone = MemberFactory(first_name="Jan", last_name="Peters")
    deactivated = MemberFactory(first_name="Lea", last_name="Wolf")
    page = practice_page_create(title="Bürgerbüro ohne Termin", authors=(gone, deactivated))
    member_delete(user=gone)
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    routing_preference_set(member=writer, enabled=False)

    assert "Frage an die Autor:innen" not in _client(asker).get(page.url).content.decode()
    assert "Frage an die Autor:innen" not in _client(asker).get(article.url).content.decode()


def test_one_author_still_in_the_network_keeps_the_question_to_the_authors(asker, writer):
    gone = MemberFactory(first_name="Jan", last_name="Peters")
    page = practice_page_create(title="Bürgerbüro ohne Termin", authors=(gone, writer))
    member_delete(user=gone)

    assert "Frage an die Autor:innen" in _client(asker).get(page.url).content.decode()
    # The only author does not ask themselves.
    assert "Frage an die Autor:innen" not in _client(writer).get(page.url).content.decode()


def test_the_article_page_asks_the_same_queries_however_many_authors(asker, writer):
    few = practice_page_create(title="Bürgerbüro mit Termin", authors=(writer,))
    many = practice_page_create(
        title="Bürgerbüro ohne Termin", authors=(*MemberFactory.create_batch(4), writer)
    )
    client = _client(asker)
    # The first requests fill caches (sites, page paths) that would skew the count.
    client.get(few.url)
    client.get(many.url)

    with CaptureQueriesContext(connection) as one_author:
        client.get(few.url)
    with CaptureQueriesContext(connection) as five_authors:
        client.get(many.url)

    assert len(five_authors) == len(one_author)


def test_the_form_takes_the_articles_topics_and_suggests_its_channel(
    asker, article, topic, topic_channel
):
    response = _client(asker).get(ask_url(article.pk))
    form = response.context["form"]
    html = response.content.decode()

    assert response.status_code == 200
    assert list(form.initial["topics"]) == [topic]
    assert form.initial["channel"] == topic_channel
    assert form.initial["article"] == str(article.pk)
    assert "Die E-Akte im Bürgeramt Neustadt" in html
    assert f'name="article" value="{article.pk}"' in html


@pytest.mark.parametrize("value", ["999999", "abc", "-1", ""])
def test_an_unknown_article_id_in_the_address_is_ignored_with_a_message(asker, value):
    response = _client(asker).get(reverse("discussions:question_ask") + f"?beitrag={value}")
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["article"] is None
    assert ("gibt es nicht oder er ist nicht veröffentlicht" in html) == bool(value)


def test_an_unpublished_article_is_not_offered_as_a_link(asker, writer):
    draft = practice_page_create(
        title="Noch ein Entwurf zur E-Akte", authors=(writer,), publish=False
    )

    response = _client(asker).get(ask_url(draft.pk))

    assert response.context["article"] is None
    assert "gibt es nicht oder er ist nicht veröffentlicht" in response.content.decode()


def test_asking_from_the_article_links_the_question_and_asks_its_authors(
    asker, writer, article, topic, topic_channel, django_capture_on_commit_callbacks
):
    data = {
        "title": TITLE,
        "body": "Wir planen gerade und möchten wissen, womit wir rechnen müssen.",
        "topics": [topic.pk],
        "channel": topic_channel.pk,
        "article": str(article.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(asker).post(reverse("discussions:question_ask"), data)

    question = Question.objects.get()
    note = Notification.objects.get(recipient=writer)
    question_page = _client(asker).get(response.url).content.decode()
    article_page = _client(asker).get(article.url).content.decode()

    assert question.article == article
    assert HelpRequest.objects.get(member=writer).reason == REASON
    assert (note.kind, note.detail) == (NotificationKind.QUESTION_REQUEST, REASON)
    assert "Bezieht sich auf:" in question_page
    assert article.url in question_page
    assert "Fragen zu diesem Beitrag" in article_page
    assert TITLE in article_page
    assert article_page.count(ask_url(article.pk)) == 2


def test_a_post_with_an_article_that_went_away_asks_again_without_it(asker, article, topic_channel):
    article.unpublish()
    data = {
        "title": TITLE,
        "body": "Wir planen gerade.",
        "channel": topic_channel.pk,
        "article": str(article.pk),
    }
    client = _client(asker)

    refused = client.post(reverse("discussions:question_ask"), data)
    again = client.post(reverse("discussions:question_ask"), {**data, "article": ""})

    assert refused.status_code == 400
    assert "gibt es nicht oder er ist nicht veröffentlicht" in refused.content.decode()
    assert refused.context["form"]["article"].value() == ""
    assert again.status_code == 302
    assert Question.objects.get().article is None


def test_authors_are_asked_beyond_the_weekly_limit_and_the_limit_still_counts_it(
    asker, writer, article, channel
):
    tag(writer, "E-Akte")
    for number in range(WEEKLY_LIMIT):
        ask(asker, channel, f"Eine ganz andere Frage zur E-Akte Nummer {number}")
        question_route(question=Question.objects.order_by("-pk").first())
    assert HelpRequest.objects.filter(member=writer).count() == WEEKLY_LIMIT

    about = ask(asker, channel, TITLE, article=article)
    question_route(question=about)
    later = ask(asker, channel, "Noch eine Frage zur E-Akte ohne Beitrag")
    question_route(question=later)

    assert HelpRequest.objects.get(member=writer, question=about).reason == REASON
    assert not HelpRequest.objects.filter(member=writer, question=later).exists()


def test_the_asker_is_never_asked_even_as_an_author(asker, article, channel):
    article.authors.create(profile=asker.profile)

    question = ask(asker, channel, TITLE, article=article)
    question_route(question=question)

    assert not HelpRequest.objects.filter(member=asker).exists()


def test_authors_who_switched_routing_off_are_not_asked(asker, writer, article, channel):
    routing_preference_set(member=writer, enabled=False)

    question = ask(asker, channel, TITLE, article=article)
    question_route(question=question)

    assert not HelpRequest.objects.filter(member=writer).exists()


def test_authors_who_cannot_read_the_channel_are_not_asked(asker, writer, article):
    private = channel_create(
        creator=asker, name="Team Bürgeramt", visibility=ChannelVisibility.PRIVATE
    )

    question = ask(asker, private, TITLE, article=article)
    question_route(question=question)
    article_page = _client(writer).get(article.url).content.decode()

    assert not HelpRequest.objects.filter(member=writer).exists()
    assert "Fragen zu diesem Beitrag" not in article_page


def test_the_service_refuses_an_unpublished_article(asker, article, channel):
    article.unpublish()

    with pytest.raises(ValidationError):
        ask(asker, channel, TITLE, article=article)


def test_deleting_the_article_keeps_the_question(asker, article, channel):
    question = ask(asker, channel, TITLE, article=article)

    article.delete()
    question.refresh_from_db()

    assert question.article is None
    assert (
        "Bezieht sich auf:"
        not in _client(asker)
        .get(reverse("discussions:question", args=[question.pk]))
        .content.decode()
    )


def test_the_article_lists_open_and_solved_questions_open_first(asker, article, channel):
    first = ask(asker, channel, "Welche Scanner haben Sie für die E-Akte gekauft?", article=article)
    Question.objects.filter(pk=first.pk).update(state="solved")
    ask(asker, channel, TITLE, article=article)
    ask(asker, channel, "Eine Frage ohne Bezug zu einem Beitrag hier")

    cards = _client(asker).get(article.url).context["sections"][0].items

    assert [card.question.title for card in cards] == [TITLE, first.title]


def test_the_export_names_the_article_asked_about(asker, article, channel):
    ask(asker, channel, TITLE, article=article)

    export = {c.name: c.export(asker) for c in contributors()}["discussions"]

    assert export["questions"][0]["about_article"] == "Die E-Akte im Bürgeramt Neustadt"
