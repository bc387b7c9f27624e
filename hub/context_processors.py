from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hub.navigation import navigation_items
from members.selectors import member_avatar


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, and the signed-in member's own face for the header."""
    context: dict[str, Any] = {"navigation_items": navigation_items(request.path)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["viewer_avatar"] = SimpleLazyObject(lambda: member_avatar(user, viewer=user))
    return context
