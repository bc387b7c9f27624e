"""A member finds an article helpful and keeps it on the Merkliste, with and without script."""

import pytest
from playwright.sync_api import Browser, Page, expect

from hub.models import HelpfulMark
from network.models import Bookmark
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_toggles_change_in_place_and_the_merkliste_lists_the_article(
    page: Page, browser: Browser, daphne_server
):
    article = practice_page_create(title="E-Akte im Bürgeramt")
    member = MemberFactory(first_name="Miriam", last_name="Schulte")

    visit(page, daphne_server.url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, daphne_server.url + article.url)
    helpful = page.get_by_role("button", name="Hilfreich")
    expect(helpful).to_have_attribute("aria-pressed", "false")

    helpful.click()

    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("1 Mitglied fand das hilfreich")).to_be_visible()
    expect(helpful).to_be_focused()
    assert HelpfulMark.objects.filter(member=member, page=article).exists()
    assert_accessible(page)

    keep = page.get_by_role("button", name="Merken")
    keep.click()
    expect(keep).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Merkliste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merkliste")
    expect(page.get_by_role("link", name="E-Akte im Bürgeramt")).to_be_visible()
    assert_accessible(page)

    # Without script the same form posts and comes back to the page.
    context = browser.new_context(
        locale="de-DE", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    plain = context.new_page()
    plain.goto(daphne_server.url + "/konto/login/")
    submit_login(plain, member.email, TEST_PASSWORD)
    plain.goto(daphne_server.url + "/netzwerk/merkliste/")
    plain.get_by_role("button", name="Entfernen").click()
    expect(plain.get_by_text("Von Ihrer Merkliste entfernt.")).to_be_visible()
    expect(plain.get_by_text("Ihre Merkliste ist leer.", exact=False)).to_be_visible()
    assert not Bookmark.objects.exists()
    context.close()
