"""The home page and what editors feature on it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class HomePage(Page):
    """The start page: what Kollegium is, what editors feature and what is new."""

    intro: models.TextField[str, str] = models.TextField(
        _("Einleitung"),
        blank=True,
        help_text=_("Ein bis zwei Sätze unter der Überschrift."),
    )
    body = RichTextField(
        _("Inhalt"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel("featured_items", label=_("Empfohlen"), max_num=6),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        from hub.knowledge.selectors import shows_member_home

        if shows_member_home(request):
            return "hub/member_home.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from hub.knowledge.selectors import (
            home_page_context,
            member_home_context,
            shows_member_home,
        )

        context = super().get_context(request, *args, **kwargs)
        if shows_member_home(request):
            context.update(member_home_context(home=self, request=request))
        else:
            context.update(home_page_context(home=self, request=request))
        return context


class HomeFeaturedItem(Orderable):
    """A page the editors put on the home page: an article now, courses once they exist."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    page: models.ForeignKey[Page, Page] = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("Seite")
    )
    teaser: models.CharField[str, str] = models.CharField(
        _("Anreißer"),
        max_length=250,
        blank=True,
        help_text=_("Leer lassen, um die Zusammenfassung der Seite zu zeigen."),
    )

    panels = [FieldPanel("page"), FieldPanel("teaser")]

    class Meta(Orderable.Meta):
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")
