"""Every main page, on a desktop and a phone screen, anonymous where public and as a member:
axe finds nothing (any impact, best practices included), nothing is wider than the screen,
and the first stops of the keyboard show where the focus is.

Each case collects all its findings before it fails, so one run lists everything to fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from discussions.models import Message
from discussions.services.channels import channel_create
from hub.models import Topic
from members.models import User, Visibility
from members.roles import Role
from members.services import profile_update
from tests.browser.conftest import accessibility_violations, submit_login
from tests.factories import TEST_PASSWORD, MemberFactory, practice_page_create
from tests.peer_learning.factories import make_course, make_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"desktop": (1366, 900), "mobil": (390, 844)}
SEARCH_QUERY = "Bürgerbeteiligung"
# How many keyboard stops from the top of the page must show a focus indicator.
FOCUS_STOPS = 5

# The page's focused element and whether a focus indicator is drawn: an outline with a width,
# or a box shadow (the design system's focus ring on some controls).
FOCUS_STATE = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const label = (element.textContent || element.getAttribute("aria-label") || "").trim();
    return {
        element: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
            + (label ? ` "${label.slice(0, 40)}"` : ""),
        visible: outline || style.boxShadow !== "none",
    };
}"""


def _channel_with_thread(member: User) -> Message:
    """Messages straight into the table: the posting service would broadcast through the
    channel layer, which cannot run inside Playwright's event loop."""
    channel = channel_create(creator=member, name="E-Akte in der Praxis", description="Scannen")
    question = Message.objects.create(
        author=member,
        channel=channel,
        source="Wie habt ihr den **Altbestand** gescannt?",
        html="<p>Wie habt ihr den <strong>Altbestand</strong> gescannt?</p>",
    )
    Message.objects.create(
        author=MemberFactory(first_name="Franziska", last_name="Meyer"),
        channel=channel,
        reply_to=question,
        source="Nur laufende Vorgänge.",
        html="<p>Nur laufende Vorgänge.</p>",
    )
    return question


def _search(member: User) -> str:
    practice_page_create(
        title="Bürgerbeteiligung in der Kommune",
        summary="Wie Kommunen ihre Einwohnerinnen und Einwohner früh einbinden.",
        topics=(Topic.objects.create(name=SEARCH_QUERY),),
    )
    return f"/suche/?q={SEARCH_QUERY}"


def _trainer() -> User:
    return MemberFactory(first_name="Thomas", last_name="Becker", roles=(Role.TRAINER,))


def _public_profile(member: User) -> str:
    """A trainer who shows name, organisation, function and bio to everyone."""
    trainer = _trainer()
    profile_update(
        profile=trainer.profile,
        data={
            "bio": "Ich begleite Kommunen bei der Einführung der E-Akte.",
            **{
                f"{field}_visibility": Visibility.PUBLIC
                for field in ("display_name", "organisation", "position", "bio")
            },
        },
    )
    return f"/mitglieder/{trainer.profile.pk}/"


def _merkliste(member: User) -> str:
    """An article and a message on the member's Merkliste."""
    from network.services import bookmark_set

    article = practice_page_create(title="E-Akte im Bürgeramt")
    bookmark_set(member=member, target=article, kept=True)
    bookmark_set(member=member, target=_channel_with_thread(member), kept=True)
    return "/netzwerk/merkliste/"


def _gefolgt(member: User) -> str:
    from network.services import follow_set

    follow_set(member=member, target=Topic.objects.create(name="E-Akte"), following=True)
    follow_set(member=member, target=_trainer(), following=True)
    return "/netzwerk/gefolgt/"


# Each page's address, after creating what it shows; the argument is the signed-in member.
PAGES: dict[str, Callable[[User], str]] = {
    "startseite": lambda member: "/",
    "suche": _search,
    "kanal": lambda member: f"/austausch/{_channel_with_thread(member).channel.slug}/",
    "thread": lambda member: f"/austausch/nachricht/{_channel_with_thread(member).pk}/thread/",
    "impuls": lambda member: make_course(trainer=_trainer()).url,
    "termin": lambda member: f"/lernen/termine/{make_session(make_course(trainer=_trainer())).pk}/",
    "verzeichnis": lambda member: "/mitglieder/",
    "profil": _public_profile,
    "registrierung": lambda member: "/konto/signup/",
    "beitrag": lambda member: practice_page_create(title="E-Akte im Bürgeramt").url,
    "merkliste": _merkliste,
    "gefolgt": _gefolgt,
}
MEMBERS_ONLY = {"kanal", "thread", "merkliste", "gefolgt"}
ANONYMOUS_ONLY = {"registrierung"}

CASES = [
    pytest.param(name, size, user, id=f"{name}-{size}-{user}")
    for name in PAGES
    for size in SIZES
    for user in ("anonym", "mitglied")
    if not (user == "anonym" and name in MEMBERS_ONLY)
    and not (user == "mitglied" and name in ANONYMOUS_ONLY)
]


def _overflow(page: Page) -> list[str]:
    widths: dict[str, Any] = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )
    if widths["page"] <= widths["screen"]:
        return []
    return [f"horizontal overflow: page {widths['page']} px wide, screen {widths['screen']} px"]


def _invisible_focus(page: Page) -> list[str]:
    found = []
    for stop in range(1, FOCUS_STOPS + 1):
        page.keyboard.press("Tab")
        state: dict[str, Any] | None = page.evaluate(FOCUS_STATE)
        if state is not None and not state["visible"]:
            found.append(f"focus not visible at Tab stop {stop}: {state['element']}")
    return found


@pytest.mark.parametrize(("name", "size", "user"), CASES)
def test_page_is_accessible_fits_and_shows_focus(
    browser: Browser, daphne_server: Any, name: str, size: str, user: str
) -> None:
    member = MemberFactory(first_name="Miriam", last_name="Schulte")
    path = PAGES[name](member)
    width, height = SIZES[size]
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": height})
    page = context.new_page()
    if user == "mitglied":
        page.goto(daphne_server.url + "/konto/login/")
        submit_login(page, member.email, TEST_PASSWORD)
        page.wait_for_url(lambda url: "/konto/login/" not in url)

    response = page.goto(daphne_server.url + path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    problems = [*accessibility_violations(page), *_overflow(page), *_invisible_focus(page)]
    context.close()
    assert not problems, f"{name} at {width}x{height} ({user}), {path}:\n" + "\n".join(problems)
