"""Login backends that load the signed-in account with what every page asks about it.

Django's and allauth's backends read the bare account on each request; the MFA gate and the
header's admin link would then ask for its groups, authenticators and permissions in three
queries more (members.selectors.role_answers answers all in one).
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from members.models import User
from members.selectors import role_answers


class EmailPasswordBackend(ModelBackend):
    """Django's password check by e-mail address (Wagtail's and Django's admin login)."""

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        if user is not None:
            answers = role_answers(user_id=user.pk)
            user.preloaded_lacks_required_mfa = answers.lacks_required_mfa
            user.preloaded_holds_admin_permission = answers.holds_admin_permission
        return user


class AccountBackend(EmailPasswordBackend, AuthenticationBackend):
    """allauth's login (e-mail, login codes, MFA)."""
