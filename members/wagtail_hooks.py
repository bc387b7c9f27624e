"""Editors keep the list of administrations in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from members.models import Organisation, TermsVersion


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Organisationen")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "level", "state"]
    list_filter = ["level", "state"]
    search_fields = ["name"]


register_snippet(OrganisationViewSet)


class TermsVersionViewSet(SnippetViewSet):
    model = TermsVersion
    icon = "doc-full"
    menu_label = _("Nutzungsbedingungen")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["version", "title", "published_at"]


register_snippet(TermsVersionViewSet)
