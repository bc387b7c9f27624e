"""Members' feedback on practice material: "Hilfreich" and "Nutzen wir auch"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.models.knowledge import PracticePage
from members.models import Organisation


class HelpfulMark(models.Model):
    """A member found an article helpful; one per member and article."""

    page = models.ForeignKey(PracticePage, on_delete=models.CASCADE, related_name="helpful_marks")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    created_at = models.DateTimeField(_("Am"), auto_now_add=True)

    class Meta:
        verbose_name = _("„Hilfreich“-Markierung")
        verbose_name_plural = _("„Hilfreich“-Markierungen")
        constraints = [
            models.UniqueConstraint(fields=["page", "member"], name="hub_helpful_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.page_id}"


class Reuse(models.Model):
    """A member's administration uses what an article describes ("Nutzen wir auch").

    The organisation is the one the member named when saying so: it stays a fact about the
    article when the member later moves on, and goes with the member's account.
    """

    page = models.ForeignKey(PracticePage, on_delete=models.CASCADE, related_name="reuses")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_reuses"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="practice_reuses"
    )
    created_at = models.DateTimeField(_("Am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Nachnutzung")
        verbose_name_plural = _("Nachnutzungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "member"], name="hub_reuse_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.page_id}"
