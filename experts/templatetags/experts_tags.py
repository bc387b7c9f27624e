"""The "Fragen an mich weiterleiten" form and the learning wishes the member was asked about,
for the notifications page of the discussions app, and whether an article's authors can be
asked, for the practice page of the hub: those apps do not know this one, so their pages load
the tags, and the tags read the setting, the requests and the authors."""

from __future__ import annotations

from typing import Any

from django import template

from experts.forms import RoutingPreferenceForm
from experts.selectors import (
    article_has_askable_author,
    routing_enabled,
    wish_request_reasons_for,
    wish_requests_for,
)
from hub.models import PracticePage
from members.selectors import is_network_member, member_name

register = template.Library()


@register.inclusion_tag("experts/routing_preference_form.html", takes_context=True)
def routing_preference_form(context: template.Context) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not is_network_member(user):
        return {"shown": False}
    form = RoutingPreferenceForm(initial={"enabled": routing_enabled(member=user)})
    return {"shown": True, "form": form, "request": context.get("request")}


# As many as the notifications page lists of the other notifications' newest.
ROUTED_WISHES = 20


@register.inclusion_tag("experts/routed_wishes.html", takes_context=True)
def routed_wishes(context: template.Context) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not is_network_member(user):
        return {"requests": []}
    return {
        "requests": [
            (request, member_name(request.wish.author))
            for request in wish_requests_for(member=user, limit=ROUTED_WISHES)
            if request.wish is not None
        ]
    }


@register.simple_tag(takes_context=True)
def wish_request_reasons(context: template.Context, wish_ids: list[int]) -> dict[int, str]:
    """Why the viewer was asked about each of these learning wishes (wish id -> reason), in one
    query, for the board of the peer-learning app, which does not know this app."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not is_network_member(user):
        return {}
    return wish_request_reasons_for(member=user, wish_ids=wish_ids)


@register.filter
def reason_for(reasons: dict[int, str], wish_id: int) -> str:
    return reasons.get(wish_id, "")


@register.simple_tag(takes_context=True)
def article_authors_askable(context: template.Context, article: PracticePage) -> bool:
    """Whether the practice page offers "Frage an die Autor:innen" to the viewer: not when
    every credited author left the network or switched routing off (nobody would be asked)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not is_network_member(user):
        return False
    return article_has_askable_author(article=article, viewer=user)
