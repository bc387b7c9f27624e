"""A member completes their profile and finds a colleague who can help."""

import re

import pytest
from playwright.sync_api import Page, expect

from members.models import Visibility
from members.services import profile_update
from tests.browser.conftest import assert_accessible, visit
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_completes_profile_and_finds_help_by_expertise(page: Page, daphne_server):
    member = MemberFactory(email="neu@kreis-beispiel.de")
    colleague = MemberFactory(first_name="Jana", last_name="Kraft")
    profile_update(
        profile=colleague.profile,
        data={"expertise": ["E-Akte"], "expertise_visibility": Visibility.MEMBERS},
    )

    visit(page, daphne_server.url + "/konto/login/")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Anmeldung").click()
    expect(page.get_by_role("banner")).to_contain_text("Erika")

    visit(page, daphne_server.url + "/mitglieder/mein-profil/")
    page.get_by_label(re.compile(r"^Funktion")).fill("Sachbearbeiterin Digitalisierung")
    page.get_by_label(re.compile(r"^Ich suche")).fill("E-Akte")
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Profil wurde gespeichert.")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mitglieder"
    ).click()
    assert_accessible(page)
    page.get_by_role("search").get_by_label(re.compile(r"^Thema")).fill("e-akte")
    page.get_by_role("button", name="Filtern").click()

    expect(page.get_by_role("heading", name="1 Mitglied gefunden")).to_be_visible()
    page.get_by_role("link", name="Jana Kraft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jana Kraft")
    assert_accessible(page)
