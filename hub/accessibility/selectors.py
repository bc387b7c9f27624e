from __future__ import annotations

from django.db.models import QuerySet

from core.page_cache import cached_until_published
from hub.models import AccessibilityStatementPage
from members.models import Approval, User
from members.roles import Role


def accessibility_statement_url() -> str:
    """The statement's address for every page's footer; empty while none is published.

    Kept with the published values so that the footer costs no query per page; publishing or
    unpublishing the page starts a new cache generation.
    """

    def compute() -> str:
        page = AccessibilityStatementPage.objects.live().first()
        if page is None:
            return ""
        return page.get_url() or ""

    return cached_until_published("accessibility-statement:url", compute)


def accessibility_feedback_recipients() -> QuerySet[User]:
    """Who reads the feedback: the active, approved members of the editors' role."""
    return (
        User.objects.filter(groups__name=Role.EDITOR, is_active=True, approval=Approval.APPROVED)
        .distinct()
        .order_by("pk")
    )
