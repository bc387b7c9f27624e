"""A member adds a security key (WebAuthn) and signs in with it, in a real Chromium with a
virtual authenticator. Browsers offer WebAuthn on https and http://localhost only."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def virtual_authenticator(page: Page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_member_adds_a_security_key_and_signs_in_with_it(page: Page, daphne_server):
    member = MemberFactory(email="schluessel@verwaltung.example")
    base = daphne_server.url.replace("127.0.0.1", "localhost")
    virtual_authenticator(page)

    page.goto(base + "/konto/login/?next=/konto/2fa/webauthn/add/")
    submit_login(page, member.email, TEST_PASSWORD)
    # allauth asks for the password again before a new second factor is added.
    page.get_by_role("main").get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("heading", name="Sicherheitsschlüssel hinzufügen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Dienstschlüssel")
    page.get_by_role("button", name="Hinzufügen").click()
    # The first key also creates recovery codes, which allauth shows next. The pattern must
    # not match the add page itself, or the check runs before the key is stored.
    expect(page).to_have_url(re.compile(r"/konto/2fa/(recovery-codes/)?$"))
    assert member.authenticator_set.filter(type="webauthn").exists()

    page.get_by_role("banner").get_by_role("button", name="Abmelden").click()
    page.goto(base + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/konto/2fa/authenticate/"))
    assert_accessible(page)
    page.get_by_role("button", name="Verwenden Sie einen Sicherheitsschlüssel").click()

    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("banner")).to_contain_text("Abmelden")
    visit(page, base + "/konto/2fa/webauthn/")
