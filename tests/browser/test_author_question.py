""" "Frage an die Autor:innen" in the browser: from the article to the asked question and back,
accessible at each step."""

import pytest
from playwright.sync_api import Page, expect

from discussions.services.channels import channel_create
from hub.models import Topic
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Wie lange lief bei Ihnen der Parallelbetrieb mit Papier?"


def test_a_member_asks_the_authors_from_the_article(page: Page, daphne_server):
    topic = Topic.objects.create(name="E-Akte")
    writer = MemberFactory(first_name="Lea", last_name="Zimmermann")
    member = MemberFactory(first_name="Miriam", last_name="Schulte")
    channel_create(creator=writer, name="E-Akte in der Praxis", topics=[topic])
    article = practice_page_create(
        title="E-Akte im Bürgeramt: in sechs Monaten papierlos", topics=(topic,), authors=(writer,)
    )

    visit(page, daphne_server.url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, daphne_server.url + article.url)
    page.get_by_role("link", name="Frage an die Autor:innen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Frage stellen")
    expect(page.get_by_role("note")).to_contain_text(article.title)
    expect(page.get_by_role("checkbox", name="E-Akte")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Ihre Frage in einem Satz").fill(TITLE)
    page.get_by_label("Beschreibung").fill("Wir planen vier Wochen. Reicht das?")
    page.locator("main form.question-form button[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Bezieht sich auf:")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=article.title).first.click()

    questions = page.get_by_role("region", name="Fragen zu diesem Beitrag")
    expect(questions.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(questions.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)
