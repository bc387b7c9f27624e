"""The editors' and moderators' report "Gemeldete Nachrichten" in the Wagtail admin."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView

from core.csv_export import SafeSpreadsheetExportMixin
from discussions.models import Flag, Message
from discussions.selectors import flagged_messages, is_moderator, may_read_flag_report

EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class FlaggedMessage:
    """One reported message as the report shows it to its viewer."""

    message_id: int
    excerpt: str
    channel_name: str
    report_count: int
    reasons: str
    first_reported_at: datetime.datetime
    days_open: int
    is_removed: bool


def _reasons(flags: Iterable[Flag]) -> str:
    counts = Counter(flag.get_reason_display() for flag in flags)
    return ", ".join(f"{reason} ({count})" for reason, count in counts.most_common())


def _excerpt(message: Message, *, moderator: bool) -> str:
    # Removed messages stay readable for the moderation only (services.messages, .moderation).
    if message.is_removed and not moderator:
        return gettext("(entfernt)")
    return Truncator(" ".join(message.source.split())).chars(EXCERPT_LENGTH)


class FlaggedMessagesReport(SafeSpreadsheetExportMixin, ReportView):
    """Open reports per message: excerpt, channel, how many reported it and why, since when."""

    page_title = _("Gemeldete Nachrichten")
    header_icon = "warning"
    results_template_name = "discussions/reports/flagged_messages_results.html"
    index_url_name = "discussions_reports:flagged"
    index_results_url_name = "discussions_reports:flagged_results"
    list_export = [
        "excerpt",
        "channel_name",
        "report_count",
        "reasons",
        "first_reported_at",
        "days_open",
    ]
    export_headings = {
        "excerpt": _("Nachricht"),
        "channel_name": _("Kanal"),
        "report_count": _("Meldungen"),
        "reasons": _("Gründe"),
        "first_reported_at": _("Zuerst gemeldet am"),
        "days_open": _("Offen seit Tagen"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read_flag_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return f"gemeldete-nachrichten-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self) -> Any:
        return flagged_messages(viewer=self.request.user)

    def decorate_paginated_queryset(self, object_list: Any) -> list[FlaggedMessage]:
        moderator = is_moderator(self.request.user)
        now = timezone.now()
        return [
            FlaggedMessage(
                message_id=message.pk,
                excerpt=_excerpt(message, moderator=moderator),
                channel_name=message.channel.name,
                report_count=message.report_count,
                reasons=_reasons(message.open_flags),
                first_reported_at=message.first_reported_at,
                days_open=(now - message.first_reported_at).days,
                is_removed=message.is_removed,
            )
            for message in object_list
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(may_moderate=is_moderator(self.request.user), **kwargs)
