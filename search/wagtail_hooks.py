"""What editors maintain for search in the Wagtail admin: word parts and synonyms, what search
learned from the texts (read only), and the report of content gaps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import URLResolver, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_reports import report_urls
from search.models import LearnedAbbreviation, LearnedWordPart, SynonymGroup, WordPart
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


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Derived data: who may view it sees it; nobody adds, changes or deletes it by hand (the
    next indexing would undo it). Editors correct it with their own lists, which win."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> Any:
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


for learned_model in (LearnedWordPart, LearnedAbbreviation):
    register_permission_policy(learned_model, ViewOnlyPermissionPolicy(learned_model))


class LearnedAbbreviationViewSet(SnippetViewSet):
    model = LearnedAbbreviation
    icon = "link"
    menu_label = _("Gelernte Abkürzungen")
    list_display = ["abbreviation", "long_form", "source_title"]
    search_fields = ["abbreviation", "long_form"]
    inspect_view_enabled = True


class LearnedWordPartViewSet(SnippetViewSet):
    model = LearnedWordPart
    icon = "cut"
    menu_label = _("Gelernte Wortbestandteile")
    list_display = ["text"]
    search_fields = ["text"]
    inspect_view_enabled = True


class SearchListsViewSetGroup(SnippetViewSetGroup):
    items = (
        WordPartViewSet,
        SynonymGroupViewSet,
        LearnedAbbreviationViewSet,
        LearnedWordPartViewSet,
    )
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
