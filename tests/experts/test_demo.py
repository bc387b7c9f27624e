"""The demo questions: spread over the past weeks, in every state, one asked to the authors of
a demo article, offered to the members who know; seeded once."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from core.demo import DemoContext, DemoReport
from discussions.models import Question, QuestionState
from discussions.services.channels import channel_create
from experts.demo import QUESTIONS, WISH_AUTHOR, WISH_TITLE, WISH_VOTERS, seed_experts
from experts.models import HelpRequest
from experts.selectors import OPEN_AFTER
from hub.models import Topic
from members.demo import demo_email
from peer_learning.models import LearningWish
from tests.experts.conftest import tag
from tests.factories import MemberFactory, practice_page_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_network(db):
    """The demo people and channels the questions need, without the whole demo."""
    people = (
        {question.asker for question in QUESTIONS}
        | {reply[0] for question in QUESTIONS for reply in question.replies}
        | {WISH_AUTHOR, *WISH_VOTERS}
    )
    members = {
        person: MemberFactory(first_name=person[0], last_name=person[1], email=demo_email(*person))
        for person in people
    }
    for name in {topic for question in QUESTIONS for topic in question.topics}:
        Topic.objects.create(name=name)
    creator = next(iter(members.values()))
    for slug in {question.channel for question in QUESTIONS}:
        channel_create(creator=creator, name=slug.replace("-", " ").title())
    writer = members[("Lea", "Zimmermann")]
    article = practice_page_create(
        title="E-Akte im Bürgeramt: in sechs Monaten papierlos",
        slug="e-akte-im-buergeramt-in-sechs-monaten-papierlos",
        authors=(writer,),
    )
    tag(MemberFactory(), "E-Akte", "Onlinezugangsgesetz")
    members["digitaliser"] = tag(MemberFactory(), "Verwaltungsdigitalisierung")
    return members, article


def _seed() -> DemoReport:
    report = DemoReport()
    seed_experts(DemoContext(scale=0, rng=random.Random(1), progress=lambda it, *_: it), report)
    return report


def test_questions_in_every_state_spread_over_the_past_weeks(demo_network, settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000
    members, article = demo_network

    report = _seed()
    questions = list(Question.objects.select_related("message"))
    now = timezone.now()
    waiting = [
        q
        for q in questions
        if q.state == QuestionState.OPEN and q.message.created_at < now - OPEN_AFTER
    ]

    assert report.created["Fragen"] == len(QUESTIONS) == len(questions)
    assert {q.state for q in questions} == set(QuestionState.values)
    assert len(waiting) >= 2
    assert all(q.solution_id for q in questions if q.state == QuestionState.SOLVED)
    assert min(q.message.created_at for q in questions) < now - dt.timedelta(days=14)
    about = Question.objects.get(article=article)
    assert HelpRequest.objects.get(
        question=about, member=members[("Lea", "Zimmermann")]
    ).reason == (
        "weil Sie den Beitrag „E-Akte im Bürgeramt: in sechs Monaten papierlos“ geschrieben haben"
    )


def test_a_wish_with_votes_is_routed_to_the_member_who_knows(demo_network):
    members, _article = demo_network

    report = _seed()
    wish = LearningWish.objects.get(title=WISH_TITLE)

    assert wish.votes.count() == len(WISH_VOTERS)
    assert wish.created_at < timezone.now() - dt.timedelta(days=2)
    assert HelpRequest.objects.get(wish=wish).member == members["digitaliser"]
    assert report.created["Lernwünsche an Fachleute weitergeleitet"] == 1


def test_seeding_twice_adds_nothing(demo_network, settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000
    _seed()
    before = (Question.objects.count(), LearningWish.objects.count(), HelpRequest.objects.count())

    report = _seed()

    assert (
        Question.objects.count(),
        LearningWish.objects.count(),
        HelpRequest.objects.count(),
    ) == before
    assert report.created == {}
