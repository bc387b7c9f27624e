"""The moderation's place in the Wagtail admin: the queue of reported messages and the log."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.admin_reports import report_urls
from discussions.admin_views import (
    MODERATE_PERMISSION,
    FlagQueueView,
    ModerationLogView,
    flag_decide_view,
)
from discussions.reports import FlaggedMessagesReport
from discussions.selectors import may_read_flag_report


@hooks.register("register_admin_urls")
def moderation_urls() -> list[URLPattern | URLResolver]:
    return [
        path("meldungen/", FlagQueueView.as_view(), name="discussions_flag_queue"),
        path("meldungen/<int:pk>/entscheiden/", flag_decide_view, name="discussions_flag_decide"),
        path("moderationsprotokoll/", ModerationLogView.as_view(), name="discussions_log"),
        report_urls(
            "berichte/austausch/",
            "discussions_reports",
            {"flagged": ("gemeldet", FlaggedMessagesReport)},
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)


@hooks.register("register_admin_menu_item")
def flag_queue_menu_item() -> MenuItem:
    return ModeratorMenuItem(
        _("Meldungen"), reverse("discussions_flag_queue"), icon_name="warning", order=330
    )


@hooks.register("register_admin_menu_item")
def moderation_log_menu_item() -> MenuItem:
    return ModeratorMenuItem(
        _("Moderationsprotokoll"), reverse("discussions_log"), icon_name="list-ul", order=340
    )


class FlagReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_read_flag_report(request.user)


@hooks.register("register_reports_menu_item")
def flag_report_menu_item() -> MenuItem:
    return FlagReportMenuItem(
        _("Gemeldete Nachrichten"),
        reverse("discussions_reports:flagged"),
        name="discussions-flagged",
        icon_name="warning",
        order=770,
    )
