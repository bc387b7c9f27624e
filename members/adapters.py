"""allauth hooks: the only place where account behaviour differs from allauth's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.client_address import client_address, client_network
from core.links import site_base_url
from core.mail import Mail, mails_send
from members.middleware import TERMS_PENDING_SESSION_KEY
from members.selectors import terms_awaiting_acceptance
from members.services import account_email_confirmed, account_login_throttled_notify, account_setup

# Wrong passwords for one e-mail address from every client address together (settings:
# ACCOUNT_RATE_LIMITS); "login_failed" counts them per e-mail and client address.
ACCOUNT_FAILURES = "login_failed_account"


@dataclass(frozen=True)
class MailSite:
    """What allauth's mails call `current_site`: their greeting ("Hallo von …") and sign-off
    name it. Taken from the settings, never from the request's Host header."""

    name: str
    domain: str


def mail_site() -> MailSite:
    return MailSite(name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(site_base_url()).netloc)


class AccountAdapter(DefaultAccountAdapter):
    # allauth's German says "du"; the site says "Sie" and tells when to try again (the key
    # period of ACCOUNT_RATE_LIMITS["login_failed"]).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Zum Schutz Ihres Kontos ist die "
            "Anmeldung vorübergehend gesperrt. Bitte versuchen Sie es in 15 Minuten erneut."
        ),
        "too_many_login_attempts_for_account": _(
            "Für dieses Konto gab es zu viele fehlgeschlagene Anmeldeversuche. Zu seinem Schutz "
            "ist die Anmeldung mit Passwort vorübergehend gesperrt. Bitte versuchen Sie es "
            "später erneut oder setzen Sie Ihr Passwort zurück; das hebt die Sperre auf."
        ),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth renders its mails (with the request at hand, as its own `send_mail` does);
        the site's mail pipeline sends them after commit. They carry reset and confirmation
        links, so they are sent from this process and never parked in the task table."""
        context = {
            "request": allauth_context.request,
            "email": email,
            "current_site": mail_site(),
            **context,
        }
        mail = Mail.from_message(self.render_mail(template_prefix, email, context))
        transaction.on_commit(lambda: mails_send([mail]))

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count the address core/client_address.py finds, not the first
        X-Forwarded-For entry, which the client writes."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth counts wrong passwords per e-mail address, so five guesses from anywhere
        locked the member out. Counted per e-mail and client address, they lock out only the
        guesser; ACCOUNT_FAILURES watches the account as a whole."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_network(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_failure = ratelimit.consume(
            request,
            app="allauth.account",
            action=ACCOUNT_FAILURES,
            key=self._account_key(request, credentials),
        )
        if self._account_failure is None:
            # The password was not checked: this try must not use up the client's own attempts
            # for the time after the pause.
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts_for_account")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            # The right password is no failure: take back what pre_authenticate counted, as
            # allauth does for "login_failed".
            self._account_failure.rollback()
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """The wrong password that fills the account's limit tells the member (once per
        window: the limit refuses the next ones before they are checked)."""
        super().authentication_failed(request, **credentials)
        key = self._account_key(request, credentials)
        if not ratelimit.consume(
            request, app="allauth.account", action=ACCOUNT_FAILURES, key=key, dry_run=True
        ):
            rate = max(
                ratelimit.get_rates(app="allauth.account", action=ACCOUNT_FAILURES),
                key=lambda rate: rate.duration,
            )
            account_login_throttled_notify(
                email=credentials.get("email", ""), attempts=rate.amount, window=int(rate.duration)
            )

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """A password reset (proof of the mailbox) also lifts the lock of the whole account."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=ACCOUNT_FAILURES,
            key=self._account_key(request, credentials),
        )

    def _account_key(self, request: HttpRequest, credentials: dict[str, Any]) -> str:
        """allauth's key for the login attempts of one account (site and e-mail address)."""
        return super()._get_login_attempts_cache_key(request, **credentials)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # allauth's save and ours are one write: a failure leaves no half-made account behind
        # whose address could not sign up again.
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                account_setup(user=user)
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
        """New sign-on members get their profile, named after the provider's `name` claim, and
        pass the allowlist; allauth's save and ours are one write."""
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            claims = sociallogin.provider.extract_common_fields(sociallogin.account.extra_data)
            account_setup(user=user, display_name=claims.get("name") or "")
        return user
