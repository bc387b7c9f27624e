from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from discussions.selectors import unread_notification_count
from members.selectors import is_network_member


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header badge (None for visitors who cannot take part) and the
    words the live script writes (the badge, and the notice when the member was signed out).
    Only members who may take part get the live script (templates/base.html)."""
    user = request.user
    if not is_network_member(user):
        return {"unread_notifications": None}
    return {
        "unread_notifications": unread_notification_count(user_id=user.pk),
        "live_texts": {
            "unread": _("ungelesen"),
            "newNotification": _("Neu:"),
            "signedOut": _("Sie wurden abgemeldet. Diese Seite wird nicht mehr live aktualisiert."),
            "signIn": _("Erneut anmelden"),
            "loginUrl": reverse("account_login"),
        },
    }
