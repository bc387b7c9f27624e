"""Admin integration: the topic taxonomy, the member chooser, the page cache for pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.knowledge.choosers import profile_chooser_viewset
from hub.models import Topic
from hub.page_cache import mark_cacheable


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


ServePage = Callable[[Any, HttpRequest, Any, Any], HttpResponseBase]


@hooks.register("on_serve_page")
def cache_pages_for_anonymous_visitors(serve_page: ServePage) -> ServePage:
    """Published pages are public content: the page cache may keep them for anonymous visitors
    (it stores nothing that set a cookie or came from a signed-in session)."""

    def serve(page: Any, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponseBase:
        return mark_cacheable(serve_page(page, request, args, kwargs))

    return serve
