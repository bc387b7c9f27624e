"""First journeys: the home page in German and English, the editors' admin login with MFA."""

import re

import pytest
from playwright.sync_api import Page, expect

from members.roles import Role
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate, totp_code

# allauth's German labels on the login, re-authentication and MFA pages.
SIGN_IN_BUTTON = "Anmeldung"
CONFIRM_BUTTON = re.compile(r"Bestätigen")
ACTIVATE_BUTTON = re.compile(r"Aktivieren")
AUTHENTICATOR_CODE_LABEL = re.compile(r"code", re.IGNORECASE)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_page_in_german_then_english(page: Page, daphne_server):
    visit(page, daphne_server.url + "/")

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kollegium")
    expect(page.get_by_role("banner").get_by_role("link", name="Anmelden")).to_be_visible()

    page.get_by_role("form", name="Sprache wählen").get_by_role("button", name="English").click()
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


def test_editor_signs_in_to_the_admin_with_a_code(page: Page, daphne_server):
    editor = MemberFactory(email="redaktion@verwaltung.example", roles=(Role.EDITOR,))
    secret = totp_activate(editor)

    page.goto(daphne_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/konto/login/"))
    assert_accessible(page)
    submit_login(page, editor.email, TEST_PASSWORD)

    expect(page).to_have_url(re.compile(r"/konto/2fa/authenticate/"))
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()

    expect(page).to_have_url(daphne_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kollegium")
    # allauth's "signed in" message fades in on the admin; check contrast once it is shown.
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")
    assert_accessible(page)


def test_editor_without_mfa_sets_it_up_before_the_admin(page: Page, daphne_server):
    editor = MemberFactory(email="neu-redaktion@verwaltung.example", roles=(Role.EDITOR,))

    page.goto(daphne_server.url + "/admin/")
    submit_login(page, editor.email, TEST_PASSWORD)

    # allauth confirms the password before any MFA change.
    expect(page).to_have_url(re.compile(r"/konto/reauthenticate/"))
    expect(page.get_by_role("status")).to_contain_text("Authenticator-App ein")
    assert_accessible(page)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name=CONFIRM_BUTTON).click()

    expect(page).to_have_url(re.compile(r"/konto/2fa/totp/activate/"))
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(AUTHENTICATOR_CODE_LABEL).fill(totp_code(secret))
    page.get_by_role("button", name=ACTIVATE_BUTTON).click()

    expect(page).to_have_url(re.compile(r"/konto/2fa/recovery-codes/"))
    assert_accessible(page)
    visit(page, daphne_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kollegium")


def test_admin_refuses_a_member_without_editor_role(page: Page, daphne_server):
    member = MemberFactory(email="mitglied@verwaltung.example")

    visit(page, daphne_server.url + "/admin/")
    submit_login(page, member.email, TEST_PASSWORD)

    expect(page).to_have_url(re.compile(r"/konto/login/"))
    expect(page.get_by_role("status")).to_contain_text("nicht die nötige Berechtigung")
    assert_accessible(page)
