"""What editors do for members in the Wagtail admin: the list of administrations, the terms,
the e-mail domain allowlist and the queue of accounts waiting to be let in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.site_summary import SummaryItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from members.admin_views import (
    REVIEW_PERMISSION,
    AccountReviewView,
    account_approve_view,
    account_decline_view,
)
from members.avatars import svg_data_url
from members.models import EmailDomainRule, Organisation, TermsVersion
from members.selectors import accounts_awaiting_review, member_avatar


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


class EmailDomainRuleViewSet(SnippetViewSet):
    model = EmailDomainRule
    icon = "mail"
    menu_label = _("Freigegebene Domains")
    add_to_admin_menu = True
    menu_order = 320
    list_display = ["pattern", "note"]
    search_fields = ["pattern", "note"]


register_snippet(EmailDomainRuleViewSet)


@hooks.register("register_admin_urls")
def account_review_urls() -> list[URLPattern]:
    return [
        path("freischaltungen/", AccountReviewView.as_view(), name="members_account_review"),
        path(
            "freischaltungen/<int:pk>/freischalten/",
            account_approve_view,
            name="members_account_approve",
        ),
        path(
            "freischaltungen/<int:pk>/ablehnen/",
            account_decline_view,
            name="members_account_decline",
        ),
    ]


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def account_review_menu_item() -> MenuItem:
    return ReviewerMenuItem(
        _("Freischaltungen"), reverse("members_account_review"), icon_name="user", order=305
    )


class AccountReviewSummaryItem(SummaryItem):
    order = 150
    template_name = "members/admin/summary_account_review.html"

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        return {"waiting": accounts_awaiting_review().count()}

    def is_shown(self) -> bool:
        return self.request.user.has_perm(REVIEW_PERMISSION)


@hooks.register("construct_homepage_summary_items")
def account_review_summary(request: HttpRequest, summary_items: list[SummaryItem]) -> None:
    summary_items.append(AccountReviewSummaryItem(request))


@hooks.register("get_avatar_url")
def member_avatar_url(user: Any, size: int) -> str:
    """The admin shows a member's own avatar, as the network sees it: their picture, else their
    initials on their colour (never Wagtail's Gravatar or grey default)."""
    avatar = member_avatar(user)
    return avatar.url or svg_data_url(avatar)
