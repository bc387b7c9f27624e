"""The member's choice to be asked; it stands on the notifications page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from experts.forms import RoutingPreferenceForm
from experts.services import routing_preference_set
from members.http import AuthenticatedHttpRequest


@login_required
@require_POST
def routing_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoutingPreferenceForm(request.POST)
    if form.is_valid():
        routing_preference_set(member=request.user, enabled=form.cleaned_data["enabled"])
        messages.success(request, _("Ihre Einstellung ist gespeichert."))
    return redirect("discussions:notifications")
