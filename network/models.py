"""What a member follows and keeps: one row per member and thing, with one column per kind.

Explicit foreign keys rather than a generic relation: each kind keeps its own cascade (a
deleted channel takes its follows along) and the selectors join the tables they show.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowKind(models.TextChoices):
    """What members follow; each value is also the column of `Follow` that holds it."""

    TOPIC = "topic", _("Thema")
    CHANNEL = "channel", _("Kanal")
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class BookmarkKind(models.TextChoices):
    """What members keep on their Merkliste; each value is also the column of `Bookmark`."""

    ARTICLE = "article", _("Praxisbeispiel")
    COURSE = "course", _("Kurs")
    MESSAGE = "message", _("Nachricht")


def _exactly_one(columns: list[str]) -> Q:
    """A row names exactly one of the columns."""
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in columns if other != column}
        )
    return condition


def _once_per_member(columns: list[str], prefix: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            fields=["member", column],
            condition=Q(**{f"{column}__isnull": False}),
            name=f"{prefix}_{column}_once",
        )
        for column in columns
    ]


class Follow(models.Model):
    """A member follows a topic, channel, person or organisation: what they follow feeds their
    start page, notifications and digest."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    topic = models.ForeignKey(
        "hub.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    channel = models.ForeignKey(
        "discussions.Channel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("Seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Folgen")
        verbose_name_plural = _("Gefolgt")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(FollowKind.values), name="network_follow_one_target"
            ),
            *_once_per_member(FollowKind.values, "network_follow"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.kind}"

    @property
    def kind(self) -> FollowKind:
        return next(kind for kind in FollowKind if getattr(self, f"{kind}_id") is not None)


class Bookmark(models.Model):
    """An article, course or channel message a member keeps on their Merkliste."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    article = models.ForeignKey(
        "hub.PracticePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookmarks",
    )
    course = models.ForeignKey(
        "peer_learning.CoursePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookmarks",
    )
    message = models.ForeignKey(
        "discussions.Message",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookmarks",
    )
    created_at = models.DateTimeField(_("Gemerkt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Merkliste-Eintrag")
        verbose_name_plural = _("Merkliste")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(BookmarkKind.values), name="network_bookmark_one_target"
            ),
            *_once_per_member(BookmarkKind.values, "network_bookmark"),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="network_bookmark_list")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.kind}"

    @property
    def kind(self) -> BookmarkKind:
        return next(kind for kind in BookmarkKind if getattr(self, f"{kind}_id") is not None)
