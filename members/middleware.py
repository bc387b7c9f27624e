"""Gates a signed-in member must pass: MFA set up where their role requires it, and consent to
the terms in force."""

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
    {
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
        "members:terms",
        "members:terms_accept",
    }
)


TERMS_PENDING_SESSION_KEY = "kollegium_terms_pending"


class _Gate:
    """A page a signed-in member must pass before anything else; subclasses say where to."""

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
        gate = self.gate_url_name(request)
        if gate is None:
            return None
        return redirect_to_login(request.get_full_path(), login_url=gate)

    def gate_url_name(self, request: HttpRequest) -> str | None:
        raise NotImplementedError


class MFARequiredMiddleware(_Gate):
    """Members whose role requires MFA set up a second factor first (one query per request)."""

    def gate_url_name(self, request: HttpRequest) -> str | None:
        if not member_lacks_required_mfa(user=request.user):
            return None
        messages.warning(
            request,
            _(
                "Ihre Rolle erfordert eine Anmeldung in zwei Schritten. Bitte richten Sie "
                "jetzt eine Authenticator-App ein (oder unter „Zwei-Faktor-Authentifizierung“ "
                "einen Sicherheitsschlüssel)."
            ),
        )
        return "mfa_activate_totp"


class TermsConsentMiddleware(_Gate):
    """Members accept new terms first, while the session says they await acceptance.

    The login sets the flag (one query per login, none per request); accepting clears it.
    """

    def gate_url_name(self, request: HttpRequest) -> str | None:
        return "members:terms_accept" if request.session.get(TERMS_PENDING_SESSION_KEY) else None


def _is_allowed(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.view_name in ALLOWED_URL_NAMES or (match.url_name or "").startswith("mfa_")
