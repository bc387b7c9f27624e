"""Questions with answers: asking, the states, marking the solution, who may see and do what,
the list, "Ich kann hier helfen", the draft article and the member's data."""

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.fanout import channel_layer
from core.personal_data import contributors
from core.realtime import discussion_group
from discussions.models import (
    Notification,
    NotificationKind,
    Question,
    QuestionHelper,
    QuestionState,
)
from discussions.selectors import (
    QUESTION_ORDER_UNANSWERED,
    QuestionFilters,
    question_list,
    questions_for_search,
)
from discussions.services.channels import (
    channel_create,
    channel_invite,
    channel_join,
    channel_leave,
)
from discussions.services.messages import message_delete, message_post
from discussions.services.moderation import message_hide
from discussions.services.practice import practice_draft_from_thread
from discussions.services.questions import (
    question_ask,
    question_help_set,
    question_solution_set,
)
from hub.models import PracticePage, Topic
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

TITLE = "Wie haben Sie die E-Akte im Bürgeramt eingeführt?"


@pytest.fixture(autouse=True)
def generous_post_limit(settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000


@pytest.fixture
def moderator(db):
    user = MemberFactory(first_name="Julia", last_name="Richter", roles=(Role.MODERATOR,))
    totp_activate(user)
    return user


@pytest.fixture
def e_akte():
    return Topic.objects.create(name="E-Akte")


@pytest.fixture
def question(open_channel, author, e_akte):
    open_channel.topics.set([e_akte])
    return question_ask(
        author=author, channel=open_channel, title=TITLE, source="Wir starten im **Frühjahr**."
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reply(user, question, text="Mit einer Scananweisung."):
    return message_post(
        author=user, channel=question.message.channel, source=text, reply_to_id=question.pk
    )


def refreshed(question):
    return Question.objects.get(pk=question.pk)


# Asking


def test_a_question_is_a_rendered_thread_start_with_the_channels_topics(question, author, e_akte):
    assert question.state == QuestionState.OPEN
    assert question.message.author == author
    assert question.message.reply_to is None
    assert "<strong>Frühjahr</strong>" in question.message.html
    assert list(question.topics.all()) == [e_akte]


def test_asking_in_an_open_channel_joins_it_but_not_a_private_one(
    open_channel, private_channel, outsider
):
    question = question_ask(author=outsider, channel=open_channel, title=TITLE, source="Text")
    assert question.message.channel == open_channel

    with pytest.raises(PermissionDenied):
        question_ask(author=outsider, channel=private_channel, title=TITLE, source="Text")
    assert Question.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("   ", "Bitte geben Sie Ihrer Frage einen Titel."),
        ("E-Akte?", "Der Titel ist zu kurz"),
        ("x" * 201, "Der Titel ist zu lang: höchstens 200 Zeichen, Ihrer hat 201."),
    ],
)
def test_bad_titles_are_refused_in_german_and_nothing_is_stored(
    open_channel, author, title, expected
):
    with pytest.raises(ValidationError) as error:
        question_ask(author=author, channel=open_channel, title=title, source="Text")

    assert expected in " ".join(error.value.message_dict["title"])
    assert not Question.objects.exists()
    assert not open_channel.messages.exists()


def test_the_ask_page_posts_the_question_in_the_suggested_channel(open_channel, outsider, e_akte):
    open_channel.topics.set([e_akte])
    channel_create(creator=outsider, name="Allgemeines")
    client = client_for(outsider)

    page = client.get(reverse("discussions:question_ask") + "?thema=e-akte")
    assert page.status_code == 200
    assert page.context["form"].initial["channel"] == open_channel

    # Without a chosen channel (no script), the topics pick it.
    response = client.post(
        reverse("discussions:question_ask"),
        {"title": TITLE, "body": "Wer hat Erfahrung?", "topics": [e_akte.pk], "channel": ""},
    )

    question = Question.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("discussions:question", args=[question.pk])
    assert question.message.channel == open_channel
    assert list(question.topics.all()) == [e_akte]


