"""Site pages owned by the hub."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The start page: what Kollegium is and where to go next."""

    intro = models.TextField(
        _("Einleitung"),
        blank=True,
        help_text=_("Ein bis zwei Sätze unter der Überschrift."),
    )
    body = RichTextField(
        _("Inhalt"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")
