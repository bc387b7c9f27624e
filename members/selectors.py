"""Reads for profiles and the directory. Visibility is enforced here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.avatars import NEUTRAL, Avatar, avatar_for
from members.models import (
    Approval,
    EmailDomainRule,
    Organisation,
    Profile,
    TermsVersion,
    User,
    Visibility,
    normalise_domain,
)

Viewer = User | AnonymousUser


def is_network_member(viewer: Viewer) -> TypeGuard[User]:
    """Whether the viewer is a signed-in, approved member: only they see members-only content
    and take part (register, post, contribute). Pending accounts see what the public sees."""
    return viewer.is_authenticated and viewer.is_network_member


def network_members() -> QuerySet[User]:
    """The accounts `is_network_member` lets in, as one query: active and approved."""
    return User.objects.filter(is_active=True, approval=Approval.APPROVED)


def email_domain_admitted(email: str) -> bool:
    """Whether an address falls under the editors' allowlist of e-mail domains."""
    domain = normalise_domain(email.rpartition("@")[2])
    return any(rule.admits(domain) for rule in EmailDomainRule.objects.all())


def accounts_awaiting_review() -> QuerySet[User]:
    """Pending accounts with a confirmed address, oldest first: the editors' queue.

    Accounts that never confirmed their address are left out; they cannot sign in anyway.
    """
    return (
        User.objects.filter(approval=Approval.PENDING, is_active=True, emailaddress__verified=True)
        .select_related("profile__organisation")
        .distinct()
        .order_by("date_joined", "pk")
    )


def declined_accounts() -> QuerySet[User]:
    return (
        User.objects.filter(approval=Approval.DECLINED)
        .select_related("profile__organisation")
        .order_by("-approval_changed_at", "pk")
    )


def account_reviewers() -> QuerySet[User]:
    """Who is told about new accounts to review: active, approved holders of the permission."""
    permission = Q(groups__permissions__codename="review_account") | Q(
        user_permissions__codename="review_account"
    )
    return (
        User.objects.filter(permission | Q(is_superuser=True))
        .filter(is_active=True, approval=Approval.APPROVED)
        .distinct()
        .order_by("pk")
    )


def visibility_levels(viewer: Viewer) -> list[str]:
    """The visibility levels a viewer may see of other people's profiles."""
    return visibility_levels_for(member=is_network_member(viewer))


def visibility_levels_for(*, member: bool) -> list[str]:
    """The visibility levels every network member (`member`) or every visitor may see."""
    if member:
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def owns(profile: Profile, viewer: Viewer) -> bool:
    return viewer.is_authenticated and profile.user_id == viewer.pk


def field_shown(profile: Profile, field: str, levels: list[str], *, is_own: bool = False) -> bool:
    """The one visibility rule for a profile field: its owner sees it, others where the field's
    visibility is among their `levels` (`visibility_levels`). `_visible` asks it of the database."""
    return is_own or getattr(profile, Profile.VISIBILITY_FIELDS[field]) in levels


def member_profiles() -> QuerySet[Profile]:
    """Profiles of active, approved members: those others may find (each field still shown
    by its visibility)."""
    return Profile.objects.filter(user__is_active=True, user__approval=Approval.APPROVED)


def _visible(field: str, viewer: Viewer) -> Q:
    """Rows whose `field` the viewer may see (`field_shown` as a query)."""
    condition = Q(**{f"{Profile.VISIBILITY_FIELDS[field]}__in": visibility_levels(viewer)})
    if viewer.is_authenticated:
        condition |= Q(user_id=viewer.pk)
    return condition


def _for_display(profiles: QuerySet[Profile]) -> QuerySet[Profile]:
    """What `profile_view` reads, fetched in a fixed number of queries."""
    # taggit's tag managers are unknown to django-stubs' prefetch check.
    return profiles.select_related("organisation").prefetch_related("expertise", "interests")  # type: ignore[misc]


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    expertise: str = ""
    level: str = ""
    state: str = ""
    organisation: Organisation | None = None


