"""Opening, archiving, joining and leaving channels, their members, invitations and each
member's read pointer."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from core.validators import validate_storable_text
from discussions import events
from discussions.models import Channel, ChannelVisibility, Invitation, Membership
from discussions.selectors import can_manage, can_post
from discussions.services.broadcast import _tell_member_on_commit
from hub.models import Topic, topic_slug
from members.models import User
from members.selectors import is_network_member

# Slugs that would shadow the section's own addresses.
RESERVED_SLUGS = frozenset({"neu", "nachricht", "benachrichtigungen", "fragen"})


def _require_storable(**fields: str) -> None:
    """Every named field's text must be storable; the errors name their fields, so a form
    shows each at its field."""
    errors: dict[str, ValidationError] = {}
    for field, value in fields.items():
        try:
            validate_storable_text(value)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)


def _unique_slug(name: str) -> str:
    base = topic_slug(name)
    base = base[:70] or "kanal"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Channel.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def channel_create(
    *,
    creator: User,
    name: str,
    description: str = "",
    visibility: str = ChannelVisibility.OPEN,
    topics: Iterable[Topic] = (),
) -> Channel:
    """Any approved member may open a channel; they become its first member."""
    if not is_network_member(creator):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Kanäle anlegen."))
    _require_storable(name=name, description=description)
    name = name.strip()
    if not name:
        raise ValidationError(_("Bitte geben Sie dem Kanal einen Namen."))
    channel = Channel.objects.create(
        name=name,
        slug=_unique_slug(name),
        description=description.strip(),
        visibility=visibility,
        created_by=creator,
    )
    channel.topics.set(topics)
    Membership.objects.create(channel=channel, user=creator)
    return channel


@transaction.atomic
def channel_archive(*, actor: User, channel: Channel, archived: bool = True) -> Channel:
    if not can_manage(viewer=actor, channel=channel):
        raise PermissionDenied(_("Nur wer den Kanal angelegt hat und die Moderation archivieren."))
    channel.is_archived = archived
    channel.save(update_fields=["is_archived"])
    return channel


@transaction.atomic
def channel_join(*, user: User, channel: Channel) -> Membership:
    """Open channels anyone in the network joins; private ones need an invitation, used up here."""
    if not is_network_member(user):
        raise PermissionDenied(_("Nur freigeschaltete Mitglieder können Kanälen beitreten."))
    if channel.is_private:
        invitation = Invitation.objects.filter(channel=channel, user=user).first()
        already = Membership.objects.filter(channel=channel, user=user).first()
        if already is not None:
            return already
        if invitation is None:
            raise PermissionDenied(_("Diesem privaten Kanal treten Sie nur mit Einladung bei."))
        invitation.delete()
    newest = channel.messages.order_by("-id").values_list("id", flat=True).first() or 0
    # A newcomer starts with everything read: old messages are history, not news.
    membership, _created = Membership.objects.get_or_create(
        channel=channel, user=user, defaults={"last_read_id": newest}
    )
    return membership


@transaction.atomic
def channel_leave(*, user: User, channel: Channel) -> None:
    deleted, _details = Membership.objects.filter(channel=channel, user=user).delete()
    if deleted and channel.is_private:
        # Open tabs stop receiving the channel they may no longer read.
        _tell_member_on_commit(user.pk, events.channel_revoked(channel.pk))


@transaction.atomic
def channel_members_set(*, channel: Channel, users: Iterable[User]) -> None:
    """Make exactly these people the members of a private channel whose membership another
    part of the platform decides (a course session's channel). Only approved members are
    added; newcomers start with everything read; the open tabs of those removed stop
    receiving the channel."""
    if not channel.is_private:
        raise ValueError("Only private channels have their members set.")
    wanted = {user.pk for user in users if is_network_member(user)}
    current = set(Membership.objects.filter(channel=channel).values_list("user_id", flat=True))
    newest = channel.messages.order_by("-id").values_list("id", flat=True).first() or 0
    Membership.objects.bulk_create(
        [
            Membership(channel=channel, user_id=user_id, last_read_id=newest)
            for user_id in sorted(wanted - current)
        ],
        ignore_conflicts=True,
    )
    removed = current - wanted
    Membership.objects.filter(channel=channel, user_id__in=removed).delete()
    for user_id in sorted(removed):
        _tell_member_on_commit(user_id, events.channel_revoked(channel.pk))


@transaction.atomic
def channel_invite(*, inviter: User, channel: Channel, invitee: User) -> Invitation:
    if not can_post(viewer=inviter, channel=channel):
        raise PermissionDenied(_("Nur Mitglieder des Kanals können einladen."))
    if not is_network_member(invitee):
        raise ValidationError(_("Eingeladen werden können nur freigeschaltete Mitglieder."))
    if Membership.objects.filter(channel=channel, user=invitee).exists():
        raise ValidationError(_("Diese Person ist bereits Mitglied des Kanals."))
    invitation, _created = Invitation.objects.get_or_create(
        channel=channel, user=invitee, defaults={"invited_by": inviter}
    )
    return invitation


@transaction.atomic
def channel_mark_read(*, user: User, channel: Channel, up_to: int) -> None:
    """Move the member's read pointer forward (never back) to the message `up_to`."""
    Membership.objects.filter(channel=channel, user=user).update(
        last_read_id=Greatest(F("last_read_id"), up_to)
    )
