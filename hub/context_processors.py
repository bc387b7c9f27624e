from typing import Any

from django.http import HttpRequest

from hub.navigation import navigation_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"navigation_items": navigation_items(request.path)}