def directory_profiles(*, viewer: Viewer, filters: DirectoryFilters) -> QuerySet[Profile]:
    """Profiles the viewer may find, filtered only on fields the viewer may see."""
    profiles = member_profiles().filter(_visible("display_name", viewer))
    if filters.expertise:
        profiles = profiles.filter(_visible("expertise", viewer), expertise__slug=filters.expertise)
    if filters.level:
        profiles = profiles.filter(
            _visible("organisation", viewer), organisation__level=filters.level
        )
    if filters.state:
        profiles = profiles.filter(
            _visible("organisation", viewer), organisation__state=filters.state
        )
    if filters.organisation:
        profiles = profiles.filter(
            _visible("organisation", viewer), organisation=filters.organisation
        )
    if filters.query:
        text = filters.query
        profiles = profiles.filter(
            Q(display_name__icontains=text)
            | (_visible("position", viewer) & Q(position__icontains=text))
            | (_visible("bio", viewer) & Q(bio__icontains=text))
            | (_visible("organisation", viewer) & Q(organisation__name__icontains=text))
            | (_visible("expertise", viewer) & Q(expertise__name__icontains=text))
        )
    if filters.expertise or filters.query:
        # Tag joins repeat rows; filtering on primary keys keeps one row each without DISTINCT
        # over every column.
        profiles = Profile.objects.filter(pk__in=profiles.values("pk"))
    return _for_display(profiles).order_by("display_name", "pk")


@dataclass(frozen=True)
class ProfileView:
    """A profile as one viewer may see it: hidden fields are None."""

    profile: Profile
    is_own: bool
    fields: dict[str, Any]

    @property
    def avatar(self) -> Avatar:
        picture = self.fields["avatar"]
        return avatar_for(
            member_id=self.profile.user_id,
            name=self.fields["display_name"],
            picture_url=picture.url if picture else None,
        )


def profile_view(*, profile: Profile, viewer: Viewer) -> ProfileView:
    """Expects `expertise` and `interests` prefetched when called in a loop."""
    return _profile_view(profile, visibility_levels(viewer), is_own=owns(profile, viewer))


def profile_view_for(*, profile: Profile, member: bool) -> ProfileView:
    """The profile as every network member (`member`) or every visitor sees it, its owner
    aside: what search may show them. Expects `expertise` and `interests` prefetched."""
    return _profile_view(profile, visibility_levels_for(member=member), is_own=False)


def _profile_view(profile: Profile, levels: list[str], *, is_own: bool) -> ProfileView:
    values = {
        "display_name": profile.display_name,
        "organisation": profile.organisation,
        "position": profile.position,
        "bio": profile.bio,
        "avatar": profile.avatar or None,
        "expertise": list(profile.expertise.all()),
        "interests": list(profile.interests.all()),
        "contact_links": profile.contact_links,
    }
    fields = {
        field: value if field_shown(profile, field, levels, is_own=is_own) else None
        for field, value in values.items()
    }
    return ProfileView(profile=profile, is_own=is_own, fields=fields)


def avatar_viewable(*, file_name: str, viewer: Viewer) -> bool | None:
    """Whether the viewer may see the avatar stored under this name: where its profile is
    shown to them (`visible_profile`) with the picture (`profile_view`). None when no profile
    has this avatar."""
    owner = Profile.objects.filter(avatar=file_name).values_list("pk", flat=True).first()
    if owner is None:
        return None
    profile = visible_profile(viewer=viewer, pk=owner)
    return (
        profile is not None
        and profile_view(profile=profile, viewer=viewer).fields["avatar"] is not None
    )


def visible_profile(*, viewer: Viewer, pk: int) -> Profile | None:
    """A profile others may look at: of an approved member, or the viewer's own."""
    let_in = Q(user__approval=Approval.APPROVED)
    if viewer.is_authenticated:
        let_in |= Q(user_id=viewer.pk)
    return _for_display(
        Profile.objects.filter(
            let_in, _visible("display_name", viewer), user__is_active=True, pk=pk
        )
    ).first()


def member_lacks_required_mfa(*, user: Viewer) -> bool:
    """Whether the user holds a role that requires a second factor (an authenticator app or a
    security key) but has set up neither.

    The account a request signed in with comes with the answer (members/backends.py); any
    other costs one query.
    """
    if not user.is_authenticated:
        return False
    preloaded = getattr(user, "preloaded_lacks_required_mfa", None)
    if preloaded is not None:
        return preloaded
    return role_answers(user_id=user.pk).lacks_required_mfa


@dataclass(frozen=True)
class RoleAnswers:
    lacks_required_mfa: bool
    holds_admin_permission: bool


