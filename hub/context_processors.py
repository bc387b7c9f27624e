from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hub.navigation import navigation_items
from members.selectors import is_network_member, member_avatar


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, and the signed-in member's own face for the header."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "navigation_items": navigation_items(
            request.path, is_member=user is not None and is_network_member(user)
        )
    }
    if user is not None and user.is_authenticated:
        context["viewer_avatar"] = SimpleLazyObject(lambda: member_avatar(user, viewer=user))
    return context
