"""Expert routing: a question asked is offered to the members who know, with the reason, within
the limits (three a week, switched off, readers of the channel only, never the asker)."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.personal_data import contributors
from discussions.models import ChannelVisibility, Message, Notification, NotificationKind
from discussions.services.channels import channel_create, channel_invite, channel_join
from discussions.services.messages import message_post
from experts.models import HelpRequest
from experts.selectors import (
    WEEKLY_LIMIT,
    experts_for_question,
    helpable_topics,
    open_questions_for,
)
from experts.services import question_route, routing_preference_set, wish_route
from hub.models import Topic
from members.models import Approval
from network.services import follow_set
from peer_learning.wish_services import wish_create
from tests.discussions.sockets import connect, receive_until
from tests.experts.conftest import ask, tag
from tests.factories import MemberFactory, practice_page_create
from tests.peer_learning.factories import make_course

pytestmark = pytest.mark.django_db

TITLE = "Wie haben Sie die E-Akte im Bürgeramt eingeführt?"


def asked_ids(question) -> set[int]:
    return set(HelpRequest.objects.filter(question=question).values_list("member_id", flat=True))


def test_a_tagged_member_is_asked_with_the_reason(
    asker, expert, channel, django_capture_on_commit_callbacks
):
    question = ask(asker, channel, TITLE, capture=django_capture_on_commit_callbacks)

    request = HelpRequest.objects.get()
    note = Notification.objects.get(recipient=expert)
    page = _client(expert).get(reverse("discussions:notifications")).content.decode()

    assert (request.member, request.question) == (expert, question)
    assert request.reason == "weil Sie bei „E-Akte“ helfen"
    assert (note.kind, note.detail) == (NotificationKind.QUESTION_REQUEST, request.reason)
    assert (
        "Aylin Demir hat in „Digitale Verwaltung“ eine Frage gestellt, die Sie beantworten "
        "könnten – weil Sie bei „E-Akte“ helfen."
    ) in page


def test_the_asker_is_never_asked_and_unrelated_members_neither(asker, expert, channel):
    tag(asker, "E-Akte")
    tag(MemberFactory(), "Haushaltsrecht")

    question = ask(asker, channel, TITLE)

    assert {m.member_id for m in experts_for_question(question)} == {expert.pk}


@pytest.mark.parametrize(
    ("tag_name", "title"),
    [
        ("Bürgerbeteiligung", "Wie organisieren Sie die Beteiligung der Bürger im Quartier?"),
        ("Beteiligung der Bürger", "Erfahrungen mit Bürgerbeteiligung im Quartier?"),
        ("Open Data", "Welche Lizenz nehmen Sie für offene Daten? Open-Data-Portal geplant"),
    ],
)
def test_tags_match_in_the_search_chains_german_tokens(asker, channel, tag_name, title):
    helper = tag(MemberFactory(), tag_name)

    question = ask(asker, channel, title)

    assert [m.member_id for m in experts_for_question(question)] == [helper.pk]


def test_a_compound_tag_needs_all_its_parts(asker, channel):
    """ "Bürgeramt" is not asked about everything that mentions "Bürger"."""
    tag(MemberFactory(), "Bürgeramt")

    question = ask(asker, channel, "Wie erreichen Sie ältere Bürger online?")

    assert experts_for_question(question) == []


def test_trainers_and_authors_are_asked_with_their_course_or_article(asker, channel):
    trainer = MemberFactory(first_name="Tina", last_name="Lehrer")
    make_course(trainer=trainer, title="E-Akte im Bürgeramt einführen")
    writer = MemberFactory(first_name="Willi", last_name="Schreiber")
    practice_page_create(title="Die E-Akte im Bürgeramt Neustadt", authors=(writer,))
    practice_page_create(title="Haushaltsplanung mit Excel", authors=(MemberFactory(),))

    reasons = {m.member_id: m.reason for m in experts_for_question(ask(asker, channel, TITLE))}

    assert reasons == {
        trainer.pk: "weil Sie den Impuls „E-Akte im Bürgeramt einführen“ geben",
        writer.pk: "weil Sie „Die E-Akte im Bürgeramt Neustadt“ geschrieben haben",
    }


def test_at_most_five_are_asked_best_first(asker, channel):
    experts = [tag(MemberFactory(), "E-Akte") for _ in range(6)]
    best = tag(MemberFactory(), "E-Akte", "Bürgeramt")

    matches = experts_for_question(ask(asker, channel, TITLE))

    assert len(matches) == 5
    assert matches[0].member_id == best.pk
    assert {m.member_id for m in matches[1:]} <= {e.pk for e in experts}


def test_at_most_three_requests_per_member_in_seven_days(asker, expert, channel):
    questions = [ask(asker, channel, f"{TITLE} Teil {n}") for n in range(WEEKLY_LIMIT + 1)]

    for question in questions:
        question_route(question=question)

    assert HelpRequest.objects.filter(member=expert).count() == WEEKLY_LIMIT
    HelpRequest.objects.update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    question_route(question=questions[-1])
    assert HelpRequest.objects.filter(member=expert).count() == WEEKLY_LIMIT + 1


def test_routing_twice_asks_no_one_again(asker, expert, channel):
    question = ask(asker, channel, TITLE)

    question_route(question=question)
    question_route(question=question)

    assert HelpRequest.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.QUESTION_REQUEST).count() == 1


def test_members_who_switched_it_off_are_not_asked(asker, expert, channel):
    client = _client(expert)
    page = client.get(reverse("discussions:notifications")).content.decode()
    client.post(reverse("experts:routing_preference"), {})

    question_route(question=ask(asker, channel, TITLE))

    assert "Fragen an mich weiterleiten" in page
    assert HelpRequest.objects.count() == 0
    routing_preference_set(member=expert, enabled=True)
    question_route(question=ask(asker, channel, f"{TITLE} Nachtrag"))
    assert HelpRequest.objects.count() == 1


def test_only_readers_of_a_private_channel_are_asked(asker, expert):
    insider = tag(MemberFactory(first_name="Ina", last_name="Innen"), "E-Akte")
    private = channel_create(
        creator=asker, name="Projektgruppe E-Akte", visibility=ChannelVisibility.PRIVATE
    )
    channel_invite(inviter=asker, channel=private, invitee=insider)
    channel_join(user=insider, channel=private)

    question = ask(asker, private, TITLE)

    assert {m.member_id for m in experts_for_question(question)} == {insider.pk}


def test_pending_and_inactive_accounts_are_not_asked(asker, expert, channel):
    expert.approval = Approval.PENDING
    expert.save(update_fields=["approval"])
    gone = tag(MemberFactory(), "E-Akte")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    assert experts_for_question(ask(asker, channel, TITLE)) == []


def test_requests_reach_the_digest_and_the_data_export(
    asker, expert, channel, django_capture_on_commit_callbacks
):
    ask(asker, channel, TITLE, capture=django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digest", verbosity=0)
    export = {c.name: c.export(expert) for c in contributors()}["experts"]

    assert "weil Sie bei „E-Akte“ helfen" in mail.outbox[0].body
    assert export["questions_routed_to_me"] is True
    assert export["requests"][0]["question"] == TITLE
    assert export["requests"][0]["reason"] == "weil Sie bei „E-Akte“ helfen"


def test_open_questions_wait_a_day_in_topics_the_member_can_help_with(asker, expert, channel):
    e_akte = Topic.objects.create(name="E-Akte")
    finance = Topic.objects.create(name="Haushalt")
    other = Topic.objects.create(name="Personal")
    followed = ask(asker, channel, "Wer hat Erfahrung mit doppischen Haushalten?", topics=[finance])
    tagged = ask(asker, channel, TITLE, topics=[e_akte])
    elsewhere = ask(asker, channel, "Wie gewinnen Sie Auszubildende?", topics=[other])
    answered = ask(asker, channel, f"{TITLE} Beantwortet", topics=[e_akte])
    channel_join(user=expert, channel=channel)
    message_post(author=expert, channel=channel, source="So ging es", reply_to_id=answered.pk)
    Message.objects.update(created_at=timezone.now() - timedelta(hours=25))
    fresh = ask(asker, channel, f"{TITLE} Neu", topics=[e_akte])
    follow_set(member=expert, target=finance, following=True)

    shown = list(open_questions_for(member=expert))

    assert shown == [followed, tagged]
    assert elsewhere not in shown and fresh not in shown
    assert shown[1].reply_count == 0
    assert list(open_questions_for(member=asker)) == []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_expert_is_asked_live(asker, expert, channel):
    socket = await connect(expert)

    question = await database_sync_to_async(ask)(asker, channel, TITLE)
    await database_sync_to_async(question_route)(question=question)
    event = await receive_until(socket, "notification.new")
    await socket.disconnect()

    assert event["kind"] == "question_request"
    assert event["text"].endswith("weil Sie bei „E-Akte“ helfen.")
    assert event["url"] == reverse("discussions:permalink", args=[question.pk])


def test_questions_and_learning_wishes_share_the_weekly_limit(asker, expert, channel):
    for n in range(WEEKLY_LIMIT):
        question_route(question=ask(asker, channel, f"{TITLE} Teil {n}"))

    wish = wish_create(author=asker, title="E-Akte im Bürgeramt einführen", format="any")
    wish_route(wish=wish)

    assert HelpRequest.objects.filter(member=expert, wish=wish).count() == 0


def test_a_one_word_tag_is_not_found_inside_another_word(asker, channel):
    """The index splits "Einführung" into "ein" and "führung"; a tag "Führung" is not meant."""
    tag(MemberFactory(), "Führung")

    question = ask(asker, channel, "Wer hat die Einführung der E-Akte schon hinter sich?")

    assert experts_for_question(question) == []


def test_the_topics_a_tag_names_are_kept_until_a_topic_or_the_tags_change(
    expert, django_capture_on_commit_callbacks
):
    other = tag(MemberFactory(), "Vergabe")
    assert list(helpable_topics(member=expert)) == []

    with django_capture_on_commit_callbacks(execute=True):
        e_akte = Topic.objects.create(name="E-Akte und Digitalisierung")
    vergabe = Topic.objects.create(name="Vergabe")

    assert list(helpable_topics(member=expert)) == [e_akte]
    assert list(helpable_topics(member=tag(expert, "E-Akte", "Vergabe"))) == [e_akte, vergabe]
    assert list(helpable_topics(member=other)) == [vergabe]
