from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def contact_view(people: Any, profile: Any) -> Any:
    """The contact person as the viewer may see them (from `practice_page_people`), or None."""
    if people is None or profile is None:
        return None
    return people.contacts.get(profile.pk)
