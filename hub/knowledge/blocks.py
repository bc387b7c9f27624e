"""The building blocks of a practice page body."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from hub.knowledge.choosers import profile_chooser_viewset

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

ProfileChooserBlock = profile_chooser_viewset.get_block_class(
    name="ProfileChooserBlock", module_path="hub.knowledge.blocks"
)


class CalloutKind(models.TextChoices):
    """The parts a practice example is told in; each gets its own highlighted box."""

    SITUATION = "ausgangslage", _("Ausgangslage")
    APPROACH = "vorgehen", _("Vorgehen")
    RESULT = "ergebnis", _("Ergebnis")
    LESSONS = "lessons", _("Lessons learned")
    LEGAL_BASIS = "rechtsgrundlage", _("Rechtsgrundlage")


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Zwischenüberschrift")
        template = "hub/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Bild"))
    alt_text = blocks.CharBlock(
        label=_("Alternativtext"),
        max_length=250,
        help_text=_("Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können."),
    )
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "hub/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Dokument"))
    description = blocks.CharBlock(label=_("Beschreibung"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Dokument zum Herunterladen")
        template = "hub/blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Zitat"), max_length=2000)
    source = blocks.CharBlock(label=_("Quelle"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "hub/blocks/quote.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("Art"), choices=CalloutKind.choices)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict:
        context = super().get_context(value, parent_context=parent_context)
        context["kind_label"] = CalloutKind(value["kind"]).label
        return context

    class Meta:
        icon = "pick"
        label = _("Hervorgehobener Abschnitt")
        template = "hub/blocks/callout.html"


class ContactBlock(blocks.StructBlock):
    profile = ProfileChooserBlock(label=_("Mitglied"))
    note = blocks.CharBlock(
        label=_("Wofür ansprechbar"),
        required=False,
        max_length=200,
        help_text=_("Zum Beispiel: Fragen zur Ausschreibung."),
    )

    class Meta:
        icon = "user"
        label = _("Ansprechperson")
        template = "hub/blocks/contact.html"


class PracticeBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    image = ImageBlock()
    document = DocumentBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    contact = ContactBlock()
