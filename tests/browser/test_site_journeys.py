"""First journeys: the home page in German and English, the editors' admin login."""

import re

import pytest
from playwright.sync_api import Page, expect

from members.roles import Role
from tests.browser.conftest import assert_accessible, visit
from tests.factories import TEST_PASSWORD, MemberFactory

# Wagtail 8 leaves its admin login's password label untranslated in German.
ADMIN_PASSWORD_LABEL = re.compile(r"Pass(wort|word)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_page_in_german_then_english(page: Page, daphne_server):
    visit(page, daphne_server.url + "/")

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kollegium")
    expect(page.get_by_role("banner").get_by_role("link", name="Anmelden")).to_be_visible()

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()
    page.wait_for_load_state()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page, daphne_server):
    visit(page, daphne_server.url + "/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhalt")).to_be_focused()


def test_home_page_fits_a_320_pixel_screen(page: Page, daphne_server):
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, daphne_server.url + "/")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_editor_signs_in_to_the_admin(page: Page, daphne_server):
    editor = MemberFactory(email="redaktion@verwaltung.example", roles=(Role.EDITOR,))

    visit(page, daphne_server.url + "/admin/")
    page.get_by_label("E-Mail-Adresse").fill(editor.email)
    page.get_by_label(ADMIN_PASSWORD_LABEL).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    expect(page).to_have_url(daphne_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kollegium")
    assert_accessible(page)


def test_admin_refuses_a_member_without_editor_role(page: Page, daphne_server):
    member = MemberFactory(email="mitglied@verwaltung.example")

    visit(page, daphne_server.url + "/admin/login/")
    page.get_by_label("E-Mail-Adresse").fill(member.email)
    page.get_by_label(ADMIN_PASSWORD_LABEL).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.get_by_role("status")).to_contain_text("nicht die nötige Berechtigung")
    assert_accessible(page)
