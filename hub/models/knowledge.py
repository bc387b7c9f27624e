"""Practice material: the knowledge index and the practice pages under it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.sections import page_sections
from hub.knowledge.blocks import PracticeBodyBlock
from members.models import AdministrationLevel, FederalState, Organisation, Profile, User
from members.roles import Role

# Addresses under the knowledge index that belong to the site's own views (topic pages, feeds);
# a practice page may not take them as its slug.
RESERVED_SLUGS = frozenset({"themen", "feed"})


class KnowledgeIndexPage(Page):
    """ "Wissen": the entrance to all practice material, newest first, with the topics."""

    intro: models.TextField[str, str] = models.TextField(
        _("Einleitung"), blank=True, max_length=1000
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["hub.HomePage"]
    subpage_types = ["hub.PracticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("Wissensbereich")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from hub.knowledge.selectors import knowledge_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(knowledge_index_context(index=self, request=request))
        return context


class PracticePageForm(WagtailAdminPageForm):
    """Editors choose the owner among the editors, not among every account of the network."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            owner_id = self.instance.owner_id
            self.fields["owner"].queryset = (
                self.fields["owner"]
                .queryset.filter(Q(groups__name=Role.EDITOR) | Q(pk=owner_id))
                .distinct()
                .order_by("email")
            )


class PracticePage(Page):
    """A practice example or knowledge article that colleagues share and editors curate.

    Members submit it through the site (`hub.knowledge.services`); editors review it in the
    moderation workflow and keep it current: past its review date it is marked as possibly
    outdated and listed in the editors' report.
    """

    summary: models.TextField[str, str] = models.TextField(
        _("Zusammenfassung"),
        max_length=500,
        help_text=_("Zwei bis drei Sätze: worum es geht und was andere daraus lernen können."),
    )
    body = StreamField(PracticeBodyBlock(), verbose_name=_("Inhalt"))
    topics = ParentalManyToManyField(
        "hub.Topic", related_name="practice_pages", blank=True, verbose_name=_("Themen")
    )
    administration_level: models.CharField[str, str] = models.CharField(
        _("Verwaltungsebene"), max_length=16, choices=AdministrationLevel, blank=True
    )
    state: models.CharField[str, str] = models.CharField(
        _("Bundesland"), max_length=2, choices=FederalState, blank=True
    )
    organisation: models.ForeignKey[Organisation | None, Organisation | None] = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_pages",
        verbose_name=_("Organisation"),
    )
    review_date: models.DateField[dt.date | None, dt.date | None] = models.DateField(
        _("Prüfen bis"),
        null=True,
        blank=True,
        help_text=_(
            "Danach erscheint der Hinweis „möglicherweise veraltet“ und der Beitrag im "
            "Bericht „Veraltete Beiträge“."
        ),
    )
    submitted_by: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="submitted_practice_pages",
        verbose_name=_("Eingereicht von"),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("review_date"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("administration_level"), FieldPanel("state")]),
                FieldPanel("organisation"),
                InlinePanel("authors", label=_("Autorinnen und Autoren")),
            ],
            heading=_("Einordnung"),
        ),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("owner"), FieldPanel("review_date")], heading=_("Pflege")),
    ]
    base_form_class = PracticePageForm

    parent_page_types = ["hub.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Praxisbeispiel")
        verbose_name_plural = _("Praxisbeispiele")

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("Diese Adresse ist für Themenseiten und Feeds reserviert.")}
            )

    @property
    def is_stale(self) -> bool:
        """Past its review date: the content may no longer be right."""
        return self.review_date is not None and self.review_date < timezone.localdate()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from hub.knowledge.selectors import (
            content_language,
            practice_feedback,
            practice_page_people,
        )

        context = super().get_context(request, *args, **kwargs)
        context["people"] = practice_page_people(page=self, viewer=request.user)
        context["feedback"] = practice_feedback(page=self, viewer=request.user)
        context["content_language"] = content_language(self)
        context["sections"] = page_sections(request, self)
        return context


class PracticePageAuthor(Orderable):
    """A member who wrote the article. Empty once the member deleted their account."""

    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="authors")
    profile: models.ForeignKey[Profile | None, Profile | None] = models.ForeignKey(
        "members.Profile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_practice_pages",
        verbose_name=_("Mitglied"),
    )

    panels = [FieldPanel("profile")]

    class Meta(Orderable.Meta):
        verbose_name = _("Autor*in")
        verbose_name_plural = _("Autorinnen und Autoren")
