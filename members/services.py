"""Writes for accounts and profiles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from core import personal_data
from core.links import absolute_url
from core.mail import mail_render_each, mails_send_on_commit
from members.models import (
    Approval,
    Organisation,
    Profile,
    TermsAcceptance,
    TermsVersion,
    User,
)
from members.roles import Role
from members.selectors import account_reviewers, email_domain_admitted


@transaction.atomic
def member_ensure_profile(*, user: User, display_name: str = "") -> Profile:
    """Give a new account its profile and the member role; existing ones stay untouched.

    `display_name` is a suggestion for new profiles, e.g. the `name` claim of a sign-on provider.
    """
    default_name = display_name.strip()[:120] or user.get_full_name() or user.email.split("@")[0]
    profile, created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": default_name}
    )
    if created:
        member_group, _created = Group.objects.get_or_create(name=Role.MEMBER)
        user.groups.add(member_group)
    return profile


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    position: str = "",
    roles: tuple[Role, ...] = (),
) -> User:
    """Create a verified member with profile and roles (used by the demo and administrators)."""
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        approval=Approval.APPROVED,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    profile = member_ensure_profile(user=user)
    profile.display_name = f"{first_name} {last_name}".strip() or profile.display_name
    profile.organisation = organisation
    profile.position = position
    profile.save()
    for role in roles:
        group, _created = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


@transaction.atomic
def profile_update(*, profile: Profile, data: dict[str, Any]) -> Profile:
    """Save validated profile data (from `ProfileForm.cleaned_data`), tags included."""
    expertise = data.pop("expertise", None)
    interests = data.pop("interests", None)
    # Read the stored name: a ModelForm has already put the new file on the instance.
    replaced_avatar = (
        Profile.objects.filter(pk=profile.pk).values_list("avatar", flat=True).first() or ""
        if "avatar" in data
        else ""
    )
    for field, value in data.items():
        # As ModelForm does: None keeps a file, False clears it.
        model_field = Profile._meta.get_field(field)
        assert isinstance(model_field, models.Field)
        model_field.save_form_data(profile, value)
    profile.full_clean()
    profile.save()
    if replaced_avatar and replaced_avatar != profile.avatar.name:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(replaced_avatar))
    if expertise is not None:
        profile.expertise.set(expertise, clear=True)
    if interests is not None:
        profile.interests.set(interests, clear=True)
    return profile


def member_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the member, one part per contributing app."""
    return {
        "format": "kollegium-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        **{
            contributor.name: contributor.export(user)
            for contributor in personal_data.contributors()
        },
    }


@transaction.atomic
def member_delete(*, user: User) -> None:
    """Delete the account and its personal data.

    Apps first anonymise what the member authored, so others' discussions and articles stay
    readable ("ehemaliges Mitglied"); then the account goes, and with it profile, e-mail
    addresses and tags.
    """
    for contributor in personal_data.contributors():
        if contributor.erase is not None:
            contributor.erase(user)
    avatar = Profile.objects.filter(user=user).values_list("avatar", flat=True).first()
    if avatar:
        storage = Profile._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(avatar))
    # Other sessions of the account die with it: Django finds no user behind them any more
    # (primary keys are never reused) and treats them as anonymous.
    user.delete()


def _mail_on_commit(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """Send `members/email/<template>` to each recipient after commit."""
    mails_send_on_commit(
        mail_render_each(f"members/email/{template}", recipients=recipients, context=context)
    )


def _approval_set(user: User, approval: Approval) -> None:
    user.approval = approval
    user.approval_changed_at = timezone.now()
    user.save(update_fields=["approval", "approval_changed_at"])


def _reviewers_notify(user: User) -> None:
    profile = Profile.objects.filter(user=user).first()
    _mail_on_commit(
        "account_review_requested",
        account_reviewers().values_list("email", flat=True),
        {
            "email": user.email,
            "display_name": profile.display_name if profile else "",
            "date_joined": user.date_joined,
            "review_url": absolute_url("members_account_review"),
        },
    )


@transaction.atomic
def account_admit(*, user: User) -> User:
    """Decide at sign-up who gets in: addresses on the allowlist at once, everyone else waits.

    Editors hear of a waiting account once its address is confirmed (at once for sign-on
    accounts whose provider vouches for the address), so unconfirmed sign-ups never reach them.
    """
    if email_domain_admitted(user.email):
        _approval_set(user, Approval.APPROVED)
        return user
    _approval_set(user, Approval.PENDING)
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        _reviewers_notify(user)
    return user


@transaction.atomic
def account_setup(*, user: User, display_name: str = "") -> User:
    """A new account, by password or sign-on, gets its profile and the member role, and the
    allowlist decides whether it is in (a provider may serve more than the public sector):
    together, so no account is left with a profile but no admission decision."""
    member_ensure_profile(user=user, display_name=display_name)
    return account_admit(user=user)


@transaction.atomic
def account_email_confirmed(*, user: User, email: str) -> User:
    """A confirmed allowlisted address lets a waiting or declined account in; otherwise a
    waiting account now goes to the editors' queue."""
    if user.approval == Approval.APPROVED:
        return user
    if email_domain_admitted(email):
        _approval_set(user, Approval.APPROVED)
    elif user.approval == Approval.PENDING:
        _reviewers_notify(user)
    return user


@transaction.atomic
def account_approve(*, user: User) -> User:
    """An editor lets the account in; the member is told by mail."""
    if user.approval == Approval.APPROVED:
        return user
    _approval_set(user, Approval.APPROVED)
    _mail_on_commit(
        "account_approved",
        [user.email],
        {"profile_url": absolute_url("members:profile_edit")},
    )
    return user


@transaction.atomic
def account_decline(*, user: User, reason: str = "") -> User:
    """An editor turns the account away. It stays usable for what the public sees, so the
    person can still take their data and delete the account themselves."""
    if user.approval == Approval.DECLINED:
        return user
    _approval_set(user, Approval.DECLINED)
    _mail_on_commit(
        "account_declined",
        [user.email],
        {"reason": reason.strip(), "delete_url": absolute_url("members:account_delete")},
    )
    return user


def terms_accept(*, user: User, terms: TermsVersion) -> TermsAcceptance:
    """Record the member's consent to one terms version (idempotent: double submits are fine)."""
    acceptance, _created = TermsAcceptance.objects.get_or_create(user=user, terms=terms)
    return acceptance


def account_login_throttled_notify(*, email: str, attempts: int, window: int) -> bool:
    """Tell the member behind `email` that wrong passwords for the account reached `attempts`
    within `window` seconds; at most one mail per window, however often the limit refuses.

    Returns whether a mail went out (none for addresses without an active account, so the
    limit behaves the same for addresses nobody uses).
    """
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    if not cache.add(f"kollegium:login-throttled-mail:{digest}", True, timeout=window):
        return False
    user = next(iter(filter_users_by_email(email, is_active=True, prefer_verified=True)), None)
    if user is None:
        return False
    _mail_on_commit(
        "login_throttled",
        [user.email],
        {
            "attempts": attempts,
            "minutes": max(1, window // 60),
            "reset_url": absolute_url("account_reset_password"),
            "mfa_url": absolute_url("mfa_index"),
        },
    )
    return True
