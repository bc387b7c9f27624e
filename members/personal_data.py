"""The members app's part of a member's data export."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount

from members.models import Profile, TermsAcceptance, User


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "approval": user.approval,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "single_sign_on": [
            {
                "provider": account.provider,
                "subject": account.uid,
                "connected_at": account.date_joined.isoformat(),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        # Secrets and recovery codes stay out: a stolen export must not unlock the account.
        "second_factors": [
            {
                "type": authenticator.type,
                "created_at": authenticator.created_at.isoformat(),
                "last_used_at": (
                    authenticator.last_used_at.isoformat() if authenticator.last_used_at else None
                ),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def export_profile(user: User) -> dict[str, Any] | None:
    profile = (
        # taggit's tag managers are unknown to django-stubs' prefetch check.
        Profile.objects.filter(user=user)  # type: ignore[misc]
        .select_related("organisation")
        .prefetch_related("expertise", "interests")
        .first()
    )
    if profile is None:
        return None
    return {
        "display_name": profile.display_name,
        "organisation": profile.organisation.name if profile.organisation else None,
        "position": profile.position,
        "bio": profile.bio,
        "avatar": profile.avatar.url if profile.avatar else None,
        "expertise": sorted(tag.name for tag in profile.expertise.all()),
        "interests": sorted(tag.name for tag in profile.interests.all()),
        "contact_links": profile.contact_links,
        "visibility": {
            field: getattr(profile, visibility_field)
            for field, visibility_field in Profile.VISIBILITY_FIELDS.items()
        },
    }


def export_consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "terms_version": acceptance.terms.version,
            "title": acceptance.terms.title,
            "accepted_at": acceptance.accepted_at.isoformat(),
        }
        for acceptance in TermsAcceptance.objects.filter(user=user)
        .select_related("terms")
        .order_by("terms__version")
    ]
