"""Extension points of the home page, the topic pages and the content pages.

Features built later contribute a section in their `AppConfig.ready()`: upcoming sessions on the
home page, a topic's courses and channels on its topic page, similar solutions below a practice
or course page, and the member's own sections of "Mein Kollegium" (the home page of a signed-in,
approved member: their sessions, channels, questions, what they follow). A provider returns None
when it has nothing to show. What a provider shows ends
up in the page cache for anonymous visitors: a feature whose data changes outside page publishing
calls `core.page_cache.page_cache_retire_on_commit()` when it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    """A titled list rendered by `template` (which gets `section` in its context)."""

    title: str | Promise
    template: str
    items: Sequence[Any]
    more_url: str = ""
    more_label: str | Promise = ""


HomeSectionProvider = Callable[[HttpRequest], Section | None]
# Gets the request of an approved member (`request.user`); never cached, so it may be personal.
MemberHomeSectionProvider = Callable[[HttpRequest], Section | None]
TopicSectionProvider = Callable[[HttpRequest, Any], Section | None]
PageSectionProvider = Callable[[HttpRequest, Any], Section | None]


@dataclass
class _Registry:
    providers: dict[str, tuple[int, Callable[..., Section | None]]] = field(default_factory=dict)

    def register(self, name: str, provider: Callable[..., Section | None], order: int) -> None:
        self.providers[name] = (order, provider)

    def sections(self, *args: Any) -> list[Section]:
        ordered = sorted(self.providers.values(), key=lambda entry: entry[0])
        return [section for _order, provider in ordered if (section := provider(*args))]


_home = _Registry()
_topic = _Registry()
_page = _Registry()
_member_home_main = _Registry()
_member_home_aside = _Registry()


def register_home_section(name: str, provider: HomeSectionProvider, *, order: int) -> None:
    """E.g. peer_learning's upcoming sessions, shown after the latest articles."""
    _home.register(name, provider, order)


def register_member_home_section(
    name: str, provider: MemberHomeSectionProvider, *, order: int, aside: bool = False
) -> None:
    """A section of "Mein Kollegium", in the main column or (`aside`) beside it. Its query
    count must not grow with what the member follows, joins or is notified of."""
    (_member_home_aside if aside else _member_home_main).register(name, provider, order)


def register_topic_section(name: str, provider: TopicSectionProvider, *, order: int) -> None:
    """E.g. the courses or channels of a topic, shown after its articles."""
    _topic.register(name, provider, order)


def register_page_section(name: str, provider: PageSectionProvider, *, order: int) -> None:
    """E.g. search's similar solutions below a practice or course page (the Wagtail page)."""
    _page.register(name, provider, order)


def home_sections(request: HttpRequest) -> list[Section]:
    return _home.sections(request)


def member_home_sections(request: HttpRequest) -> tuple[list[Section], list[Section]]:
    """The member's sections for the main column and for the one beside it."""
    return _member_home_main.sections(request), _member_home_aside.sections(request)


def topic_sections(request: HttpRequest, topic: Any) -> list[Section]:
    return _topic.sections(request, topic)


def page_sections(request: HttpRequest, page: Any) -> list[Section]:
    return _page.sections(request, page)
