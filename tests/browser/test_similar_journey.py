"""A member starts a practice example and, while typing its title and summary, sees that a
similar one exists ("Gibt es das schon?"); a visitor sees similar solutions below a page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_typing_a_title_shows_similar_solutions(page: Page, daphne_server) -> None:
    existing = practice_page_create(
        title="Ersetzendes Scannen in der Scanstelle",
        summary="Wie eine zentrale Scanstelle den Posteingang für die E-Akte digitalisiert.",
    )
    practice_page_create(
        title="Scanstelle und Posteingang im Landratsamt",
        summary="Ein Landratsamt scannt den Posteingang zentral für die E-Akte.",
    )
    member = MemberFactory(email="autorin@verwaltung.example")
    url = daphne_server.url

    visit(page, url + existing.url)
    aside = page.get_by_role("region", name="Ähnliche Lösungen")
    neighbour = aside.get_by_role("link", name="Scanstelle und Posteingang im Landratsamt")
    expect(neighbour).to_be_visible()
    assert_accessible(page)

    visit(page, url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    visit(page, url + "/beitraege/neu/")
    expect(page.locator("#similar-live")).to_be_hidden()
    page.get_by_label(re.compile(r"^Titel")).press_sequentially("Zentrale Scanstelle", delay=30)
    page.get_by_label(re.compile(r"^Zusammenfassung")).press_sequentially(
        "Posteingang scannen", delay=30
    )

    region = page.locator("#similar-live")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("Gibt es das schon?")
    expect(
        region.get_by_role("link", name=re.compile("^Ersetzendes Scannen in der Scanstelle"))
    ).to_have_attribute("target", "_blank")
    assert_accessible(page)
