from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from hub.knowledge.services import Contribution
from hub.knowledge.text import rich_text_to_plain_length, submitted_text_to_rich_text
from hub.knowledge.uploads import (
    ALLOWED_TYPES_TEXT,
    ARCHIVE_TYPES,
    MAX_ATTACHMENTS,
    check_archive,
    check_attachment,
)
from hub.models import PracticePage, Topic

MAX_TOPICS = 5
MIN_BODY_CHARACTERS = 100


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ContributionForm(forms.Form):
    """What a member fills in to share a practice example; no Wagtail knowledge needed."""

    title = forms.CharField(label=_("Titel"), min_length=5, max_length=120)
    summary = forms.CharField(
        label=_("Zusammenfassung"),
        min_length=20,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zwei bis drei Sätze: worum es geht und was andere daraus lernen können."),
    )
    body = forms.CharField(
        label=_("Ihr Praxisbeispiel"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Ausgangslage, Vorgehen, Ergebnis und was Sie anderen raten. Eine Leerzeile beginnt "
            "einen neuen Absatz. Einfache Auszeichnungen wie <b>fett</b>, <i>kursiv</i>, Listen "
            "und Links sind erlaubt; alles andere wird entfernt."
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Höchstens fünf."),
    )
    attachments = MultipleFileField(
        label=_("Anhänge"),
        required=False,
        help_text=_(
            "Optional, höchstens %(count)d Dateien: %(types)s; Dokumente und Bilder je "
            "höchstens 10 MB. Sind noch Fehler im Formular, wählen Sie die Dateien bitte neu aus."
        )
        % {"count": MAX_ATTACHMENTS, "types": ALLOWED_TYPES_TEXT},
    )

    def clean_topics(self) -> Any:
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise ValidationError(
                _("Bitte wählen Sie höchstens %(max)d Themen."), params={"max": MAX_TOPICS}
            )
        return topics

    def clean_body(self) -> str:
        html = submitted_text_to_rich_text(self.cleaned_data["body"])
        if rich_text_to_plain_length(html) < MIN_BODY_CHARACTERS:
            raise ValidationError(
                _("Bitte beschreiben Sie Ihr Praxisbeispiel mit mindestens %(min)d Zeichen."),
                params={"min": MIN_BODY_CHARACTERS},
            )
        return html

    def clean_attachments(self) -> list[Any]:
        uploads = self.cleaned_data["attachments"]
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Bitte laden Sie höchstens %(max)d Dateien hoch."),
                params={"max": MAX_ATTACHMENTS},
            )
        attachments, errors = [], []
        for upload in uploads:
            try:
                attachments.append(check_attachment(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return attachments

    def contribution(self) -> Contribution:
        data = self.cleaned_data
        return Contribution(
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            body_html=data["body"],
            topics=list(data["topics"]),
            attachments=data["attachments"],
        )

    @classmethod
    def initial_for(cls, page: PracticePage) -> dict[str, Any]:
        """The latest revision as the author last saw it (or the editors changed it)."""
        draft = page.get_latest_revision_as_object()
        text = next((block.value for block in draft.body if block.block_type == "paragraph"), "")
        return {
            "title": draft.title,
            "summary": draft.summary,
            "body": getattr(text, "source", str(text)),
            "topics": list(draft.topics.all()),
        }


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form for editors (WAGTAILDOCS_DOCUMENT_FORM_BASE): Office and
    OpenDocument files pass the same archive check as members' attachments, as their text is
    extracted for the search index alike."""

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            extension = PurePath(file.name or "").suffix.lower().lstrip(".")
            if extension in ARCHIVE_TYPES:
                file.seek(0)
                check_archive(PurePath(file.name or "").name, file)
                file.seek(0)
        return file
