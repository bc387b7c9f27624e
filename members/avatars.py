"""Avatars drawn on our own pages: the uploaded picture, else initials on a colour of the
member's own. Never a third-party service (no Gravatar): nothing about a member leaves the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

# Background colours, drawn on our pages as the CSS classes `avatar--0` … `avatar--7` in
# hub/static/css/site.css and in the Wagtail admin as an SVG image (`initials_svg_data_url`);
# each dark enough for white letters (WCAG AA, tests check the contrast and that both agree).
PALETTE = (
    "#1d4ed8",
    "#0f766e",
    "#15803d",
    "#a16207",
    "#b91c1c",
    "#7e22ce",
    "#be185d",
    "#c2410c",
)
PALETTE_SIZE = len(PALETTE)
NEUTRAL_COLOUR = "#475569"


@dataclass(frozen=True)
class Avatar:
    """What `includes/avatar.html` draws: `url` when the viewer may see the picture, else
    `initials` on colour `colour`; no initials when the name is hidden (a neutral circle)."""

    url: str | None
    initials: str
    colour: int | None

    @property
    def is_neutral(self) -> bool:
        return self.url is None and not self.initials


NEUTRAL = Avatar(url=None, initials="", colour=None)


def initials(name: str) -> str:
    """One or two capitals: of the first and the last word, titles such as "Dr." left out."""
    words = [word for word in name.split() if word[0].isalnum() and not word.endswith(".")]
    if not words:
        words = [word for word in name.split() if word[0].isalnum()]
    if not words:
        return ""
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def colour_for(member_id: int) -> int:
    """The same colour for a member on every page and after every rename."""
    return member_id % PALETTE_SIZE


def avatar_for(*, member_id: int | None, name: str | None, picture_url: str | None) -> Avatar:
    """The avatar of a member as one viewer sees it: `name` and `picture_url` are what that
    viewer may see (None where hidden)."""
    if member_id is None:
        return NEUTRAL
    letters = initials(name) if name else ""
    if picture_url is None and not letters:
        return NEUTRAL
    return Avatar(url=picture_url, initials=letters, colour=colour_for(member_id))


def svg_data_url(avatar: Avatar) -> str:
    """The initials avatar as an image, for places that take only an image URL (the Wagtail
    admin's `avatar_url`): a data: URL, so nothing is fetched from anywhere."""
    colour = NEUTRAL_COLOUR if avatar.colour is None else PALETTE[avatar.colour]
    letters = escape(avatar.initials or "?")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" fill="{colour}"/>'
        '<text x="32" y="32" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="Fira Sans, Arial, sans-serif" font-size="26" font-weight="600">'
        f"{letters}</text>"
        "</svg>"
    )
    return "data:image/svg+xml," + quote(svg)
