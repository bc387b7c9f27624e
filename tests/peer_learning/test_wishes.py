"""Learning wishes ("Lernwünsche"): posting, "+1", the board, offering a course for a wish and
the mail to the wishers once the editors approved it; who may do what; the member's data."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.personal_data import contributors
from experts.models import HelpRequest
from hub.models import Topic
from members.models import Approval
from members.roles import Role
from members.services import member_delete, profile_update
from peer_learning.models import CoursePage, LearningWish, WishFormat, WishVote
from peer_learning.wish_services import wish_create, wish_vote_set
from tests.factories import MemberFactory, totp_activate
from tests.peer_learning.factories import make_session

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_wish(author, title="Bürgerbeteiligung online moderieren", **kwargs):
    kwargs.setdefault("format", WishFormat.ONLINE)
    return wish_create(author=author, title=title, **kwargs)


def vote(client, wish, state="ja"):
    return client.post(reverse("peer_learning:wish_vote", args=[wish.pk]), {"an": state})


def test_visitors_sign_in_and_pending_accounts_are_refused(client):
    wish = make_wish(MemberFactory())
    pending = MemberFactory()
    pending.approval = Approval.PENDING
    pending.save(update_fields=["approval"])

    for url in (reverse("peer_learning:wishes"), reverse("peer_learning:wish_create")):
        assert reverse("account_login") in client.get(url)["Location"]
        assert client_for(pending).get(url).status_code == 403
    assert vote(client_for(pending), wish).status_code == 403
    assert WishVote.objects.count() == 0


def test_a_member_posts_a_wish_and_it_is_on_the_board():
    topic = Topic.objects.create(name="Bürgerbeteiligung")
    client = client_for(MemberFactory(first_name="Anna", last_name="Albers"))

    response = client.post(
        reverse("peer_learning:wish_create"),
        {
            "title": "Bürgerbeteiligung  online moderieren",
            "text": "Wie hält man 80 Leute bei der Stange?",
            "topics": [topic.pk],
            "format": WishFormat.ONLINE,
        },
    )
    wish = LearningWish.objects.get()
    board = client.get(reverse("peer_learning:wishes")).content.decode()

    assert response["Location"].endswith(f"#wunsch-{wish.pk}")
    assert wish.title == "Bürgerbeteiligung online moderieren"
    assert list(wish.topics.all()) == [topic]
    assert "Bürgerbeteiligung online moderieren" in board
    assert "Gewünscht von Anna Albers" in board
    assert "1 Person möchte das lernen" in board


def test_plus_one_is_idempotent_and_can_be_taken_back():
    wish = make_wish(MemberFactory())
    client = client_for(MemberFactory())

    vote(client, wish)
    vote(client, wish)
    assert WishVote.objects.filter(wish=wish).count() == 1
    answer = client.post(
        reverse("peer_learning:wish_vote", args=[wish.pk]),
        {"an": "ja"},
        headers={"X-Requested-With": "fetch"},
    ).json()
    assert answer["pressed"] is True
    assert answer["count_text"] == "2 Personen möchten das lernen"

    vote(client, wish, "nein")
    vote(client, wish, "nein")
    assert WishVote.objects.filter(wish=wish).count() == 0


def test_the_author_cannot_plus_one_their_own_wish():
    author = MemberFactory()
    wish = make_wish(author)

    response = vote(client_for(author), wish)

    assert response.status_code == 302
    assert WishVote.objects.count() == 0


def test_the_board_puts_the_most_wanted_first_then_the_older_and_filters_by_topic():
    topic = Topic.objects.create(name="E-Akte")
    older = make_wish(MemberFactory(), "Aktenplan aufbauen", topics=[topic])
    newer = make_wish(MemberFactory(), "Scannen am Eingang", topics=[topic])
    wanted = make_wish(MemberFactory(), "Barrierefreie PDF-Formulare")
    wish_vote_set(member=MemberFactory(), wish=wanted, voting=True)
    client = client_for(MemberFactory())

    board = client.get(reverse("peer_learning:wishes")).content.decode()
    filtered = client.get(reverse("peer_learning:wishes"), {"topic": "e-akte"}).content.decode()
    newest = client.get(reverse("peer_learning:wishes"), {"order": "neu"}).content.decode()

    positions = [board.index(w.title) for w in (wanted, older, newer)]
    assert positions == sorted(positions)
    assert wanted.title not in filtered and older.title in filtered
    assert newest.index(wanted.title) < newest.index(newer.title) < newest.index(older.title)


def test_members_whose_tags_match_are_told_by_mail_within_the_same_limits(
    django_capture_on_commit_callbacks,
):
    expert = MemberFactory(first_name="Bernd", last_name="Krause")
    profile_update(profile=expert.profile, data={"expertise": ["Bürgerbeteiligung"]})
    author = MemberFactory(first_name="Anna", last_name="Albers")

    with django_capture_on_commit_callbacks(execute=True):
        wish = make_wish(author, "Wie gelingt die Beteiligung der Bürger online?")

    request = HelpRequest.objects.get()
    assert (request.member, request.wish) == (expert, wish)
    assert request.reason == "weil Sie bei „Bürgerbeteiligung“ helfen"
    [message] = mail.outbox
    assert message.to == [expert.email]
    assert "Wir fragen Sie, weil Sie bei „Bürgerbeteiligung“ helfen." in message.body
    assert f"/lernen/anbieten/?wunsch={wish.pk}" in message.body
    board = client_for(expert).get(reverse("peer_learning:wishes")).content.decode()
    assert "Wir fragen Sie, weil Sie bei „Bürgerbeteiligung“ helfen." in board
    assert (
        "Wir fragen Sie"
        not in client_for(author).get(reverse("peer_learning:wishes")).content.decode()
    )


def test_the_board_query_count_does_not_grow_with_wishes():
    topic = Topic.objects.create(name="E-Akte")
    viewer = MemberFactory()
    client = client_for(viewer)

    def board_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("peer_learning:wishes")).status_code == 200
        return len(queries)

    make_wish(MemberFactory(), topics=[topic])
    client.get(reverse("peer_learning:wishes"))
    few = board_queries()
    for n in range(8):
        wish = make_wish(MemberFactory(), f"Wunsch Nummer {n}", topics=[topic])
        wish_vote_set(member=viewer, wish=wish, voting=True)
    assert board_queries() == few


def test_wish_to_offer_to_approved_course_mails_every_wisher_once(
    django_capture_on_commit_callbacks,
):
    topic = Topic.objects.create(name="Bürgerbeteiligung")
    author, fan, other_fan = (MemberFactory() for _ in range(3))
    wish = make_wish(author, text="Mit 80 Leuten, fair und lebendig.", topics=[topic])
    wish_vote_set(member=fan, wish=wish, voting=True)
    wish_vote_set(member=other_fan, wish=wish, voting=True)
    trainer = MemberFactory(roles=(Role.TRAINER,))
    client = client_for(trainer)

    form = client.get(reverse("peer_learning:course_create"), {"wunsch": wish.pk})
    assert form.context["form"].initial["title"] == wish.title
    assert form.context["form"].initial["summary"] == "Mit 80 Leuten, fair und lebendig."
    assert form.context["form"].initial["topics"] == [topic]
    assert "Sie bieten einen Impuls zum Lernwunsch" in form.content.decode()
    response = client.post(
        f"{reverse('peer_learning:course_create')}?wunsch={wish.pk}",
        {
            "title": wish.title,
            "summary": "Werkzeuge und Regeln für große Online-Runden.",
            "description_text": "Aus drei Beteiligungen gelernt.",
            "format": "workshop",
            "duration": "60",
            "level": "einstieg",
            "language": "de",
            "topics": [topic.pk],
            "submit": "1",
        },
    )
    assert response.status_code == 302
    course = CoursePage.objects.get(title=wish.title)
    wish.refresh_from_db()
    assert wish.course == course
    make_session(course)
    wish_vote_set(member=other_fan, wish=wish, voting=False)
    mail.outbox.clear()

    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    with django_capture_on_commit_callbacks(execute=True):
        course.current_workflow_state.current_task_state.specific.approve(user=editor)
    course.refresh_from_db()
    assert course.live

    # Wagtail tells the trainer of the approval; the wishers get one mail each.
    wish_mails = [m for m in mail.outbox if "Ihr Lernwunsch wird erfüllt" in m.subject]
    assert sorted(m.to[0] for m in wish_mails) == sorted([author.email, fan.email])
    body = wish_mails[0].body
    assert wish_mails[0].subject.endswith(f"Ihr Lernwunsch wird erfüllt: {wish.title}")
    assert "Termin:" in body and course.url in body
    board = client_for(fan).get(reverse("peer_learning:wishes")).content.decode()
    assert "Zum Impuls dazu" in board

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision(user=editor).publish()
    assert not [m for m in mail.outbox if "Ihr Lernwunsch wird erfüllt" in m.subject]


def test_wishes_votes_and_requests_are_exported_and_deleted_with_the_account(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory()
    profile_update(profile=member.profile, data={"expertise": ["E-Akte"]})
    own = make_wish(member, "Aktenplan für die E-Akte aufbauen")
    with django_capture_on_commit_callbacks(execute=True):
        other = make_wish(MemberFactory(), "E-Akte im Bürgeramt einführen")
    wish_vote_set(member=member, wish=other, voting=True)

    exports = {c.name: c.export(member) for c in contributors()}
    member_delete(user=member)

    assert exports["learning"]["learning_wishes"][0]["title"] == own.title
    assert exports["learning"]["learning_wish_votes"][0]["wish"] == other.title
    assert exports["experts"]["requests"][0]["learning_wish"] == other.title
    assert not LearningWish.objects.filter(pk=own.pk).exists()
    assert not WishVote.objects.exists() and not HelpRequest.objects.exists()
