"""Every page answers with a strict Content-Security-Policy (issue 19, finding 13).

The site's pages get 'self' alone for scripts and styles; the Wagtail admin gets a nonce, which
every inline script it renders carries.
"""

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import wagtail.admin
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

import core
from core import csp
from core.csp import ContentSecurityPolicyMiddleware
from discussions.services.channels import channel_create
from discussions.services.messages import message_post
from hub.models import Topic
from members.roles import Role
from tests.factories import MemberFactory, practice_page_create, totp_activate
from tests.hub.test_settings import run_manage
from tests.peer_learning.factories import make_course, make_session

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "answered without Content-Security-Policy"
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class InlineCode(HTMLParser):
    """What a document holds that a policy without 'unsafe-inline' governs: inline scripts and
    <style> elements (with their nonce), style attributes and event handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        executable = "src" not in attributes and attributes.get("type") != "application/json"
        if (tag == "script" and executable) or tag == "style":
            self.found.append((tag, attributes.get("nonce")))
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append((f"{tag}[{name}]", None))


def inline_code(response: Any) -> list[tuple[str, str | None]]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def site(client: Client) -> dict[str, Any]:
    """One of every page type, and a member who may see them all."""
    topic = Topic.objects.create(name="E-Akte")
    article = practice_page_create(topics=(topic,))
    course = make_course(topics=[topic])
    session = make_session(course)
    member = MemberFactory()
    channel = channel_create(creator=member, name="E-Akte in der Praxis", description="Scannen")
    message = message_post(author=member, channel=channel, source="Wie scannt ihr Altakten?")
    return {
        "member": member,
        "public": [
            "/",
            "/wissen/",
            article.url,
            "/wissen/themen/e-akte/",
            "/lernen/",
            course.url,
            reverse("peer_learning:session", args=[session.pk]),
            reverse("peer_learning:sessions"),
            "/suche/?q=Akte",
            reverse("account_login"),
            reverse("account_signup"),
        ],
        "members_only": [
            reverse("discussions:index"),
            reverse("discussions:channel", args=[channel.slug]),
            reverse("discussions:thread", args=[message.pk]),
            reverse("members:directory"),
            reverse("members:profile", args=[member.pk]),
            reverse("members:profile_edit"),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("mfa_list_webauthn"),
            reverse("socialaccount_connections"),
        ],
    }


def test_every_page_type_answers_with_the_strict_policy(client, site):
    for path in site["public"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE_POLICY, path
        assert inline_code(response) == [], path

    client.force_login(site["member"])
    for path in site["public"] + site["members_only"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE_POLICY, path
        assert inline_code(response) == [], path


def test_a_page_from_the_page_cache_carries_the_policy_too(client, site):
    first = client.get("/wissen/")
    second = client.get("/wissen/")

    assert second.headers["X-Kollegium-Cache"] == "hit"
    assert policy(first) == policy(second) == SITE_POLICY


def test_redirects_and_errors_carry_the_policy(client):
    assert policy(client.get("/austausch/"))["script-src"] == ["'self'"]
    assert policy(client.get("/gibt-es-nicht/"))["script-src"] == ["'self'"]


@pytest.fixture
def editor_client(client: Client) -> Client:
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    return client


def test_the_admin_nonce_is_on_every_inline_script_and_nowhere_else(editor_client):
    article = practice_page_create()

    # The page editor: choosers, an inline panel, date and date-time pickers.
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))

    assert response.status_code == 200
    directives = policy(response)
    [nonce] = [source for source in directives["script-src"] if source.startswith("'nonce-")]
    assert directives["script-src"] == ["'self'", nonce]
    assert directives["style-src"] == ["'self'", nonce]
    found = inline_code(response)
    assert len(found) >= 5
    assert {kind for kind, _nonce in found} == {"script"}
    assert {f"'nonce-{value}'" for _kind, value in found} == {nonce}
    # Each response has a nonce of its own.
    again = editor_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert nonce not in policy(again)["script-src"]


def test_only_the_admin_gets_its_additions(editor_client, client):
    admin = policy(editor_client.get(reverse("wagtailadmin_home")))
    site = policy(editor_client.get("/"))

    assert admin["img-src"] == ["'self'", "data:", "blob:"]
    assert admin["script-src-attr"] == [
        "'unsafe-hashes'",
        "'sha256-i+qr4lq34KgNHiW62lWi9aInEBwiEOrfCzaNPCvkqD8='",
    ]
    assert admin["frame-ancestors"] == ["'none'"]
    assert site == SITE_POLICY


def test_a_preview_may_be_framed_by_the_site_itself():
    # The admin's preview panel shows Wagtail's preview of the page in an iframe.
    response = practice_page_create().make_preview_request()

    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_what_django_lets_the_site_frame_may_be_framed_by_the_site_only(rf):
    framed = HttpResponse()
    framed["X-Frame-Options"] = "SAMEORIGIN"

    response = ContentSecurityPolicyMiddleware(lambda request: framed)(rf.get("/"))
    refused = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())(rf.get("/"))

    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert policy(refused)["frame-ancestors"] == ["'none'"]


WAGTAIL_TEMPLATES = Path(wagtail.admin.__file__).parent / "templates" / "wagtailadmin"
OUR_TEMPLATES = Path(core.__file__).parent / "templates" / "wagtailadmin"
WITH_NONCE = '<script nonce="{% script_nonce %}">'


@pytest.mark.parametrize("name", ["date_input", "time_input", "datetime_input"])
def test_the_date_widgets_are_wagtails_with_the_nonce(name):
    theirs = (WAGTAIL_TEMPLATES / "widgets" / f"{name}.html").read_text().strip()
    ours = (OUR_TEMPLATES / "widgets" / f"{name}.html").read_text().strip()

    assert ours == "{% load csp_tags %}" + theirs.replace("<script>", WITH_NONCE)


@pytest.mark.parametrize("name", ["inline_panel", "multiple_chooser_panel"])
def test_the_panels_initialise_as_wagtails_do_with_the_nonce(name):
    def js_init(path: Path) -> str:
        return path.read_text().split("{% block js_init %}")[1].split("{% endblock %}")[0]

    theirs = js_init(WAGTAIL_TEMPLATES / "panels" / f"{name}.html")
    ours = js_init(OUR_TEMPLATES / "panels" / f"{name}.html")

    assert ours == theirs.replace("<script>", WITH_NONCE)


def test_choosers_render_as_wagtails_do_with_the_nonce():
    from wagtail.admin.widgets import AdminPageChooser

    widget = AdminPageChooser()
    ours = widget.render("page", None, {"id": "id_page"})
    assert csp.wagtail_chooser_render is not None
    theirs = csp.wagtail_chooser_render(widget, "page", None, {"id": "id_page"})

    # Outside a request there is no nonce: the script stays blocked.
    assert ours == theirs.replace("<script>", '<script nonce="">')
    assert ours.count("<script") == 1


def test_forms_may_post_to_the_sign_on_provider_when_one_is_configured():
    # Sign-on starts with a POST that Kollegium answers with a redirect to the provider, and
    # Chromium checks form-action on that redirect.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
        DJANGO_SETTINGS_MODULE="hub.settings.test",
        OIDC_SERVER_URL="https://login.verwaltung.example:8443/realms/kollegium",
        OIDC_CLIENT_ID="kollegium",
        OIDC_CLIENT_SECRET="geheim",
    )

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1]
        == "[\"'self'\", 'https://login.verwaltung.example:8443']"
    )
