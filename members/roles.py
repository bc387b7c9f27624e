"""Roles are Django groups; their names are defined once here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "Mitglieder", _("Mitglied")
    TRAINER = "Trainer", _("Trainer*in")
    MODERATOR = "Moderation", _("Moderation")
    EDITOR = "Redaktion", _("Redaktion")
