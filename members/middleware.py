"""Sends members whose role requires MFA to the TOTP setup until they have activated it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from members.selectors import member_lacks_required_mfa

# What a member may still reach before MFA is set up: every MFA page (setup, recovery codes),
# re-authentication (allauth asks for it before activating TOTP), logout, the language switch
# and the health check.
ALLOWED_URL_NAMES = frozenset(
    {"account_reauthenticate", "account_logout", "set_language", "healthz"}
)


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or _is_allowed(request):
            return None
        if not member_lacks_required_mfa(user=request.user):
            return None
        messages.warning(
            request,
            _(
                "Ihre Rolle erfordert eine Anmeldung in zwei Schritten. Bitte richten Sie "
                "jetzt eine Authenticator-App ein."
            ),
        )
        return redirect_to_login(request.get_full_path(), login_url="mfa_activate_totp")


def _is_allowed(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.url_name in ALLOWED_URL_NAMES or (match.url_name or "").startswith("mfa_")
