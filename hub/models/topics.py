"""The managed topic taxonomy."""

from typing import Any

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A subject of the managed taxonomy that articles, courses and channels are filed under.

    Editors maintain the list in the Wagtail admin; the slug is the topic's stable address.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("Kurzname für Adressen"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "Kleinbuchstaben, Ziffern und Bindestriche, z. B. „e-akte“. Leer lassen, um ihn "
            "aus dem Namen zu bilden."
        ),
    )
    description = models.TextField(_("Beschreibung"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = topic_slug(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.slug:
            self.slug = topic_slug(self.name)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def topic_slug(name: str) -> str:
    """An ASCII address part for a German topic name ("Öffentlichkeit" → "oeffentlichkeit")."""
    return slugify(name.lower().translate(_UMLAUTS))[:100]
