"""The accessibility statement BITV 2.0 requires (§ 12b BGG) and the feedback sent through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

# The slug the statement is created with, so that it answers at /barrierefreiheit/.
STATEMENT_SLUG = "barrierefreiheit"

ARBITRATION_DEFAULT = (
    "<p>Wenn auch nach Ihrer Rückmeldung an die oben genannte Kontaktstelle keine "
    "zufriedenstellende Lösung gefunden wurde, können Sie sich an die Schlichtungsstelle nach "
    "§ 16 Behindertengleichstellungsgesetz (BGG) wenden. Die Schlichtungsstelle BGG hat die "
    "Aufgabe, bei Konflikten zum Thema Barrierefreiheit zwischen Menschen mit Behinderungen und "
    "öffentlichen Stellen des Bundes eine außergerichtliche Streitbeilegung zu unterstützen. Das "
    "Schlichtungsverfahren ist kostenlos. Es muss kein Rechtsbeistand eingeschaltet werden.</p>"
    "<p>Weitere Informationen zum Schlichtungsverfahren und zur Antragstellung finden Sie bei der "
    '<a href="https://www.schlichtungsstelle-bgg.de/">Schlichtungsstelle nach § 16 BGG</a>.</p>'
)

_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class Conformance(models.TextChoices):
    FULL = "full", _("vollständig vereinbar")
    PARTIAL = "partial", _("teilweise vereinbar")
    NONE = "none", _("nicht vereinbar")


class EvaluationMethod(models.TextChoices):
    SELF_ASSESSMENT = "self", _("Selbstbewertung")
    THIRD_PARTY = "third_party", _("Prüfung durch Dritte")


class InaccessibleContentBlock(blocks.StructBlock):
    """One shortcoming the statement must name, why it remains and how to get around it."""

    content = blocks.CharBlock(label=_("Inhalt"), max_length=250)
    reason = blocks.TextBlock(
        label=_("Begründung"),
        help_text=_(
            "Warum der Inhalt (noch) nicht barrierefrei ist, z. B. unverhältnismäßige "
            "Belastung oder Behebung geplant bis …"
        ),
    )
    alternative = blocks.TextBlock(label=_("Barrierefreie Alternative"), required=False)

    class Meta:
        icon = "warning"
        label = _("Nicht barrierefreier Inhalt")


class AccessibilityStatementPage(Page):
    """The "Erklärung zur Barrierefreiheit" with the parts the model statement of the EU
    (Durchführungsbeschluss (EU) 2018/1523) requires, and a feedback form that reaches the
    editors. One per site, directly under the home page."""

    conformance: models.CharField[str, str] = models.CharField(
        _("Stand der Vereinbarkeit"),
        max_length=16,
        choices=Conformance,
        default=Conformance.PARTIAL,
        help_text=_("Wie weit die Website mit der BITV 2.0 vereinbar ist."),
    )
    conformance_text = RichTextField(
        _("Erläuterung zum Stand der Vereinbarkeit"), blank=True, features=_TEXT_FEATURES
    )
    inaccessible_content = StreamField(
        [("item", InaccessibleContentBlock())],
        blank=True,
        verbose_name=_("Nicht barrierefreie Inhalte"),
    )
    prepared_on: models.DateField[dt.date, dt.date] = models.DateField(
        _("Erstellt am"), default=dt.date.today
    )
    evaluation_method: models.CharField[str, str] = models.CharField(
        _("Methode"),
        max_length=16,
        choices=EvaluationMethod,
        default=EvaluationMethod.SELF_ASSESSMENT,
    )
    reviewed_on: models.DateField[dt.date | None, dt.date | None] = models.DateField(
        _("Zuletzt überprüft am"), null=True, blank=True
    )
    contact_name: models.CharField[str, str] = models.CharField(
        _("Kontaktstelle"), max_length=200, help_text=_("Name der Person oder der Stelle.")
    )
    contact_email: models.EmailField[str, str] = models.EmailField(_("E-Mail-Adresse"))
    contact_phone: models.CharField[str, str] = models.CharField(
        _("Telefon"), max_length=40, blank=True
    )
    arbitration = RichTextField(
        _("Schlichtungsverfahren"), default=ARBITRATION_DEFAULT, features=_TEXT_FEATURES
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("conformance"), FieldPanel("conformance_text")],
            heading=_("Stand der Vereinbarkeit"),
        ),
        FieldPanel("inaccessible_content"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("prepared_on"), FieldPanel("reviewed_on")]),
                FieldPanel("evaluation_method"),
            ],
            heading=_("Erstellung der Erklärung"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Feedback und Kontakt"),
        ),
        FieldPanel("arbitration"),
    ]

    parent_page_types = ["hub.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("Erklärung zur Barrierefreiheit")
        verbose_name_plural = _("Erklärungen zur Barrierefreiheit")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from hub.accessibility.views import statement_serve

        return statement_serve(self, request, *args, **kwargs)


class AccessibilityFeedback(models.Model):
    """A barrier someone reported through the statement page, kept so that nothing is lost
    when a mail goes astray. Deliberately not linked to an account: visitors report as well,
    and whoever wants an answer leaves an address."""

    message: models.TextField[str, str] = models.TextField(_("Nachricht"), max_length=5000)
    name: models.CharField[str, str] = models.CharField(_("Name"), max_length=200, blank=True)
    email: models.EmailField[str, str] = models.EmailField(_("E-Mail-Adresse"), blank=True)
    page_address: models.CharField[str, str] = models.CharField(
        _("Betroffene Seite"), max_length=500, blank=True
    )
    created_at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField(
        _("Eingegangen am"), default=timezone.now, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")

    def __str__(self) -> str:
        return self.message[:60]
