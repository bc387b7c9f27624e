"""The moderation queue and log in the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_required
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from discussions import selectors
from discussions.models import Flag
from discussions.services.moderation import FlagDecision, flag_decide
from members.http import AuthenticatedHttpRequest

MODERATE_PERMISSION = selectors.MODERATE_PERMISSION
moderate_permission_required = permission_required(MODERATE_PERMISSION)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=FlagDecision.choices)
    note = forms.CharField(max_length=1000, required=False)


class _ModerationPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]


@method_decorator(moderate_permission_required, name="dispatch")
class FlagQueueView(_ModerationPage):
    template_name = "discussions/admin/flag_queue.html"
    page_title = _("Gemeldete Nachrichten")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            flags=selectors.open_flags()[:200], form=DecisionForm(), **kwargs
        )


@method_decorator(moderate_permission_required, name="dispatch")
class ModerationLogView(_ModerationPage):
    template_name = "discussions/admin/moderation_log.html"
    page_title = _("Moderationsprotokoll")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(actions=selectors.moderation_log()[:500], **kwargs)


@moderate_permission_required
@require_POST
def flag_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(Flag.objects.select_related("message__channel"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Bitte wählen Sie eine Entscheidung."))
        return redirect("discussions_flag_queue")
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        flag_decide(moderator=request.user, flag=flag, decision=decision, note=note)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, gettext("Ihre Entscheidung ist gespeichert und protokolliert."))
    return redirect("discussions_flag_queue")
