"""What editors maintain for search in the Wagtail admin: word parts and synonyms, and the
report of content gaps."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLResolver, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_reports import report_urls
from search.models import SynonymGroup, WordPart
from search.reports import SearchGapsReport


class WordPartViewSet(SnippetViewSet):
    model = WordPart
    icon = "cut"
    menu_label = _("Wortbestandteile")
    list_display = ["text"]
    search_fields = ["text"]
    form_fields = ["text"]


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "link"
    menu_label = _("Synonyme und Abkürzungen")
    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]
    form_fields = ["terms", "note"]


class SearchListsViewSetGroup(SnippetViewSetGroup):
    items = (WordPartViewSet, SynonymGroupViewSet)
    menu_icon = "search"
    menu_label = _("Suche")
    menu_order = 330


register_snippet(SearchListsViewSetGroup)


@hooks.register("register_admin_urls")
def search_report_urls() -> list[URLResolver]:
    return [
        report_urls("berichte/suche/", "search_reports", {"gaps": ("luecken", SearchGapsReport)})
    ]


class SearchGapsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return SearchGapsReport.permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def search_gaps_menu_item() -> MenuItem:
    return SearchGapsMenuItem(
        _("Inhaltslücken"),
        reverse("search_reports:gaps"),
        name="search-gaps",
        icon_name="search",
        order=780,
    )
