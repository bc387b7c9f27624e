"""Who was asked to help with what, and who does not want to be asked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from discussions.models import Question
from peer_learning.models import LearningWish

# The longest reason stored with a request (and shown in the member's notification).
REASON_MAX_LENGTH = 300


class RoutingPreference(models.Model):
    """A member's choice about being asked; without a row, questions are routed to them."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_preference"
    )
    enabled = models.BooleanField(_("Fragen an mich weiterleiten"), default=True)

    class Meta:
        verbose_name = _("Weiterleitung von Fragen")
        verbose_name_plural = _("Weiterleitungen von Fragen")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.enabled}"


class HelpRequest(models.Model):
    """A question or a learning wish offered to one member, with the reason shown to them.
    The rows are the weekly limit's count (questions and wishes together), so they stay after
    the question is answered."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="help_requests", null=True, blank=True
    )
    wish = models.ForeignKey(
        LearningWish,
        on_delete=models.CASCADE,
        related_name="help_requests",
        null=True,
        blank=True,
    )
    reason = models.CharField(_("Grund"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Anfrage an ein Mitglied")
        verbose_name_plural = _("Anfragen an Mitglieder")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "created_at"], name="experts_recent_requests")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "question"],
                condition=Q(question__isnull=False),
                name="experts_one_request_per_question",
            ),
            models.UniqueConstraint(
                fields=["member", "wish"],
                condition=Q(wish__isnull=False),
                name="experts_one_request_per_wish",
            ),
            models.CheckConstraint(
                condition=Q(question__isnull=False, wish__isnull=True)
                | Q(question__isnull=True, wish__isnull=False),
                name="experts_request_for_question_or_wish",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.reason}"
