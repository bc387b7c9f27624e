"""Questions in the search index: found by title, text and solution, with the question page's
address, by the readers of their channel only, and kept in step with their state."""

from __future__ import annotations

import pytest

from discussions.services.channels import channel_join
from discussions.services.messages import message_delete, message_edit, message_post
from discussions.services.questions import question_ask, question_solution_set
from search.api import SearchRequest, search
from search.indexing import database_counts
from search.models import Kind, SearchEntry
from tests.factories import MemberFactory
from tests.search.conftest import refresh_index


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the receivers' deferred work at the end of the block, as a commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def found(text, viewer):
    refresh_index()
    results = search(SearchRequest(text=text), viewer=viewer)
    return {hit.key: hit for hit in results.hits}


def ask(
    world, committed, channel, title="Wie führen wir die E-Akte im Bürgeramt ein?", author=None
):
    with committed():
        return question_ask(
            author=author or world.member,
            channel=channel,
            title=title,
            source="Wir scannen noch jeden Antrag von Hand.",
        )


def test_a_question_is_found_by_its_title_and_leads_to_the_question_page(world, committed):
    question = ask(world, committed, world.open_message.channel)

    hits = found("E-Akte Bürgeramt", MemberFactory())

    hit = hits[f"question:{question.pk}"]
    assert hit.kind == Kind.QUESTION
    assert hit.title == "Wie führen wir die E-Akte im Bürgeramt ein?"
    assert hit.url == f"/austausch/fragen/{question.pk}/"
    assert not SearchEntry.objects.filter(key=f"message:{question.pk}").exists()
    assert database_counts()[Kind.QUESTION] == 1


def test_a_solved_question_is_found_by_its_solution(world, committed):
    question = ask(world, committed, world.open_message.channel)
    helper = MemberFactory()
    with committed():
        channel_join(user=helper, channel=question.message.channel)
        reply = message_post(
            author=helper,
            channel=question.message.channel,
            source="Wir haben mit einem Scan-Dienstleister begonnen.",
            reply_to_id=question.pk,
        )
    assert f"question:{question.pk}" not in found("Dienstleister", world.member)

    with committed():
        question_solution_set(actor=world.member, question=question, reply=reply)
    assert f"question:{question.pk}" in found("Dienstleister", world.member)

    with committed():
        message_edit(editor=helper, message=reply, source="Wir haben eine Poststelle beauftragt.")
    hits = found("Poststelle", world.member)
    assert f"question:{question.pk}" in hits
    assert f"question:{question.pk}" not in found("Dienstleister", world.member)

    with committed():
        message_delete(actor=helper, message=reply)
    assert f"question:{question.pk}" not in found("Poststelle", world.member)


def test_a_question_in_a_private_channel_is_found_by_its_readers_only(world, committed):
    question = ask(
        world,
        committed,
        world.private_channel,
        title="Wie gelingt die Vergabe?",
        author=world.outsider_member,
    )

    assert f"question:{question.pk}" in found("Vergabe gelingt", world.outsider_member)
    assert f"question:{question.pk}" not in found("Vergabe gelingt", world.member)
    assert f"question:{question.pk}" not in found("Vergabe gelingt", world.anonymous)


def test_a_deleted_question_leaves_the_index(world, committed):
    question = ask(world, committed, world.open_message.channel)

    with committed():
        message_delete(actor=world.member, message=question.message)

    assert f"question:{question.pk}" not in found("E-Akte Bürgeramt", world.member)
    assert not SearchEntry.objects.filter(kind=Kind.QUESTION).exists()
