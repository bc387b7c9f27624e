"""The "Fragen an mich weiterleiten" form, for the notifications page of the discussions app,
which does not know this app: the page loads the tag, and the tag reads the setting."""

from __future__ import annotations

from typing import Any

from django import template

from experts.forms import RoutingPreferenceForm
from experts.selectors import routing_enabled
from members.selectors import is_network_member

register = template.Library()


@register.inclusion_tag("experts/routing_preference_form.html", takes_context=True)
def routing_preference_form(context: template.Context) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not is_network_member(user):
        return {"shown": False}
    form = RoutingPreferenceForm(initial={"enabled": routing_enabled(member=user)})
    return {"shown": True, "form": form, "request": context.get("request")}
