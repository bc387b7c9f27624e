"""The editors' queue of accounts waiting to be let into the network (Wagtail admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_required
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members.models import Approval, User
from members.selectors import accounts_awaiting_review, declined_accounts
from members.services import account_approve, account_decline

REVIEW_PERMISSION = "members.review_account"
review_permission_required = permission_required(REVIEW_PERMISSION)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung für die Person (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@method_decorator(review_permission_required, name="dispatch")
class AccountReviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/account_review.html"
    page_title = _("Freischaltungen")
    header_icon = "user"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            pending=accounts_awaiting_review(),
            declined=declined_accounts()[:50],
            decline_form=DeclineForm(),
            **kwargs,
        )


def _account(pk: int) -> User:
    return get_object_or_404(User, pk=pk, is_active=True)


@review_permission_required
@require_POST
def account_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(pk)
    if user.approval == Approval.APPROVED:
        messages.info(request, gettext("%(email)s ist bereits freigeschaltet.") % {"email": user})
    else:
        account_approve(user=user)
        messages.success(
            request,
            gettext("%(email)s ist freigeschaltet und wurde benachrichtigt.") % {"email": user},
        )
    return redirect("members_account_review")


@review_permission_required
@require_POST
def account_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(pk)
    form = DeclineForm(request.POST)
    if user.approval == Approval.APPROVED:
        messages.error(
            request,
            gettext(
                "%(email)s ist bereits freigeschaltet; hier lassen sich nur wartende Konten "
                "ablehnen."
            )
            % {"email": user},
        )
    elif user.approval == Approval.DECLINED:
        messages.info(request, gettext("%(email)s ist bereits abgelehnt.") % {"email": user})
    elif not form.is_valid():
        messages.error(
            request,
            gettext(
                "Die Begründung darf höchstens 1000 Zeichen lang sein. %(email)s wartet weiter."
            )
            % {"email": user},
        )
    else:
        account_decline(user=user, reason=form.cleaned_data["reason"])
        messages.success(
            request, gettext("%(email)s wurde abgelehnt und benachrichtigt.") % {"email": user}
        )
    return redirect("members_account_review")
