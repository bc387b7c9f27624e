"""The Content-Security-Policy in Chromium: the watch in conftest notices what the policy blocks,
and an editor walks the Wagtail admin without Chromium blocking anything."""

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from PIL import Image as PillowImage
from playwright.sync_api import Browser, Page, expect

from hub.models import Topic
from members.roles import Role
from tests.browser.conftest import assert_no_csp_violation, submit_login, visit
from tests.factories import (
    TEST_PASSWORD,
    MemberFactory,
    practice_page_create,
    totp_activate,
    totp_code,
)
from tests.peer_learning.factories import make_course, make_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_watch_fails_on_what_the_policy_blocks(page: Page, daphne_server):
    response = page.goto(daphne_server.url + "/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
                document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
            }"""
        )
    assert page.evaluate("window.injected") is None
    with pytest.raises(AssertionError, match="Content-Security-Policy violations") as failure:
        assert_no_csp_violation()
    assert "inline script" in str(failure.value)


def _menu_urls(node: Any) -> Iterator[str]:
    """Addresses in the admin sidebar's menu definition (json_script "wagtail-sidebar-props")."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str) and value.startswith("/admin/"):
                yield value
            else:
                yield from _menu_urls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _menu_urls(value)


def _png() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (11, 83, 148)).save(buffer, format="PNG")
    return buffer.getvalue()


def _signed_in_to_the_admin(browser: Browser, base_url: str, user: Any) -> Page:
    secret = totp_activate(user)
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/konto/login/?next=/admin/")
    submit_login(page, user.email, TEST_PASSWORD)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Anmeldung").click()
    expect(page).to_have_url(base_url + "/admin/")
    return page


def _open_every_menu_entry(admin: Page, base_url: str) -> list[str]:
    menu = json.loads(admin.locator("#wagtail-sidebar-props").text_content() or "{}")
    urls = list(dict.fromkeys(_menu_urls(menu)))
    for url in urls:
        response = admin.goto(base_url + url)
        assert response is not None and response.ok, url
        assert_no_csp_violation()
    return urls


def test_an_editor_walks_the_admin_and_chromium_blocks_nothing(browser: Browser, daphne_server):
    topic = Topic.objects.create(name="E-Akte")
    article = practice_page_create(topics=(topic,))
    MemberFactory(first_name="Anna", last_name="Albers")
    course = make_course(topics=[topic])
    make_session(course)
    editor = MemberFactory(
        email="redaktion-csp@verwaltung.example",
        first_name="Rita",
        last_name="Redlich",
        roles=(Role.EDITOR, Role.MODERATOR),
    )
    base = daphne_server.url
    admin = _signed_in_to_the_admin(browser, base, editor)
    assert_no_csp_violation()

    # Every entry of the menu: pages, snippets, images, documents, approvals, moderation,
    # reports, search lists, the account.
    urls = _open_every_menu_entry(admin, base)
    assert {"/admin/images/", "/admin/documents/", "/admin/meldungen/"} <= set(urls)
    assert any(url.startswith("/admin/reports/") for url in urls)

    # Images and documents: upload, then the edit form (with the focal point area).
    admin.goto(base + "/admin/images/multiple/add/")
    admin.locator("#fileupload").set_input_files(
        files=[{"name": "akte.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(admin.locator("#upload-list li.upload-success")).to_have_count(1)
    admin.goto(base + "/admin/images/")
    admin.locator(".image-choice a, .listing a[href*='/admin/images/']").filter(
        has_text="akte"
    ).first.click()
    expect(admin).to_have_url(re.compile(r"/admin/images/\d+/"))
    admin.goto(base + "/admin/documents/multiple/add/")
    admin.locator("#fileupload").set_input_files(
        files=[{"name": "leitfaden.txt", "mimeType": "text/plain", "buffer": b"Leitfaden"}]
    )
    expect(admin.locator("#upload-list li.upload-success")).to_have_count(1)
    assert_no_csp_violation()

    # A snippet's form.
    admin.goto(base + "/admin/snippets/hub/topic/add/")
    expect(admin.locator("#id_name")).to_be_visible()
    assert_no_csp_violation()

    # The page tree, a practice page's editor with the preview, choosers, an inline panel,
    # the rich text editor and date pickers; saving a draft; the history.
    admin.goto(f"{base}/admin/pages/{article.get_parent().pk}/")
    admin.goto(f"{base}/admin/pages/{article.pk}/edit/")
    admin.locator('[data-side-panel-toggle="preview"]').click()
    preview = admin.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(article.title)
    admin.locator('[data-side-panel-toggle="preview"]').click()

    admin.locator("#id_authors-ADD").click()
    admin.locator("#inline_child_authors-0 .chooser__choose-button").click()
    modal = admin.locator(".modal-dialog")
    modal.get_by_role("link", name=re.compile("Anna Albers")).click()
    expect(modal).to_be_hidden()
    expect(admin.locator("#inline_child_authors-0")).to_contain_text("Anna Albers")

    admin.locator("#id_organisation-chooser .chooser__choose-button").click()
    expect(admin.locator(".modal-dialog")).to_be_visible()
    admin.locator(".modal-dialog").get_by_role("button", name="Schließen").click()
    expect(admin.locator(".modal-dialog")).to_be_hidden()

    admin.locator(".public-DraftEditor-content").first.click()
    admin.keyboard.type("Erster Absatz.")
    admin.get_by_role("tab", name="Einstellungen").click()
    admin.locator("#id_review_date").click()
    expect(admin.locator(".xdsoft_datetimepicker >> visible=true")).to_have_count(1)
    admin.keyboard.press("Escape")

    admin.get_by_role("button", name="Entwurf speichern").click()
    expect(admin.locator(".messages")).to_contain_text("aktualisiert")
    admin.goto(f"{base}/admin/pages/{article.pk}/history/")
    assert_no_csp_violation()

    # A course page's editor.
    admin.goto(f"{base}/admin/pages/{course.pk}/edit/")
    expect(admin.locator("#id_title")).to_have_value(course.title)
    visit(admin, f"{base}/admin/")

    # What the admin's additions admit stays narrow: markup that reaches the admin as HTML
    # (a <style>, an inline script, an event handler other than Jcrop's "return;") is blocked.
    with admin.expect_console_message(lambda message: "inline event handler" in message.text):
        admin.evaluate(
            """() => document.body.insertAdjacentHTML("beforeend",
                '<style>body { color: red }</style>' +
                '<div id="injected" onclick="window.handlerRan = true"></div>')"""
        )
        admin.locator("#injected").dispatch_event("click")
    assert admin.evaluate("window.handlerRan") is None
    assert admin.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    with pytest.raises(AssertionError) as failure:
        assert_no_csp_violation()
    assert "inline style" in str(failure.value)


def test_an_administrator_opens_the_settings_and_chromium_blocks_nothing(
    browser: Browser, daphne_server
):
    administrator = MemberFactory(email="admin-csp@verwaltung.example", roles=(Role.EDITOR,))
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    base = daphne_server.url
    admin = _signed_in_to_the_admin(browser, base, administrator)

    urls = _open_every_menu_entry(admin, base)
    assert {"/admin/users/", "/admin/groups/", "/admin/workflows/list/"} <= set(urls)
    for url in (
        f"/admin/users/edit/{administrator.pk}/",
        f"/admin/groups/edit/{Group.objects.get(name=Role.EDITOR).pk}/",
        "/admin/workflows/add/",
        "/admin/redirects/add/",
        "/admin/collections/add/",
    ):
        response = admin.goto(base + url)
        assert response is not None and response.ok, url
        assert_no_csp_violation()
