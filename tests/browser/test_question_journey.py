"""A member asks a question, a colleague answers, the asker marks the answer as the solution;
the channel page of the one who answered follows live. Every page passes axe, strictly."""

import pytest
from playwright.sync_api import Browser, Page, expect

from discussions.models import Question, QuestionState
from discussions.services.channels import channel_create, channel_join
from hub.models import Topic
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Wie haben Sie die E-Akte im Bürgeramt eingeführt?"


def signed_in_page(browser: Browser, base_url: str, email: str, width: int = 1366) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/konto/login/?next=/austausch/fragen/")
    submit_login(page, email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Fragen", exact=True)).to_be_visible()
    return page


def test_ask_answer_and_mark_the_solution(browser: Browser, daphne_server):
    anna = MemberFactory(first_name="Anna", last_name="Albers")
    ben = MemberFactory(first_name="Ben", last_name="Brandt")
    e_akte = Topic.objects.create(name="E-Akte")
    channel_create(creator=ben, name="Allgemeines")
    channel = channel_create(creator=ben, name="E-Akte in der Praxis")
    channel.topics.set([e_akte])
    channel_join(user=anna, channel=channel)
    base = daphne_server.url

    asker = signed_in_page(browser, base, anna.email)
    assert_accessible(asker)
    asker.get_by_role("link", name="Frage stellen").click()
    assert_accessible(asker)
    asker.get_by_label("Ihre Frage in einem Satz").fill(TITLE)
    asker.get_by_label("Beschreibung").fill("Wir stellen im **Frühjahr** um. Was hat geholfen?")
    asker.get_by_label("E-Akte").check()
    # The topic chose the channel that shares it.
    expect(asker.get_by_label("Kanal")).to_have_value(str(channel.pk))
    asker.get_by_role("button", name="Frage stellen").click()
    expect(asker.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(asker.locator(".question-head .question-state")).to_have_text("Offen")
    assert_accessible(asker)
    question = Question.objects.get()

    # The colleague reads the channel live and answers on the question page.
    helper = signed_in_page(browser, base, ben.email, width=390)
    visit(helper, f"{base}/austausch/{channel.slug}/")
    asked = helper.locator(f"#nachricht-{question.pk}")
    expect(asked.get_by_role("link", name=TITLE)).to_be_visible()
    visit(asker, f"{base}/austausch/{channel.slug}/")
    helper.goto(f"{base}/austausch/fragen/{question.pk}/")
    assert_accessible(helper)
    helper.get_by_role("button", name="Ich kann hier helfen").click()
    expect(helper.get_by_role("button", name="Nicht mehr benachrichtigen")).to_be_visible()
    helper.get_by_label("Ihre Nachricht").fill(
        "Nur laufende Vorgänge scannen, den Rest bei Bedarf."
    )
    helper.get_by_role("button", name="Antwort senden").click()
    answer = helper.locator(".discussion-message", has_text="Nur laufende Vorgänge")
    expect(answer).to_be_visible()
    assert_accessible(helper)

    # The asker's channel page shows the answer live, with the button only the asker gets.
    live_answer = asker.locator(".discussion-message", has_text="Nur laufende Vorgänge")
    expect(live_answer).to_be_visible()
    expect(asker.locator(f"#nachricht-{question.pk} .question-state")).to_have_text("Beantwortet")
    visit(helper, f"{base}/austausch/{channel.slug}/")
    live_answer.get_by_role("button", name="Als Lösung markieren").click()

    expect(asker.get_by_role("heading", name="Lösung", exact=True)).to_be_visible()
    expect(asker.locator(".question-solution")).to_contain_text("Nur laufende Vorgänge")
    expect(asker.locator(".question-head .question-state")).to_have_text("Gelöst")
    assert_accessible(asker)
    # The colleague's open channel page follows without a reload.
    expect(helper.locator(f"#nachricht-{question.pk} .question-state")).to_have_text("Gelöst")
    expect(
        helper.locator(".discussion-message--solution", has_text="Nur laufende Vorgänge")
    ).to_be_visible()
    assert_accessible(helper)
    assert Question.objects.get().state == QuestionState.SOLVED

    visit(asker, f"{base}/austausch/fragen/?state=solved")
    expect(asker.get_by_role("link", name=TITLE)).to_be_visible()
