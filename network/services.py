"""Writes for follows and the Merkliste. Each takes the state the member wants, so setting
the state a row already has changes nothing (a form sent twice, a double click)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from members.models import User
from network.models import Bookmark, Follow
from network.selectors import (
    bookmark_kind,
    follow_kind,
    follows_version_key,
    is_network_member,
    may_follow,
)


@transaction.atomic
def follow_set(*, member: User, target: Model, following: bool) -> bool:
    """Follow or unfollow a topic, channel, person (their account) or organisation.

    Unfollowing is always allowed, so a member can leave what they may no longer see."""
    lookup: dict[str, Any] = {"member": member, follow_kind(target).value: target}
    if not following:
        if Follow.objects.filter(**lookup).delete()[0]:
            _follows_changed_on_commit(member)
        return False
    if not may_follow(viewer=member, target=target):
        raise PermissionDenied(_("Dem können Sie nicht folgen."))
    _follow, created = Follow.objects.get_or_create(**lookup)
    if created:
        _follows_changed_on_commit(member)
    return True


def _follows_changed_on_commit(member: User) -> None:
    """Retire what was derived from the member's follows (their start page's new content),
    once the change is committed, for the reason `page_cache_retire_on_commit` gives."""
    key = follows_version_key(member.pk)

    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)

    transaction.on_commit(bump)


@transaction.atomic
def bookmark_set(*, member: User, target: Model, kept: bool) -> bool:
    """Put an article, course or message on the member's Merkliste, or take it off. The caller
    found the target through `bookmark_target`, which checks that the member may read it."""
    if not is_network_member(member):
        raise PermissionDenied(_("Die Merkliste gibt es für freigeschaltete Mitglieder."))
    lookup: dict[str, Any] = {"member": member, bookmark_kind(target).value: target}
    if kept:
        Bookmark.objects.get_or_create(**lookup)
    else:
        Bookmark.objects.filter(**lookup).delete()
    return kept
