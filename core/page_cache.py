"""Whole-page cache for anonymous visitors, on Django's cache framework.

Views opt in (`cache_for_anonymous`, and every Wagtail page through a hook). A response is
stored only for a request without session or message cookie (so nobody signed in, nothing
personal), only when it is a plain 200 that sets no cookie: a page that rendered a CSRF token
or a message sets one and is never stored. Cached pages are keyed by host, path with query and
interface language. Publishing, unpublishing, moving or deleting a page and changes to topics,
member profiles, sessions and seats start a new cache generation, which retires every stored
page at once; the timeout bounds anything else.

A change retires the cache once its transaction has committed (`page_cache_retire_on_commit`),
never inside it: see there why that order is the safe one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation

GENERATION_KEY = "kollegium:page-cache:generation"
_CACHEABLE = "_kollegium_cache_for_anonymous"
CACHE_HEADER = "X-Kollegium-Cache"
_UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store")
# Bounds a value derived from published content should a change slip past the generations.
PUBLISHED_VALUE_SECONDS = 3600

T = TypeVar("T")


def mark_cacheable(response: HttpResponseBase) -> HttpResponseBase:
    setattr(response, _CACHEABLE, True)
    return response


def cache_for_anonymous(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Let the page cache keep this view's responses for anonymous visitors."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_cacheable(view(request, *args, **kwargs))

    return wrapped


def page_cache_clear() -> None:
    """Retire every cached page now. Writes call `page_cache_retire_on_commit` instead."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def page_cache_retire_on_commit(*, using: str | None = None) -> None:
    """Retire every cached page once the current transaction commits (at once outside one).

    Every write that changes what an anonymous page shows calls this: through the signal
    receivers (`page_cache_retire_receiver`), and directly where the write sends no signal
    (`QuerySet.update()`, bulk writes) or nobody listens to it.

    Why after the commit: every reader takes the generation before it reads the rows (the
    middleware builds its key before the view runs, `cached_until_published` and
    `published_fragment_key` before their data is read). A generation started inside the
    transaction would let a request take the new generation, read the rows as they were
    before the commit and store them under it, where they stay until their timeout. Started
    after the commit, whatever is stored under the new generation was read after the commit;
    a request that reads between the commit and the retirement stores under the old
    generation, which the retirement abandons.

    Robust: the write has committed by then. A cache that fails here must neither turn the
    request into an error nor stop the side effects queued after it (mails) from running; the
    failure is logged and the timeouts bound what stays.
    """
    transaction.on_commit(page_cache_clear, using=using, robust=True)


def page_cache_retire_receiver(*, using: str | None = None, **_signal_kwargs: Any) -> None:
    """`page_cache_retire_on_commit` as a signal receiver (model signals name the database)."""
    page_cache_retire_on_commit(using=using)


def cached_until_published(
    name: str, compute: Callable[[], T], *, still_valid: Callable[[T], bool] | None = None
) -> T:
    """A value derived from what is published, e.g. the number of published articles.

    Kept until the next cache generation, so the same changes that retire cached pages retire
    it; unlike the pages it is shared by every viewer and is kept with the page cache turned
    off. `name` must say everything the value depends on; a value that also ages with the clock
    says through `still_valid` when it has to be computed afresh.
    """
    key = f"kollegium:published:{_generation()}:{name}"
    value = cache.get(key)
    if value is None or (still_valid is not None and not still_valid(value)):
        value = compute()
        cache.set(key, value, PUBLISHED_VALUE_SECONDS)
    return value


def published_fragment_key(*parts: object) -> str:
    """What a cached template fragment showing published content varies on (`{% cache %}`):
    the cache generation, and the parts, which name everything else it depends on."""
    return ":".join(str(part) for part in (_generation(), *parts))


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, timeout=None) or 0


def _is_anonymous_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    identity = "\n".join(
        (
            str(_generation()),
            translation.get_language() or "",
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
        )
    )
    return "kollegium:page:" + hashlib.sha256(identity.encode()).hexdigest()


def _storable(response: HttpResponseBase) -> bool:
    cache_control = response.headers.get("Cache-Control", "").lower()
    return (
        getattr(response, _CACHEABLE, False)
        and response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.cookies
        and not any(directive in cache_control for directive in _UNCACHEABLE_DIRECTIVES)
    )


class AnonymousPageCacheMiddleware:
    """Serves stored pages before anything else runs; stores what views allow.

    Sits after the language middleware (the key needs the language) and before sessions,
    authentication and CSRF, whose work a stored page does not need.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        timeout = settings.KOLLEGIUM_PAGE_CACHE_SECONDS
        if not timeout or not _is_anonymous_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[CACHE_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _storable(response):
            cache.set(key, response, timeout)
            response[CACHE_HEADER] = "miss"
        return response
