"""What the experts app shows on Mein Kollegium (core.sections): the open learning wishes the
member could help with."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.sections import Section
from experts.selectors import wishes_for

MATCHING_WISHES = 5


def matching_wishes_section(request: HttpRequest) -> Section | None:
    matches = wishes_for(member=request.user, limit=MATCHING_WISHES)
    if not matches:
        return None
    return Section(
        title=_("Lernwünsche, bei denen Sie helfen können"),
        template="experts/section_wishes.html",
        items=matches,
        more_url=reverse("peer_learning:wishes"),
        more_label=_("Alle Lernwünsche"),
    )
