"""Avatars drawn on our own pages: the uploaded picture, else initials on a colour of the
member's own. Never a third-party service (no Gravatar): nothing about a member leaves the site.
"""

from __future__ import annotations

from dataclasses import dataclass

# Background colours are the CSS classes `avatar--0` … `avatar--7` in hub/static/css/site.css,
# each dark enough for white letters (WCAG AA, tests check the contrast).
PALETTE_SIZE = 8


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
