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


SECTIONS: tuple[Section, ...] = (
    Section(_("Wissen"), "knowledge:index"),
    Section(_("Lernen"), "peer_learning:catalogue"),
    Section(_("Austausch"), "discussions:index"),
    Section(_("Mitglieder"), "members:directory"),
    Section(_("Suche"), "search:search"),
)


@dataclass(frozen=True)
class NavigationItem:
    label: str | Promise
    url: str
    is_current: bool


def navigation_items(current_path: str) -> list[NavigationItem]:
    items = []
    for section in SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        items.append(NavigationItem(section.label, url, current_path.startswith(url)))
    return items
