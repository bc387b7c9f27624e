"""allauth hooks: the only place where account behaviour differs from allauth's defaults."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from members.middleware import TERMS_PENDING_SESSION_KEY
from members.selectors import terms_awaiting_acceptance
from members.services import account_admit, account_email_confirmed, member_ensure_profile


class AccountAdapter(DefaultAccountAdapter):
    # allauth's German says "du"; the site says "Sie" and tells when to try again (the key
    # period of ACCOUNT_RATE_LIMITS["login_failed"]).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Zum Schutz Ihres Kontos ist die "
            "Anmeldung vorübergehend gesperrt. Bitte versuchen Sie es in 15 Minuten erneut."
        ),
    }

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            member_ensure_profile(user=user)
            account_admit(user=user)
        return user

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            account_email_confirmed(user=email_address.user, email=email_address.email)
        return confirmed

    def login(self, request: HttpRequest, user: Any) -> None:
        """Every login, password or sign-on, checks consent to the terms in force once."""
        super().login(request, user)
        if terms_awaiting_acceptance(user=user) is not None:
            request.session[TERMS_PENDING_SESSION_KEY] = True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """New sign-on members get their profile, named after the provider's `name` claim."""
        user = super().save_user(request, sociallogin, form=form)
        claims = sociallogin.provider.extract_common_fields(sociallogin.account.extra_data)
        member_ensure_profile(user=user, display_name=claims.get("name") or "")
        # The allowlist applies to sign-on accounts too: a provider may serve more than the
        # public sector.
        account_admit(user=user)
        return user
