"""Mein Kollegium in the browser: the member's sections, accessible, with live unread counts."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from discussions.models import Message, Question
from discussions.services.channels import channel_create, channel_join
from hub.models import Topic
from network.services import follow_set
from peer_learning.services import registration_create
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create
from tests.peer_learning.factories import make_course, make_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_start_page_shows_what_concerns_me_and_counts_live(
    page: Page, browser: Browser, daphne_server
):
    topic = Topic.objects.create(name="E-Akte")
    member = MemberFactory(first_name="Miriam", last_name="Schulte")
    colleague = MemberFactory(first_name="Jana", last_name="Kraft")
    channel = channel_create(creator=colleague, name="E-Akte in der Praxis", topics=[topic])
    channel_join(user=member, channel=channel)
    follow_set(member=member, target=topic, following=True)
    practice_page_create(title="E-Akte im Bürgeramt", topics=(topic,))
    session = make_session(make_course(title="E-Akte in 30 Minuten", topics=[topic]))
    registration_create(session_id=session.pk, user=member)
    # Written straight to the database: the service would announce it live, from inside the
    # browser driver's event loop. Asked by a third member, two days ago.
    asker = MemberFactory(first_name="Tom", last_name="Berg")
    channel_join(user=asker, channel=channel)
    asked = Message.objects.create(
        channel=channel, author=asker, source="Wie sind Sie vorgegangen?", html="<p>Wie?</p>"
    )
    Message.objects.filter(pk=asked.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    question = Question.objects.create(message=asked, title="Wer scannt Altakten schon komplett?")
    question.topics.set([topic])

    visit(page, daphne_server.url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, daphne_server.url + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Kollegium")
    expect(page.get_by_text("Willkommen zurück, Miriam Schulte")).to_be_visible()
    for title in (
        "Fragen, bei denen Sie helfen können",
        "Neue Praxisbeispiele in dem, was Sie verfolgen",
        "Meine nächsten Termine",
        "Meine Kanäle",
    ):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("link", name="Wer scannt Altakten schon komplett?")).to_be_visible()
    channels = page.get_by_role("complementary", name="Meine Termine und Kanäle")
    link = channels.get_by_role("link", name="# E-Akte in der Praxis")
    expect(link).to_be_visible()
    assert_accessible(page)

    # A colleague writes in the channel: the count on the start page goes up without a reload.
    writer = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    other = writer.new_page()
    other.goto(daphne_server.url + "/konto/login/")
    submit_login(other, colleague.email, TEST_PASSWORD)
    other.goto(daphne_server.url + f"/austausch/{channel.slug}/")
    other.get_by_label("Ihre Nachricht").fill("Wir haben mit dem Bürgeramt angefangen.")
    other.get_by_role("button", name="Senden").click()
    expect(link.locator("[data-unread]")).to_contain_text("1")
    expect(link.locator("[data-unread]")).to_be_visible()
    writer.close()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Kollegium")
    assert_accessible(page)