def test_the_ask_page_refuses_bad_input_in_german(private_channel, open_channel, outsider):
    client = client_for(outsider)

    response = client.post(
        reverse("discussions:question_ask"),
        {"title": "", "body": "", "channel": private_channel.pk},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["Bitte geben Sie Ihrer Frage einen Titel."]
    assert errors["body"] == ["Bitte beschreiben Sie Ihre Frage."]
    assert errors["channel"] == ["In diesem Kanal können Sie keine Frage stellen."]

    response = client.post(
        reverse("discussions:question_ask"), {"title": TITLE, "body": "Text", "channel": ""}
    )
    assert response.context["form"].errors["channel"] == ["Bitte wählen Sie einen Kanal."]
    assert not Question.objects.exists()


def test_the_channel_composer_asks_a_question_with_a_title(open_channel, reader):
    client = client_for(reader)
    url = reverse("discussions:post", args=[open_channel.slug])

    missing = client.post(url, {"body": "Wie geht das?", "is_question": "on", "title": ""})
    assert missing.status_code == 400
    assert "Bitte geben Sie Ihrer Frage einen Titel." in missing.content.decode()

    root = message_post(author=reader, channel=open_channel, source="Start")
    as_reply = client.post(
        url, {"body": "Und?", "is_question": "on", "title": TITLE, "reply_to": root.pk}
    )
    assert as_reply.status_code == 400
    assert "Eine Antwort kann keine eigene Frage sein." in as_reply.content.decode()

    response = client.post(url, {"body": "Wie geht das?", "is_question": "on", "title": TITLE})
    question = Question.objects.get()
    assert response.status_code == 302
    assert question.title == TITLE
    assert question.message.source == "Wie geht das?"

    # A plain message ignores a title typed and left behind.
    client.post(url, {"body": "Nur eine Nachricht", "title": "Überbleibsel"})
    assert Question.objects.count() == 1


# States


def test_the_state_follows_replies_and_the_marked_solution(question, author, reader):
    reply(author, question, "Nachtrag von mir")
    assert refreshed(question).state == QuestionState.OPEN

    answer = reply(reader, question)
    assert refreshed(question).state == QuestionState.ANSWERED
    assert refreshed(question).answered_at is not None

    question_solution_set(actor=author, question=question, reply=answer)
    solved = refreshed(question)
    assert solved.state == QuestionState.SOLVED
    assert (solved.solution, solved.solved_by) == (answer, author)
    assert solved.solved_at is not None

    question_solution_set(actor=author, question=question, reply=None)
    unmarked = refreshed(question)
    assert unmarked.state == QuestionState.ANSWERED
    assert (unmarked.solution, unmarked.solved_by, unmarked.solved_at) == (None, None, None)


def test_the_author_of_the_solution_is_notified_unless_they_marked_it(question, author, reader):
    answer = reply(reader, question)
    own = reply(author, question, "Selbst gelöst.")

    question_solution_set(actor=author, question=question, reply=answer)
    question_solution_set(actor=author, question=question, reply=own)

    note = Notification.objects.get(kind=NotificationKind.SOLUTION)
    assert (note.recipient, note.message) == (reader, answer)
    page = client_for(reader).get(reverse("discussions:notifications"))
    assert "ist als Lösung der Frage markiert." in page.content.decode()


def test_the_solution_can_be_changed_and_the_asker_may_mark_their_own_reply(
    question, author, reader
):
    first = reply(reader, question)
    own = reply(author, question, "So haben wir es am Ende gemacht.")

    question_solution_set(actor=author, question=question, reply=first)
    question_solution_set(actor=author, question=question, reply=own)

    assert refreshed(question).solution == own


@pytest.mark.parametrize("removal", ["delete", "hide"])
def test_a_deleted_or_hidden_solution_is_unmarked(question, author, reader, moderator, removal):
    answer = reply(reader, question)
    question_solution_set(actor=author, question=question, reply=answer)

    if removal == "delete":
        message_delete(actor=reader, message=answer)
    else:
        message_hide(moderator=moderator, message=answer)

    assert refreshed(question).state == QuestionState.ANSWERED
    assert refreshed(question).solution is None
    with pytest.raises(ValidationError, match="gelöscht oder ausgeblendet"):
        question_solution_set(actor=author, question=question, reply=answer)


def test_marking_a_solution_updates_open_channel_tabs(
    question, author, reader, django_capture_on_commit_callbacks
):
    answer = reply(reader, question)
    layer = channel_layer()
    tab = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(discussion_group(question.message.channel_id), tab)

    with django_capture_on_commit_callbacks(execute=True):
        question_solution_set(actor=author, question=question, reply=answer)

    event = async_to_sync(layer.receive)(tab)
    while event.get("payload", event).get("type") != "question.changed":
        event = async_to_sync(layer.receive)(tab)
    payload = event.get("payload", event)
    markup = {message["id"]: message["markup"] for message in payload["messages"]}
    assert set(markup) == {question.pk, answer.pk}
    assert "Gelöst" in markup[question.pk]
    assert "discussion-message--solution" in markup[answer.pk]


# Permissions


def test_only_the_asker_and_the_moderation_mark_solutions(question, author, reader, moderator):
    answer = reply(reader, question)

    with pytest.raises(PermissionDenied, match="Nur wer die Frage gestellt hat"):
        question_solution_set(actor=reader, question=question, reply=answer)
    response = client_for(reader).post(
        reverse("discussions:question_solution", args=[question.pk]), {"reply": answer.pk}
    )
    assert response.status_code == 403
    assert refreshed(question).solution is None

    question_solution_set(actor=moderator, question=question, reply=answer)
    assert refreshed(question).solved_by == moderator


def test_a_reply_from_another_thread_cannot_be_the_solution(question, open_channel, author, reader):
    other_root = message_post(author=reader, channel=open_channel, source="Anderes Thema")
    elsewhere = message_post(
        author=reader, channel=open_channel, source="Antwort dort", reply_to_id=other_root.pk
    )

    with pytest.raises(ValidationError, match="Diese Antwort gehört nicht zu dieser Frage"):
        question_solution_set(actor=author, question=question, reply=elsewhere)
    with pytest.raises(ValidationError, match="Diese Antwort gehört nicht zu dieser Frage"):
        question_solution_set(actor=author, question=question, reply=question.message)

    other_channel = channel_create(creator=reader, name="Anderer Kanal")
    foreign = message_post(author=reader, channel=other_channel, source="Woanders")
    response = client_for(author).post(
        reverse("discussions:question_solution", args=[question.pk]), {"reply": foreign.pk}
    )
    assert response.status_code == 302
    assert refreshed(question).solution is None


def test_private_channel_questions_are_closed_to_non_readers(private_channel, author, outsider):
    question = question_ask(author=author, channel=private_channel, title=TITLE, source="Intern")
    client = client_for(outsider)

    assert client.get(reverse("discussions:question", args=[question.pk])).status_code == 404
    for name, data in (
        ("discussions:question_solution", {"reply": ""}),
        ("discussions:question_help", {}),
        ("discussions:question_reply", {"body": "Hallo"}),
    ):
        assert client.post(reverse(name, args=[question.pk]), data).status_code == 404
    assert not question_list(viewer=outsider, filters=QuestionFilters()).exists()
    with pytest.raises(PermissionDenied):
        question_solution_set(actor=outsider, question=question, reply=None)
    with pytest.raises(PermissionDenied):
        question_help_set(user=outsider, question=question, helping=True)
    ask_page = client.get(reverse("discussions:question_ask"))
    assert private_channel not in ask_page.context["form"].fields["channel"].queryset


def test_a_deleted_question_leaves_the_list_and_its_page(question, author, reader):
    message_delete(actor=author, message=question.message)

    assert not question_list(viewer=reader, filters=QuestionFilters()).exists()
    assert not questions_for_search().exists()
    response = client_for(reader).get(reverse("discussions:question", args=[question.pk]))
    assert response.status_code == 404


# The list


def test_the_list_filters_by_state_and_topic_and_sorts_unanswered_first(
    open_channel, author, reader, e_akte
):
    other = Topic.objects.create(name="Vergabe")
    solved = question_ask(author=author, channel=open_channel, title=f"{TITLE} 1", source="a")
    question_solution_set(actor=author, question=solved, reply=reply(reader, solved))
    answered = question_ask(
        author=author, channel=open_channel, title=f"{TITLE} 2", source="b", topics=[e_akte]
    )
    reply(reader, answered)
    open_question = question_ask(
        author=author, channel=open_channel, title=f"{TITLE} 3", source="c", topics=[other]
    )
    newest = question_ask(author=reader, channel=open_channel, title=f"{TITLE} 4", source="d")
    reply(author, newest)
    question_solution_set(actor=reader, question=newest, reply=newest.message.replies.get())

    def listed(**filters):
        return list(question_list(viewer=reader, filters=QuestionFilters(**filters)))

    assert listed() == [newest, open_question, answered, solved]
    assert listed(state=QuestionState.SOLVED) == [newest, solved]
    assert listed(state=QuestionState.OPEN) == [open_question]
    assert listed(topic=e_akte) == [answered]
    assert listed(order=QUESTION_ORDER_UNANSWERED) == [open_question, answered, newest, solved]

    page = client_for(reader).get(reverse("discussions:questions"), {"stand": "x"})
    assert page.status_code == 200
    response = client_for(reader).get(
        reverse("discussions:questions"), {"state": "solved", "topic": "gibt-es-nicht"}
    )
    assert response.context["form"].errors["topic"] == ["Dieses Thema gibt es nicht."]
    filtered = client_for(reader).get(
        reverse("discussions:questions"), {"state": "open", "order": "unbeantwortet"}
    )
    assert [card.question for card in filtered.context["cards"]] == [open_question]
    assert [card.reply_count for card in filtered.context["cards"]] == [0]


def test_the_list_query_count_does_not_grow_with_questions(
    open_channel, author, reader, e_akte, django_assert_max_num_queries
):
    for number in range(15):
        question = question_ask(
            author=author,
            channel=open_channel,
            title=f"{TITLE} ({number})",
            source="Text",
            topics=[e_akte],
        )
        reply(reader, question)
    client = client_for(reader)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("discussions:questions"))
    assert len(response.context["cards"]) == 15
    with django_assert_max_num_queries(10):
        client.get(reverse("discussions:questions"), {"state": "answered", "topic": "e-akte"})


