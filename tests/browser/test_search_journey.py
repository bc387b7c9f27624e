"""A newcomer finds a practice example by searching, narrows the results by topic and opens
it; a member finds a message from their channel but not one from a private channel."""

import re

import pytest
from playwright.sync_api import Page, expect

from discussions.models import ChannelVisibility, Message
from discussions.services.channels import channel_create
from hub.models import Topic
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def post(author, channel, text):
    """Messages straight into the table: the posting service would broadcast through the
    channel layer, which cannot run inside Playwright's event loop."""
    Message.objects.create(author=author, channel=channel, source=text, html=f"<p>{text}</p>")


def test_newcomer_finds_practice_and_member_finds_only_readable_messages(page: Page, daphne_server):
    participation = Topic.objects.create(name="Bürgerbeteiligung")
    finance = Topic.objects.create(name="Haushalt")
    practice_page_create(
        title="Bürgerbeteiligung in der Kommune",
        summary="Wie Kommunen ihre Einwohnerinnen und Einwohner früh einbinden.",
        body=[("paragraph", "<p>Die Beteiligung begann mit einem Bürgerhaushalt.</p>")],
        topics=(participation,),
        administration_level="kommune",
    )
    practice_page_create(
        title="Haushaltsplanung mit Beteiligung",
        summary="Kommunen beraten den Haushalt öffentlich.",
        body=[("paragraph", "<p>Beteiligung am Haushalt in drei Schritten.</p>")],
        topics=(finance,),
        administration_level="kommune",
    )
    member = MemberFactory(first_name="Mara", last_name="Kanal")
    other = MemberFactory(first_name="Olaf", last_name="Anders")
    open_channel = channel_create(creator=member, name="Beteiligung vor Ort")
    post(member, open_channel, "Unser Planungszellen-Tag war voll.")
    private_channel = channel_create(
        creator=other, name="Leitungsrunde", visibility=ChannelVisibility.PRIVATE
    )
    post(other, private_channel, "Planungszellen intern bewerten.")

    visit(page, daphne_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Suche").click()
    assert_accessible(page)
    search_field = page.get_by_role("combobox", name="Suchbegriff")
    search_field.press_sequentially("Bürgerbet", delay=40)
    expect(
        page.get_by_role("option", name=re.compile("Bürgerbeteiligung in der Kommune"))
    ).to_be_visible()
    assert_accessible(page)
    search_field.fill("Beteiligung Kommunen")
    page.get_by_role("button", name="Suchen").click()

    expect(page.get_by_role("heading", name="2 Treffer")).to_be_visible()
    first = page.locator(".search-hit").first
    expect(first.get_by_role("link")).to_have_text("Bürgerbeteiligung in der Kommune")
    expect(first.locator("mark").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("group", name="Thema").get_by_label(re.compile(r"^Bürgerbeteiligung")).check()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.get_by_role("heading", name="1 Treffer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Bürgerbeteiligung in der Kommune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bürgerbeteiligung in der Kommune")

    visit(page, daphne_server.url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, daphne_server.url + "/suche/")
    page.get_by_role("combobox", name="Suchbegriff").fill("Planungszellen")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("link", name="Mara Kanal in #Beteiligung vor Ort")).to_be_visible()
    expect(page.get_by_text("Tag war voll")).to_be_visible()
    expect(page.get_by_text("intern bewerten")).to_have_count(0)
    expect(page.get_by_text("Leitungsrunde")).to_have_count(0)
    assert_accessible(page)


# Sums the layout shifts of the page as Lighthouse counts them (not those right after input).
LAYOUT_SHIFT_OBSERVER = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


def test_facets_fold_behind_filter_on_phones_without_shifting_the_page(browser, daphne_server):
    topic = Topic.objects.create(name="Bürgerbeteiligung")
    practice_page_create(
        title="Bürgerbeteiligung in der Kommune",
        summary="Wie Kommunen ihre Einwohnerinnen und Einwohner früh einbinden.",
        body=[("paragraph", "<p>Die Beteiligung begann mit einem Bürgerhaushalt.</p>")],
        topics=(topic,),
        administration_level="kommune",
    )
    url = daphne_server.url + "/suche/?q=B%C3%BCrgerbeteiligung"
    facets_title = "Ergebnisse eingrenzen"

    phone = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.add_init_script(LAYOUT_SHIFT_OBSERVER)
    visit(page, url)
    filter_toggle = page.locator("summary", has_text="Filter")
    expect(filter_toggle).to_be_visible()
    expect(page.get_by_role("heading", name=facets_title)).to_be_hidden()
    page.wait_for_timeout(500)
    assert page.evaluate("window.layoutShift") < 0.01
    filter_toggle.click()
    expect(page.get_by_role("heading", name=facets_title)).to_be_visible()
    assert_accessible(page)
    phone.close()

    wide = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = wide.new_page()
    visit(page, url)
    expect(page.get_by_role("heading", name=facets_title)).to_be_visible()
    expect(page.locator("summary", has_text="Filter")).to_be_hidden()
    wide.close()
