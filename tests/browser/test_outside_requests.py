"""No page of the site or the admin makes the browser contact a host outside this machine.

The guard in conftest blocks (through a proxy that is not there) and records every such request in
every browser context; these
tests show that it does, and walk the main pages as visitor, member and editor under it.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from core.demo import DemoContext, DemoReport
from discussions.models import Message
from discussions.services.channels import channel_create
from hub.accessibility.demo import seed_accessibility_statement
from members.roles import Role
from tests.browser.conftest import (
    OUTSIDE_REQUESTS,
    assert_no_outside_request,
    is_outside,
    submit_login,
    visit,
)
from tests.factories import (
    TEST_PASSWORD,
    MemberFactory,
    practice_page_create,
    totp_activate,
    totp_code,
)
from tests.peer_learning.factories import make_course, make_session


@pytest.mark.parametrize(
    ("url", "outside"),
    [
        ("http://127.0.0.1:8101/static/site.css", False),
        ("http://127.8.0.1/", False),
        ("http://[::1]:8101/", False),
        ("http://localhost:8101/", False),
        ("ws://127.0.0.1:8101/ws/", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("blob:http://127.0.0.1:8101/0f1e2d3c", False),
        ("about:blank", False),
        ("https://www.gravatar.com/avatar/0123abcd", True),
        ("https://fonts.googleapis.com/css2?family=Fira+Sans", True),
        ("http://192.168.1.10/", True),
        ("http://localhost.example/", True),
    ],
)
def test_outside_means_a_host_other_than_loopback(url: str, outside: bool):
    assert is_outside(url) is outside


def test_a_recorded_outside_request_fails_with_its_url_and_is_then_forgotten():
    gravatar = "https://www.gravatar.com/avatar/0123abcd"
    OUTSIDE_REQUESTS.append(gravatar)

    with pytest.raises(AssertionError, match=re.escape(gravatar)):
        assert_no_outside_request()
    assert OUTSIDE_REQUESTS == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_guard_aborts_and_records_an_outside_image(page: Page):
    page.set_content(
        '<img src="https://example.org/x.png" alt="Außen">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Eingebettet">'
    )

    recorded = OUTSIDE_REQUESTS.copy()
    # Recorded for this proof only; left in place it would (rightly) fail this test.
    OUTSIDE_REQUESTS.clear()
    assert recorded == ["https://example.org/x.png"]
    assert page.evaluate("document.images[0].naturalWidth") == 0


def settle(page: Page, url: str, *, check_accessible: bool = True) -> None:
    """Visit and wait until the page has gone quiet, so that what scripts load after the load
    event (the admin's sidebar, avatars, lazy images) goes past the guard as well."""
    if check_accessible:
        visit(page, url)
    else:
        response = page.goto(url)
        assert response is not None
        assert response.ok, f"{url} answered {response.status}"
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_main_pages_and_the_admin_stay_on_this_machine(page: Page, browser: Browser, daphne_server):
    """Relies on the guard: any outside request on these pages fails the test."""
    url = daphne_server.url
    member = MemberFactory(email="mitglied@verwaltung.example")
    editor = MemberFactory(email="redaktion@verwaltung.example", roles=(Role.EDITOR,))
    secret = totp_activate(editor)
    practice = practice_page_create(title="E-Akte im Bürgeramt", authors=(member,))
    session = make_session(make_course())
    channel = channel_create(creator=member, name="E-Akte in der Praxis", description="Scannen")
    # Straight into the table: the posting service would broadcast through the channel layer,
    # which cannot run inside Playwright's event loop.
    Message.objects.create(
        author=member, channel=channel, source="Wer scannt schon?", html="<p>Wer scannt schon?</p>"
    )
    seed_accessibility_statement(
        DemoContext(scale=0, rng=None, progress=lambda items, *_: items),  # type: ignore[arg-type]
        DemoReport(),
    )
    public_pages = [
        "/",
        "/wissen/",
        practice.get_url(),
        "/lernen/",
        f"/lernen/termine/{session.pk}/",
        "/suche/?q=E-Akte",
        "/barrierefreiheit/",
    ]

    for path in public_pages:
        settle(page, url + path)

    visit(page, url + "/konto/login/")
    submit_login(page, member.email, TEST_PASSWORD)
    expect(page.get_by_role("banner")).to_contain_text(member.profile.display_name)
    for path in [
        *public_pages,
        "/austausch/",
        f"/austausch/{channel.slug}/",
        "/mitglieder/",
        f"/mitglieder/{member.profile.pk}/",
    ]:
        settle(page, url + path)

    editor_page = browser.new_context(locale="de-DE").new_page()
    editor_page.goto(url + "/admin/")
    submit_login(editor_page, editor.email, TEST_PASSWORD)
    editor_page.get_by_label("Code").fill(totp_code(secret))
    editor_page.get_by_role("button", name="Anmeldung").click()
    expect(editor_page).to_have_url(url + "/admin/")
    settle(editor_page, url + "/admin/")
    settle(editor_page, url + "/admin/pages/")
    # Wagtail's rich-text editor has axe findings of its own; here only its requests matter.
    settle(editor_page, f"{url}/admin/pages/{practice.pk}/edit/", check_accessible=False)
