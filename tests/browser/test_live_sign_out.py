"""Signing out in one tab ends the live connection of the others, and they say so (issue 19,
finding 1): the open channel page shows "Sie wurden abgemeldet" and keeps working as a plain
page."""

import pytest
from playwright.sync_api import Browser, expect

from discussions.models import Message
from discussions.services.channels import channel_create
from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_discussion_journey import signed_in_page
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_signing_out_in_another_tab_ends_the_live_channel_page(browser: Browser, daphne_server):
    anna = MemberFactory(first_name="Anna", last_name="Albers")
    channel = channel_create(creator=anna, name="E-Akte in der Praxis", description="Scannen")
    channel_page = signed_in_page(browser, daphne_server.url, anna.email)
    visit(channel_page, f"{daphne_server.url}/austausch/{channel.slug}/")
    expect(channel_page.locator("#presence")).to_contain_text("Anna Albers")

    other_tab = channel_page.context.new_page()
    visit(other_tab, daphne_server.url + "/")
    other_tab.get_by_role("button", name="Abmelden").click()

    notice = channel_page.locator("#live-signed-out")
    expect(notice).to_contain_text("Sie wurden abgemeldet.")
    expect(channel_page.locator("#live-announcer")).to_contain_text("Sie wurden abgemeldet.")
    expect(notice.get_by_role("link", name="Erneut anmelden")).to_have_attribute(
        "href", f"/konto/login/?next=%2Faustausch%2F{channel.slug}%2F"
    )
    assert_accessible(channel_page)

    # Without the socket the form posts as a plain form, which asks for a new sign-in.
    channel_page.get_by_label("Ihre Nachricht").fill("Noch jemand da?")
    channel_page.get_by_role("button", name="Senden").click()

    expect(channel_page.get_by_label("Passwort")).to_be_visible()
    assert not Message.objects.exists()
