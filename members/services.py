"""Writes for accounts and profiles."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from hub import personal_data
from members.models import Approval, Organisation, Profile, TermsAcceptance, TermsVersion, User
from members.roles import Role


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
        Profile._meta.get_field(field).save_form_data(profile, value)
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


def terms_accept(*, user: User, terms: TermsVersion) -> TermsAcceptance:
    """Record the member's consent to one terms version (idempotent: double submits are fine)."""
    acceptance, _created = TermsAcceptance.objects.get_or_create(user=user, terms=terms)
    return acceptance
