"""Writes for accounts and profiles."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from members.models import Organisation, Profile, User
from members.roles import Role


@transaction.atomic
def member_ensure_profile(*, user: User) -> Profile:
    """Give a new account its profile and the member role; existing ones stay untouched."""
    default_name = user.get_full_name() or user.email.split("@", 1)[0]
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": default_name}
    )
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
        email=email, password=password, first_name=first_name, last_name=last_name
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
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    if expertise is not None:
        profile.expertise.set(expertise, clear=True)
    if interests is not None:
        profile.interests.set(interests, clear=True)
    return profile
