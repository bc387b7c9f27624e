"""Admin integration: the topic taxonomy, the member chooser, the page cache for pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_reports import report_urls
from core.page_cache import mark_cacheable
from hub.knowledge.choosers import profile_chooser_viewset
from hub.knowledge.reports import (
    PendingSubmissionsReport,
    PracticeFeedbackReport,
    StalePracticePagesReport,
)
from hub.models import AccessibilityFeedback, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Themen")
    add_to_admin_menu = True
    menu_order = 290
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]


register_snippet(TopicViewSet)


@hooks.register("register_admin_viewset")
def register_profile_chooser() -> Any:
    return profile_chooser_viewset


class AccessibilityFeedbackViewSet(ModelViewSet):
    """Editors read the feedback sent through the accessibility statement and delete it once
    answered; they get no add or change permission (hub migration 0007)."""

    model = AccessibilityFeedback
    icon = "help"
    menu_label = _("Barrierefreiheit")
    add_to_admin_menu = True
    menu_order = 295
    url_prefix = "barrierefreiheit/rueckmeldungen"
    url_namespace = "accessibility_feedback"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["message", "name", "email", "page_address", "created_at"]
    search_fields = ["message", "name", "email", "page_address"]
    form_fields = ["message", "name", "email", "page_address"]


@hooks.register("register_admin_viewset")
def register_accessibility_feedback() -> ModelViewSet:
    return AccessibilityFeedbackViewSet()


ServePage = Callable[[Any, HttpRequest, Any, Any], HttpResponseBase]


@hooks.register("on_serve_page")
def cache_pages_for_anonymous_visitors(serve_page: ServePage) -> ServePage:
    """Published pages are public content: the page cache may keep them for anonymous visitors
    (it stores nothing that set a cookie or came from a signed-in session)."""

    def serve(page: Any, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponseBase:
        return mark_cacheable(serve_page(page, request, args, kwargs))

    return serve


@hooks.register("register_admin_urls")
def register_report_urls() -> list[Any]:
    return [
        report_urls(
            "berichte/wissen/",
            "knowledge_reports",
            {
                "pending": ("offen", PendingSubmissionsReport),
                "stale": ("veraltet", StalePracticePagesReport),
                "feedback": ("rueckmeldungen", PracticeFeedbackReport),
            },
        )
    ]


page_permission_policy = PagePermissionPolicy()


class _EditorReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return page_permission_policy.user_has_permission(request.user, "publish")


@hooks.register("register_reports_menu_item")
def register_pending_submissions_menu_item() -> MenuItem:
    return _EditorReportMenuItem(
        _("Offene Einreichungen"),
        reverse("knowledge_reports:pending"),
        name="knowledge-pending",
        icon_name="tasks",
        order=750,
    )


@hooks.register("register_reports_menu_item")
def register_stale_menu_item() -> MenuItem:
    return _EditorReportMenuItem(
        _("Veraltete Beiträge"),
        reverse("knowledge_reports:stale"),
        name="knowledge-stale",
        icon_name="time",
        order=760,
    )


@hooks.register("register_reports_menu_item")
def register_feedback_menu_item() -> MenuItem:
    return _EditorReportMenuItem(
        _("Rückmeldungen zu Beiträgen"),
        reverse("knowledge_reports:feedback"),
        name="knowledge-feedback",
        icon_name="pick",
        order=770,
    )
