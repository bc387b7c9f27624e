"""A practice example travels from a member's form through the editors' review to the site."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from hub.models import PracticePage, Topic
from members.roles import Role
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Posteingang digital: Scannen im Bürgeramt"
BODY = (
    "Ausgangslage: Jeden Tag kamen Hunderte Briefe, die Akten lagen in drei Gebäuden.\n\n"
    "Vorgehen: Ein Pilotteam hat das ersetzende Scannen erprobt und jede Woche nachgesteuert."
)
COMMENT = "Bitte ergänzen Sie die Rechtsgrundlage."


def editor_signs_in(browser: Browser, url: str, email: str, secret: str) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    editor = context.new_page()
    editor.goto(url)
    submit_login(editor, email, TEST_PASSWORD)
    editor.get_by_label("Code").fill(totp_code(secret))
    editor.get_by_role("button", name="Anmeldung").click()
    expect(editor).to_have_url(url)
    return editor


def run_workflow_action(editor: Page, action: str, comment: str = "") -> None:
    """In the page editor's footer: open the action menu, pick the task action."""
    editor.get_by_role("button", name="Mehr Aktionen").click()
    editor.get_by_role("button", name=action, exact=True).click()
    if comment:
        dialog = editor.get_by_role("dialog")
        dialog.get_by_label(re.compile("Kommentar")).fill(comment)
        dialog.get_by_role("button", name=action).click()
    # Done when Wagtail sends the editor back to the page listing.
    expect(editor).to_have_url(re.compile(r"/admin/pages/\d+/$"))


def test_member_submits_editor_requests_changes_member_revises_editor_publishes(
    page: Page, browser: Browser, daphne_server
):
    Topic.objects.create(name="E-Akte")
    member = MemberFactory(email="autorin@verwaltung.example")
    editor = MemberFactory(email="redaktion-wissen@verwaltung.example", roles=(Role.EDITOR,))
    secret = totp_activate(editor)
    url = daphne_server.url

    visit(page, url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, url + "/beitraege/neu/")
    page.get_by_label(re.compile(r"^Titel")).fill(TITLE)
    page.get_by_label(re.compile(r"^Zusammenfassung")).fill(
        "Wie ein Bürgeramt seinen Posteingang in sechs Monaten digitalisiert hat."
    )
    page.get_by_label(re.compile(r"^Ihr Praxisbeispiel")).fill(BODY)
    page.get_by_label("E-Akte").check()
    page.get_by_label(re.compile(r"^Anhänge")).set_input_files(
        files=[{"name": "leitfaden.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n"}]
    )
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(page.get_by_role("status")).to_contain_text("Danke!")
    expect(page.locator(".submission__status")).to_contain_text("In Prüfung")
    assert_accessible(page)
    article = PracticePage.objects.get()

    edit_url = f"{url}/admin/pages/{article.pk}/edit/"
    editor_page = editor_signs_in(browser, edit_url, editor.email, secret)
    run_workflow_action(editor_page, "Änderungen anfordern", COMMENT)

    visit(page, url + "/beitraege/")
    expect(page.locator(".submission__status")).to_contain_text("Änderungen erbeten")
    expect(page.locator(".submission__comment")).to_have_text(COMMENT)
    page.get_by_role("link", name=re.compile("überarbeiten")).click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Ihr Praxisbeispiel")).fill(
        BODY + "\n\nRechtsgrundlage: § 7 EGovG, ersetzendes Scannen."
    )
    page.get_by_role("button", name="Änderungen einreichen").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Änderungen sind bei der Redaktion.")

    editor_page.goto(edit_url)
    run_workflow_action(editor_page, "Freigeben und Veröffentlichen")
    article.refresh_from_db()
    assert article.live

    visit(page, url + "/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    visit(page, url + "/wissen/themen/e-akte/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text("§ 7 EGovG")
    assert_accessible(page)
    feed = page.request.get(url + "/wissen/feed/")
    assert feed.ok
    assert TITLE in feed.text()
    assert_accessible(page)