# Pages


def test_members_find_the_questions_in_the_navigation_and_visitors_do_not(client, reader):
    questions_url = reverse("discussions:questions")
    home = client.get("/")
    assert f'href="{questions_url}"' not in home.content.decode()
    assert client.get(questions_url).status_code == 302

    page = client_for(reader).get(questions_url)
    navigation = [(item.url, item.is_current) for item in page.context["navigation_items"]]
    assert (questions_url, True) in navigation
    assert (reverse("discussions:index"), False) in navigation


def test_the_question_page_shows_the_solution_under_the_question(question, author, reader):
    answer = reply(reader, question, "Wir haben zentral gescannt.")
    reply(author, question, "Danke!")
    question_solution_set(actor=author, question=question, reply=answer)

    page = client_for(reader).get(reverse("discussions:question", args=[question.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert html.index(TITLE) < html.index("loesung-titel") < html.index("Wir haben zentral")
    assert html.index("Wir haben zentral") < html.index("antworten-titel")
    assert html.count("Wir haben zentral gescannt.") == 1
    assert "Als Lösung markieren" not in html  # only for the asker and the moderation
    asker_page = client_for(author).get(reverse("discussions:question", args=[question.pk]))
    assert "Markierung als Lösung aufheben" in asker_page.content.decode()


def test_the_question_page_query_count_does_not_grow_with_replies(
    question, author, reader, django_assert_max_num_queries
):
    for number in range(20):
        reply(reader if number % 2 else author, question, f"Antwort {number}")
    question_solution_set(actor=author, question=question, reply=question.message.replies.last())

    client = client_for(reader)
    client.get(reverse("discussions:questions"))
    # The similar solutions below the question are kept per content generation: searched once.
    client.get(reverse("discussions:question", args=[question.pk]))

    with django_assert_max_num_queries(18):
        response = client.get(reverse("discussions:question", args=[question.pk]))
    assert len(response.context["view"].replies) == 20


def test_replies_from_the_question_page_and_marking_by_form(question, author, reader):
    client = client_for(reader)
    empty = client.post(reverse("discussions:question_reply", args=[question.pk]), {"body": ""})
    assert empty.status_code == 400
    assert "Bitte schreiben Sie eine Nachricht." in empty.content.decode()

    response = client.post(
        reverse("discussions:question_reply", args=[question.pk]), {"body": "So geht es."}
    )
    answer = question.message.replies.get()
    assert response.headers["Location"].endswith(f"#nachricht-{answer.pk}")

    client_for(author).post(
        reverse("discussions:question_solution", args=[question.pk]), {"reply": answer.pk}
    )
    assert refreshed(question).solution == answer


# "Ich kann hier helfen"


def test_helpers_are_notified_of_replies_while_they_may_read(
    private_channel, author, reader, outsider
):
    channel_invite(inviter=author, channel=private_channel, invitee=reader)
    channel_join(user=reader, channel=private_channel)
    question = question_ask(author=author, channel=private_channel, title=TITLE, source="Intern")
    question_help_set(user=reader, question=question, helping=True)
    question_help_set(user=reader, question=question, helping=True)
    assert QuestionHelper.objects.count() == 1

    answer = message_post(
        author=author, channel=private_channel, source="Nachtrag", reply_to_id=question.pk
    )
    note = Notification.objects.get(recipient=reader)
    assert (note.kind, note.message) == (NotificationKind.QUESTION_REPLY, answer)
    notifications = client_for(reader).get(reverse("discussions:notifications"))
    assert "auf eine Frage geantwortet, bei der Sie helfen" in notifications.content.decode()

    channel_leave(user=reader, channel=private_channel)
    message_post(author=author, channel=private_channel, source="Noch was", reply_to_id=question.pk)
    assert Notification.objects.filter(recipient=reader).count() == 1


def test_helping_is_for_others_and_can_be_withdrawn(question, author, reader):
    with pytest.raises(ValidationError, match="ohnehin benachrichtigt"):
        question_help_set(user=author, question=question, helping=True)

    client = client_for(reader)
    client.post(reverse("discussions:question_help", args=[question.pk]))
    assert QuestionHelper.objects.filter(user=reader).exists()
    client.post(reverse("discussions:question_help", args=[question.pk]), {"helfen": "nein"})
    assert not QuestionHelper.objects.exists()


# The draft article


def test_an_editor_turns_a_solved_question_into_a_draft_with_the_solution_first(
    question, author, reader, e_akte
):
    editor = MemberFactory(first_name="Anna", last_name="Lehmann", roles=(Role.EDITOR,))
    totp_activate(editor)
    first = reply(reader, question, "Erst einmal: Bestand sichten.")
    solution = reply(reader, question, "Nur laufende Vorgänge scannen.")
    question_solution_set(actor=author, question=question, reply=solution)

    response = client_for(editor).post(
        reverse("discussions:thread_to_practice", args=[question.pk])
    )

    page = PracticePage.objects.get()
    assert response.status_code == 302
    assert page.title == TITLE
    assert list(page.topics.all()) == [e_akte]
    quotes = [block.value["text"] for block in page.body if block.block_type == "quote"]
    assert quotes == [question.message.source, solution.source, first.source]
    with pytest.raises(PermissionDenied):
        practice_draft_from_thread(root=question.message, user=reader, thread_url="/")


# Personal data


def test_questions_and_offers_to_help_are_exported_and_offers_erased(question, author, reader):
    answer = reply(reader, question)
    question_solution_set(actor=author, question=question, reply=answer)
    question_help_set(user=reader, question=question, helping=True)

    contributor = {c.name: c for c in contributors()}["discussions"]
    author_export = contributor.export(author)
    assert author_export["questions"] == [
        {
            "message": question.pk,
            "title": TITLE,
            "topics": ["E-Akte"],
            "state": "solved",
            "solution": answer.pk,
            "solved_at": refreshed(question).solved_at.isoformat(),
            "about_article": None,
        }
    ]
    assert author_export["solutions_marked"][0]["solution"] == answer.pk
    reader_export = contributor.export(reader)
    assert reader_export["questions_helping"][0]["question"] == question.pk

    contributor.erase(reader)
    contributor.erase(author)
    assert not QuestionHelper.objects.exists()
    kept = refreshed(question)
    assert (kept.title, kept.solution, kept.solved_by) == (TITLE, answer, None)
