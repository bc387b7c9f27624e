"""A newcomer joins, completes the profile, finds help, takes their data and leaves."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from members.models import Approval, User, Visibility
from members.services import profile_update
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "neu@kreis-beispiel.de"


def verification_link(mail_dir: Path) -> str:
    messages = sorted(mail_dir.iterdir(), key=lambda path: path.stat().st_mtime)
    latest = [path.read_text() for path in messages if f"To: {EMAIL}" in path.read_text()][-1]
    return re.search(r"http://\S+/konto/confirm-email/\S+/", latest).group(0)


def test_newcomer_joins_finds_help_downloads_data_and_leaves(
    page: Page, daphne_server, daphne_mail_dir
):
    colleague = MemberFactory(first_name="Jana", last_name="Kraft")
    profile_update(
        profile=colleague.profile,
        data={"expertise": ["E-Akte"], "expertise_visibility": Visibility.MEMBERS},
    )

    visit(page, daphne_server.url + "/konto/signup/")
    page.get_by_label(re.compile(r"^E-Mail")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Passwort:")).fill(TEST_PASSWORD)
    page.get_by_label(re.compile(r"^Passwort \(Wiederholung\)")).fill(TEST_PASSWORD)
    page.get_by_label(re.compile(r"^Ich stimme den Nutzungsbedingungen")).check()
    page.get_by_role("main").get_by_role("button", name="Registrieren").click()
    assert_accessible(page)

    visit(page, verification_link(daphne_mail_dir))
    page.get_by_role("main").get_by_role("button", name="Bestätigen").click()
    # An address outside any allowlist waits for the editors; they let the newcomer in.
    expect(page.get_by_role("main")).to_be_visible()
    User.objects.filter(email=EMAIL).update(approval=Approval.APPROVED)
    visit(page, daphne_server.url + "/konto/login/")
    submit_login(page, EMAIL, TEST_PASSWORD)
    expect(page.get_by_role("banner")).to_contain_text("neu")

    visit(page, daphne_server.url + "/mitglieder/mein-profil/")
    page.get_by_label(re.compile(r"^Anzeigename")).fill("Nele Neumann")
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

    visit(page, daphne_server.url + "/mitglieder/meine-daten/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Meine Daten herunterladen").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    assert data["profile"]["display_name"] == "Nele Neumann"

    page.get_by_role("link", name="Konto löschen …").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Ihr Passwort")).fill(TEST_PASSWORD)
    page.get_by_label(re.compile(r"^Ich möchte mein Konto")).check()
    page.get_by_role("button", name="Konto endgültig löschen").click()
    expect(page.get_by_role("status")).to_contain_text("wurden gelöscht")
    assert_accessible(page)
    assert not User.objects.filter(email=EMAIL).exists()
    assert User.objects.filter(pk=colleague.pk).exists()
