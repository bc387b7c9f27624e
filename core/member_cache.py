"""Personal lists of "Mein Kollegium" that are dear to compute, kept per member for a while.

A list is kept until one of its two generations moves on, or for `MEMBER_LIST_SECONDS` at most
(a list that also ages with the clock, such as questions waiting longer than a day, is at most
that late). The member's generation moves on with what the member does that changes their own
lists (`retire_member_lists(member_id)`: a follow, a tag, a vote); the shared one with what
others do that changes anyone's (`retire_member_lists()`: a question answered, a channel made
private). Both move on after the commit, so a list computed meanwhile from the old rows is
never kept under the new generation. Apps connect the receivers for their own rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

MEMBER_LIST_SECONDS = 300
_SHARED_GENERATION = "kollegium:member-lists:generation"


def _member_generation(member_id: int) -> str:
    return f"kollegium:member-lists:generation:{member_id}"


def cached_member_list(
    member: AbstractBaseUser | AnonymousUser, name: str, compute: Callable[[], list[T]]
) -> list[T]:
    """The member's list `name` as last computed, or `compute()` kept from now on. `name`
    must say everything else the list depends on. Nobody's list is kept for a visitor."""
    member_id = member.pk
    if member_id is None:
        return compute()
    generations = cache.get_many([_SHARED_GENERATION, _member_generation(member_id)])
    key = ":".join(
        (
            "kollegium:member-lists",
            str(generations.get(_SHARED_GENERATION, 0)),
            str(generations.get(_member_generation(member_id), 0)),
            str(member_id),
            name,
        )
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, MEMBER_LIST_SECONDS)
    return value


def kept_items(
    name: str, keys: Sequence[K], compute: Callable[[list[K]], dict[K, T]]
) -> dict[K, T]:
    """The items `name` under `keys` that look the same to every member (a question's row),
    kept until the shared generation moves on: `compute(missing keys)` returns the ones not
    kept, and they are kept from now on. A member's list computed afresh then reads only
    which items it holds; the items themselves are read once for everybody."""
    if not keys:
        return {}
    generation = cache.get(_SHARED_GENERATION, 0)
    cache_keys = {key: f"kollegium:member-lists:{generation}:{name}:{key}" for key in keys}
    found = cache.get_many(cache_keys.values())
    items = {key: found[cache_key] for key, cache_key in cache_keys.items() if cache_key in found}
    missing = [key for key in keys if key not in items]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {cache_keys[key]: item for key, item in computed.items()}, MEMBER_LIST_SECONDS
        )
        items.update(computed)
    return items


def _advance(key: str) -> None:
    # A new value rather than an increment, which would need the counter to exist.
    cache.set(key, time.time_ns(), timeout=None)


def retire_member_lists(member_id: int | None = None, *, using: str | None = None) -> None:
    """After the commit, compute the lists afresh: one member's, or everyone's (no id).
    Robust, as `core.page_cache.page_cache_retire_on_commit`: a cache failing after the
    commit must neither fail the request nor stop what was queued after it (mails); the
    failure is logged and `MEMBER_LIST_SECONDS` bounds what stays."""
    key = _SHARED_GENERATION if member_id is None else _member_generation(member_id)
    transaction.on_commit(lambda: _advance(key), using=using, robust=True)
