"""What editors maintain for search in the Wagtail admin: word parts and synonyms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from search.models import SynonymGroup, WordPart


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
