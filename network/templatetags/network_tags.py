"""Follow and Merken buttons for any page that shows something members may follow or keep.

Each button costs one query; pages showing many (a channel's messages) ask for the kept ones
at once with `bookmarked_message_ids`. Nothing is rendered for visitors and pending accounts,
so pages kept for anonymous visitors carry no form or CSRF token.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model
from django.utils.translation import gettext as _

from members.selectors import is_network_member
from network import selectors

register = template.Library()

_NOTHING: dict[str, Any] = {"shown": False}
# Named per kind: a profile shows one button for the person and one for their organisation.
_FOLLOW_LABELS = {
    "Topic": lambda: _("Thema folgen"),
    "Channel": lambda: _("Kanal folgen"),
    "User": lambda: _("Folgen"),
    "Organisation": lambda: _("Organisation folgen"),
}


@register.inclusion_tag("includes/network_toggle.html", takes_context=True)
def follow_button(
    context: template.Context, target: Model | None, small: bool = False
) -> dict[str, Any]:
    """ "Folgen" for a topic, channel, organisation or member (their account)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if target is None or user is None or not selectors.may_follow(viewer=user, target=target):
        return _NOTHING
    return {
        "shown": True,
        "request": request,
        "action": selectors.follow_url(target),
        "pressed": selectors.is_followed(member=user, target=target),
        "label": _FOLLOW_LABELS[type(target).__name__](),
        "small": small,
    }


@register.inclusion_tag("includes/network_toggle.html", takes_context=True)
def bookmark_button(
    context: template.Context,
    target: Model,
    pressed: bool | None = None,
    small: bool = False,
    live: bool = False,
) -> dict[str, Any]:
    """ "Merken" for an article, course or message. `pressed` may come from
    `bookmarked_message_ids` rather than a query.

    `live` renders it in a live message's markup, for no one in particular: only members read
    channels, a new message is on nobody's Merkliste yet, and the page's script adds its CSRF
    token and keeps the pressed state when an edited message's markup replaces it."""
    button = {"shown": True, "action": selectors.bookmark_url(target), "label": _("Merken")}
    if live:
        return {**button, "pressed": False, "small": small}
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_network_member(user):
        return _NOTHING
    return {
        **button,
        "request": request,
        "pressed": (
            selectors.is_bookmarked(member=user, target=target) if pressed is None else pressed
        ),
        "small": small,
    }


@register.simple_tag(takes_context=True)
def bookmarked_message_ids(context: template.Context, entries: Any) -> set[int]:
    """The ids among these message entries the viewer keeps on their Merkliste."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_network_member(user):
        return set()
    ids = [entry.message.pk for entry in entries]
    return selectors.bookmarked_message_ids(member=user, message_ids=ids)
