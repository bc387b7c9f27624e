"""Template helpers the channel page and the live events share, so a message looks the same
whether the server rendered the page or the socket delivered it."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from discussions.rendering import MENTION_MARKUP, OWN_MENTION_MARKUP

register = template.Library()


@register.simple_tag
def message_time(moment: datetime) -> SafeString:
    """Relative to today as chats write it: the clock time for today, "gestern" with the time for
    yesterday, the date with the time before; the full date in the title."""
    local = timezone.localtime(moment)
    days_ago = (timezone.localdate() - local.date()).days
    if days_ago == 0:
        shown = date_format(local, "H:i")
    elif days_ago == 1:
        shown = _("gestern, %(time)s") % {"time": date_format(local, "H:i")}
    else:
        shown = date_format(local, "j. M Y, H:i")
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        date_format(local, "j. F Y, H:i"),
        shown,
    )


@register.filter
def mentions_of(html: str, member_id: int | None) -> SafeString:
    """The sanitised message HTML with the viewer's own mentions marked (`mention--me`)."""
    if not member_id:
        return mark_safe(html)  # noqa: S308 - sanitised when the message was stored
    return mark_safe(  # noqa: S308 - only our own mention markup is changed
        html.replace(MENTION_MARKUP.format(id=member_id), OWN_MENTION_MARKUP.format(id=member_id))
    )
