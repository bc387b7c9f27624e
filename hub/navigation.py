"""The main navigation, defined once.

Each section links to the URL name its feature registers. A section whose feature has not been
built yet has no URL name to resolve and is left out, so the navigation never links to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    label: str | Promise
    url_name: str
    # Shown only to approved members: the page is empty for anyone else.
    members_only: bool = False


SECTIONS: tuple[Section, ...] = (
    Section(_("Wissen"), "knowledge:index"),
    Section(_("Lernen"), "peer_learning:catalogue"),
    Section(_("Austausch"), "discussions:index"),
    Section(_("Fragen"), "discussions:questions", members_only=True),
    Section(_("Mitglieder"), "members:directory"),
    Section(_("Suche"), "search:search"),
)


@dataclass(frozen=True)
class NavigationItem:
    label: str | Promise
    url: str
    is_current: bool


def navigation_items(current_path: str, *, is_member: bool = False) -> list[NavigationItem]:
    """The sections the visitor sees; the current one is the section whose address is the
    longest start of the path (the questions live under the discussions' address)."""
    sections = []
    for section in SECTIONS:
        if section.members_only and not is_member:
            continue
        try:
            sections.append((section, reverse(section.url_name)))
        except NoReverseMatch:
            continue
    current = max(
        (url for _section, url in sections if current_path.startswith(url)), key=len, default=None
    )
    return [NavigationItem(section.label, url, url == current) for section, url in sections]
