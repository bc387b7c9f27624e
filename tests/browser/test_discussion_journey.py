"""Two members talk live in a channel, in two browser contexts; a third works without
JavaScript through the plain forms."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from discussions.models import Message
from discussions.services.channels import channel_create, channel_join
from members.roles import Role
from network.models import Bookmark
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in_page(browser: Browser, base_url: str, email: str, *, javascript: bool = True) -> Page:
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1366, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(base_url + "/konto/login/?next=/austausch/")
    submit_login(page, email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Austausch", exact=True)).to_be_visible()
    return page


def test_two_members_talk_live_and_the_page_works_without_javascript(
    browser: Browser, daphne_server
):
    anna = MemberFactory(first_name="Anna", last_name="Albers")
    ben = MemberFactory(first_name="Ben", last_name="Brandt")
    clara = MemberFactory(first_name="Clara", last_name="Conrad")
    channel = channel_create(creator=anna, name="E-Akte in der Praxis", description="Scannen")
    channel_join(user=ben, channel=channel)
    channel_url = f"{daphne_server.url}/austausch/{channel.slug}/"

    first = signed_in_page(browser, daphne_server.url, anna.email)
    second = signed_in_page(browser, daphne_server.url, ben.email)
    assert_accessible(first)
    visit(first, channel_url)
    visit(second, channel_url)
    expect(first.locator("#presence")).to_contain_text("Ben Brandt")

    first.get_by_label("Ihre Nachricht").fill("Wie scannt ihr **Altakten**?")
    first.get_by_role("button", name="Senden").click()

    live = second.locator(".discussion-message", has_text="Wie scannt ihr Altakten?")
    expect(live).to_be_visible()
    expect(live.locator("strong")).to_have_text("Altakten")
    expect(live.locator(".avatar")).to_have_text("AA")
    expect(second.locator("#live-announcer")).to_contain_text("Neue Nachricht von Anna Albers")
    # The live message offers "Merken" at once, and it works without a reload.
    keep = live.get_by_role("button", name="Merken")
    keep.click()
    expect(keep).to_have_attribute("aria-pressed", "true")
    assert Bookmark.objects.filter(member=ben).count() == 1
    expect(first.get_by_label("Ihre Nachricht")).to_have_value("")
    expect(first.locator(".discussion-message", has_text="Altakten")).to_have_count(1)
    assert_accessible(second)

    second.get_by_label("Ihre Nachricht").press_sequentially("Nur laufende")
    expect(first.locator("#typing")).to_contain_text("Ben Brandt schreibt")
    second.get_by_label("Ihre Nachricht").fill("")
    second.get_by_label("Ihre Nachricht").press_sequentially("@Ann")
    expect(second.get_by_role("option", name="Anna Albers")).to_be_visible()
    assert_accessible(second)
    second.get_by_label("Ihre Nachricht").press("Enter")
    expect(second.get_by_label("Ihre Nachricht")).to_have_value("@Anna Albers ")
    second.get_by_label("Ihre Nachricht").press_sequentially("Nur laufende Vorgänge.")
    second.get_by_role("button", name="Senden").click()
    expect(first.locator("[data-notification-badge]")).to_contain_text("1")
    expect(first.locator("#live-announcer")).to_contain_text("Ben Brandt hat Sie")
    expect(first.locator(".discussion-message", has_text="Nur laufende Vorgänge.")).to_be_visible()

    # Reacting, replying in the thread panel and editing happen in place, without a reload;
    # the other tab follows live.
    second.reload()
    second.evaluate("window.notReloaded = true")
    first.evaluate("window.notReloaded = true")
    asked = second.locator(".discussion-message", has_text="Altakten")
    asked.hover()
    asked.locator("summary", has_text="Reaktion hinzufügen").click()
    second.keyboard.press("Escape")
    expect(asked.locator(".reaction-picker")).not_to_have_attribute("open", "")
    asked.locator("summary", has_text="Reaktion hinzufügen").click()
    asked.get_by_role("button", name=re.compile("Daumen hoch")).click()
    expect(asked.locator(".reactions__given [data-emoji='👍']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(
        first.locator(".discussion-message", has_text="Altakten").locator(
            "[data-emoji='👍'] .reaction__count"
        )
    ).to_have_text("1")
    assert_accessible(second)

    mention = first.locator(".discussion-message", has_text="Nur laufende Vorgänge.")
    expect(mention.locator(".mention--me")).to_have_text("@Anna Albers")
    mention.get_by_role("link", name="Antworten").click()
    panel = first.locator("#thread-panel")
    expect(panel).to_be_visible()
    panel.get_by_label("Ihre Nachricht").fill("Gilt das auch für `Papierakten`?")
    panel.get_by_role("button", name="Antwort senden").click()
    expect(panel.locator("code")).to_have_text("Papierakten")
    expect(panel.locator("code")).to_have_css("font-family", re.compile("monospace"))
    expect(
        second.locator(".discussion-message", has_text="Nur laufende Vorgänge.").locator(
            ".discussion-message__replies"
        )
    ).to_have_text("1 Antwort")
    expect(second.locator(".discussion-message", has_text="Gilt das auch für")).to_be_visible()
    assert_accessible(first)
    panel.get_by_role("button", name="Schließen").click()
    expect(panel).to_be_hidden()

    first.locator(".discussion-message", has_text="Altakten").get_by_role(
        "link", name="Bearbeiten"
    ).click()
    first.get_by_label("Nachricht bearbeiten").press("Escape")
    expect(first.get_by_label("Nachricht bearbeiten")).to_have_count(0)
    first.locator(".discussion-message", has_text="Altakten").get_by_role(
        "link", name="Bearbeiten"
    ).click()
    assert_accessible(first)
    first.get_by_label("Nachricht bearbeiten").fill("Wie scannt ihr **Altakten** (Bestand)?")
    first.get_by_role("button", name="Änderung speichern").click()
    expect(second.locator(".discussion-message", has_text="(Bestand)")).to_contain_text(
        "(bearbeitet)"
    )
    expect(first.locator(".discussion-message", has_text="(Bestand)")).to_contain_text(
        "(bearbeitet)"
    )
    assert first.evaluate("window.notReloaded") and second.evaluate("window.notReloaded")

    first.once("dialog", lambda dialog: dialog.accept())
    first.locator(".discussion-message", has_text="(Bestand)").get_by_role(
        "button", name="Löschen"
    ).click()
    expect(second.get_by_text("Diese Nachricht wurde gelöscht.")).to_be_visible()
    expect(second.get_by_text("(Bestand)")).to_have_count(0)

    # Without JavaScript: join, post and reply through forms and reloads. (axe needs scripts;
    # the same pages were checked above.)
    plain = signed_in_page(browser, daphne_server.url, clara.email, javascript=False)
    plain.goto(channel_url)
    plain.get_by_role("button", name="Kanal beitreten").click()
    plain.get_by_label("Ihre Nachricht").fill("Hallo aus dem Formular")
    plain.get_by_role("button", name="Senden").click()
    expect(plain.get_by_text("Hallo aus dem Formular")).to_be_visible()
    expect(first.locator(".discussion-message", has_text="Hallo aus dem Formular")).to_be_visible()
    plain.locator(".discussion-message", has_text="Nur laufende Vorgänge.").get_by_role(
        "link", name="1 Antwort"
    ).click()
    plain.get_by_label("Ihre Nachricht").fill("Danke für den Tipp!")
    plain.get_by_role("button", name="Antwort senden").click()
    expect(plain.get_by_text("Danke für den Tipp!")).to_be_visible()
    expect(plain.get_by_text("Antwort auf Ben Brandt").first).to_be_visible()
    plain.goto(daphne_server.url + "/austausch/")
    expect(plain.get_by_text("Alles gelesen")).to_be_visible()
    root = Message.objects.get(source__endswith="Nur laufende Vorgänge.")
    visit(second, f"{daphne_server.url}/austausch/nachricht/{root.pk}/thread/")
    expect(second.get_by_text("Danke für den Tipp!")).to_be_visible()

    # Ben reports Clara's message; a moderator hides it from the admin queue and it vanishes
    # from the open tabs.
    visit(second, channel_url)
    reported = second.locator(".discussion-message", has_text="Hallo aus dem Formular")
    reported.get_by_text("Melden", exact=True).click()
    reported.get_by_label("Grund").select_option(label="Gehört nicht hierher")
    reported.get_by_role("button", name="An die Moderation melden").click()
    expect(second.get_by_text("die Moderation sieht sich die Nachricht an")).to_be_visible()
    visit(first, channel_url)
    moderator_hides_the_reported_message(browser, daphne_server.url)
    for tab in (first, second):
        expect(tab.locator(".discussion-message", has_text="Hallo aus dem Formular")).to_have_count(
            0
        )
        expect(tab.get_by_text("von der Moderation ausgeblendet")).to_be_visible()


def moderator_hides_the_reported_message(browser: Browser, base_url: str) -> None:
    moderator = MemberFactory(first_name="Julia", last_name="Richter", roles=(Role.MODERATOR,))
    secret = totp_activate(moderator)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/konto/login/?next=/admin/meldungen/")
    submit_login(page, moderator.email, TEST_PASSWORD)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Anmeldung").click()
    expect(page.get_by_role("heading", name="1 offene Meldung")).to_be_visible()
    # The "signed in" message fades in; check contrast once it is shown.
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")
    assert_accessible(page)
    page.get_by_label("Entscheidung", exact=True).select_option(label="Ausblenden")
    page.get_by_role("button", name=re.compile("^Entscheiden")).click()
    expect(page.get_by_text("Keine offenen Meldungen.")).to_be_visible()
    context.close()


def test_a_long_channel_opens_at_the_newest_message_and_loads_older_ones_on_scrolling_up(
    browser: Browser, daphne_server
):
    anna = MemberFactory(first_name="Anna", last_name="Albers")
    channel = channel_create(creator=anna, name="Lange Geschichte", description="")
    Message.objects.bulk_create(
        Message(channel=channel, author=anna, source=f"Nachricht {n}", html=f"<p>Nachricht {n}</p>")
        for n in range(1, 71)
    )
    page = signed_in_page(browser, daphne_server.url, anna.email)
    visit(page, f"{daphne_server.url}/austausch/{channel.slug}/")

    expect(page.get_by_text("Nachricht 70", exact=True)).to_be_in_viewport()
    expect(page.get_by_label("Ihre Nachricht")).to_be_in_viewport()
    expect(page.get_by_text("Nachricht 1", exact=True)).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.get_by_text("Nachricht 1", exact=True)).to_be_attached()
    expect(page.get_by_text("Nachricht 20", exact=True)).to_have_count(1)
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, f"{daphne_server.url}/austausch/{channel.slug}/")
    expect(page.get_by_label("Ihre Nachricht")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