# Every page a member opens asks these. Through the ORM they take three queries (the role
# check and the permission check's two), each of which takes longer to build than the database
# takes to answer all of them here at once.
_ROLE_ANSWERS_SQL = """
SELECT
    EXISTS (
        SELECT 1 FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id
        WHERE ug.user_id = %s AND g.name IN ({roles})
    ),
    EXISTS (SELECT 1 FROM {authenticator} a WHERE a.user_id = %s AND a.type IN (%s, %s)),
    EXISTS (
        SELECT 1 FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
        WHERE ct.app_label = 'wagtailadmin' AND p.codename = 'access_admin' AND (
            p.id IN (SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = %s)
            OR p.id IN (
                SELECT gp.permission_id FROM {group_permissions} gp
                JOIN {user_groups} ugp ON ugp.group_id = gp.group_id WHERE ugp.user_id = %s
            )
        )
    )
"""


def role_answers(*, user_id: int) -> RoleAnswers:
    """Whether the account's role requires a second factor it has not set up, and whether it
    holds the permission Wagtail lets into the editors' admin (`wagtailadmin.access_admin`),
    directly or through a group, as ModelBackend.has_perm finds it."""
    roles = list(settings.KOLLEGIUM_MFA_REQUIRED_ROLES) or [""]
    sql = _ROLE_ANSWERS_SQL.format(
        user_groups=User.groups.through._meta.db_table,
        user_permissions=User.user_permissions.through._meta.db_table,
        group=Group._meta.db_table,
        group_permissions=Group.permissions.through._meta.db_table,
        permission=Permission._meta.db_table,
        content_type=ContentType._meta.db_table,
        authenticator=Authenticator._meta.db_table,
        roles=", ".join(["%s"] * len(roles)),
    )
    params = [
        user_id,
        *roles,
        user_id,
        Authenticator.Type.TOTP,
        Authenticator.Type.WEBAUTHN,
        user_id,
        user_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        in_role_requiring_mfa, has_second_factor, holds_admin_permission = cursor.fetchone()
    return RoleAnswers(
        lacks_required_mfa=bool(in_role_requiring_mfa) and not has_second_factor,
        holds_admin_permission=bool(holds_admin_permission),
    )


def current_terms() -> TermsVersion | None:
    """The newest terms version in force; None before the first one is published."""
    return (
        TermsVersion.objects.filter(published_at__lte=timezone.now()).order_by("-version").first()
    )


def terms_awaiting_acceptance(*, user: User) -> TermsVersion | None:
    """The terms in force if the member has not accepted them yet."""
    terms = current_terms()
    if terms is None or terms.acceptances.filter(user=user).exists():
        return None
    return terms


def member_name(user: Any) -> str:
    """How an author appears to other members: the name only where the member shows it to
    them. Expects `profile` selected with the user."""
    if user is None:
        return _("ehemaliges Mitglied")
    profile = getattr(user, "profile", None)
    if profile is None:
        return _("Mitglied")
    if field_shown(profile, "display_name", visibility_levels_for(member=True)):
        return profile.display_name
    return _("Mitglied (Name verborgen)")


def member_avatar(user: Any, *, viewer: Viewer | None = None) -> Avatar:
    """The avatar beside what a member wrote, where members talk: initials of the name as
    `member_name` writes it, the picture by its visibility to the viewer (None: to any network
    member, the readers of a channel's live events). Expects `profile` selected with the user."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return NEUTRAL
    to_members = visibility_levels_for(member=True)
    shows_name = field_shown(profile, "display_name", to_members)
    if viewer is None:
        shows_picture = field_shown(profile, "avatar", to_members)
    else:
        levels = visibility_levels(viewer)
        shows_picture = field_shown(profile, "avatar", levels, is_own=owns(profile, viewer))
    return avatar_for(
        member_id=user.pk,
        name=profile.display_name if shows_name else None,
        picture_url=profile.avatar.url if profile.avatar and shows_picture else None,
    )


def visible_display_name(*, profile: Profile, viewer: Viewer) -> str | None:
    """The profile's name where the viewer may see it (by its visibility, or their own), else
    None: what `profile_view` shows of the name, for lists that show nothing else."""
    shown = field_shown(
        profile, "display_name", visibility_levels(viewer), is_own=owns(profile, viewer)
    )
    return profile.display_name if shown else None
