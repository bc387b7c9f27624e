from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _

from hub.models import Topic
from peer_learning.models import (
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    CourseFormat,
    CourseLanguage,
    CourseLevel,
    CoursePage,
    Delivery,
    LearningWish,
    WishFormat,
    validate_web_url,
)
from peer_learning.wish_selectors import WISH_ORDER_INTEREST, WISH_ORDER_NEWEST

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DURATION_PRESETS = [("30", _("30 Minuten")), ("60", _("60 Minuten")), ("90", _("90 Minuten"))]
CUSTOM = "eigene"


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), required=False, max_length=100)
    thema = forms.ModelChoiceField(
        label=_("Thema"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("Alle Themen"),
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("Alle Formate")), *CourseFormat.choices]
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionFilterForm(forms.Form):
    thema = forms.ModelChoiceField(
        label=_("Thema"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("Alle Themen"),
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("Alle Formate")), *CourseFormat.choices]
    )
    durchfuehrung = forms.ChoiceField(
        label=_("Durchführung"),
        required=False,
        choices=[("", _("Online und vor Ort")), *Delivery.choices],
    )
    von = forms.DateField(label=_("Von"), required=False, widget=DateInput())
    bis = forms.DateField(label=_("Bis"), required=False, widget=DateInput())
    freie_plaetze = forms.BooleanField(label=_("Nur Termine mit freien Plätzen"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("von") and data.get("bis") and data["bis"] < data["von"]:
            self.add_error("bis", _("Das Enddatum darf nicht vor dem Anfangsdatum liegen."))
        return data


def text_to_html(text: str) -> str:
    """Plain paragraphs as rich text: trainers write text, never markup (nothing to sanitise)."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br/>".join(escape(line) for line in part.split("\n")) + "</p>"
        for part in paragraphs
        if part
    )


def html_to_text(html: str) -> str:
    from html import unescape

    text = html.replace("<br/>", "\n").replace("<br>", "\n").replace("</p>", "\n\n")
    return unescape(strip_tags(text)).strip()


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=120)
    summary = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ein bis zwei Sätze für die Übersicht, höchstens 300 Zeichen."),
    )
    description_text = forms.CharField(
        label=_("Beschreibung"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Was lernen die Teilnehmenden? Absätze trennen Sie mit einer Leerzeile."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=CourseFormat.choices)
    duration = forms.ChoiceField(
        label=_("Dauer"),
        choices=[*DURATION_PRESETS, (CUSTOM, _("Andere Dauer"))],
        initial="60",
    )
    duration_custom = forms.IntegerField(
        label=_("Andere Dauer in Minuten"),
        required=False,
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        help_text=_("Nur bei „Andere Dauer“: %(min)d bis %(max)d Minuten.")
        % {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES},
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=CourseLevel.choices)
    language = forms.ChoiceField(label=_("Sprache"), choices=CourseLanguage.choices)
    prerequisites = forms.CharField(
        label=_("Voraussetzungen"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        required=False,
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def for_course(cls, course: CoursePage, data: Any = None) -> CourseForm:
        duration = str(course.duration_minutes)
        preset = duration in dict(DURATION_PRESETS)
        return cls(
            data,
            initial={
                "title": course.title,
                "summary": course.summary,
                "description_text": html_to_text(course.description),
                "format": course.format,
                "duration": duration if preset else CUSTOM,
                "duration_custom": None if preset else course.duration_minutes,
                "level": course.level,
                "language": course.language,
                "prerequisites": course.prerequisites,
                "topics": list(course.topics.all()),
            },
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("duration") == CUSTOM and not data.get("duration_custom"):
            self.add_error("duration_custom", _("Bitte die Dauer in Minuten angeben."))
        return data

    def course_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        duration = data["duration_custom"] if data["duration"] == CUSTOM else int(data["duration"])
        return {
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
            "description": text_to_html(data["description_text"]),
            "format": data["format"],
            "duration_minutes": duration,
            "level": data["level"],
            "language": data["language"],
            "prerequisites": data["prerequisites"].strip(),
            "topics": list(data["topics"]),
        }


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_INPUT, **kwargs)


def _datetime_field(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=DateTimeLocalInput(),
        help_text=help_text,
    )


class SessionForm(forms.Form):
    starts_at = _datetime_field(_("Beginn"), help_text=_("Deutsche Zeit (Europe/Berlin)."))
    ends_at = _datetime_field(_("Ende"))
    delivery = forms.ChoiceField(label=_("Durchführung"), choices=Delivery.choices)
    location = forms.CharField(
        label=_("Ort"),
        required=False,
        max_length=300,
        help_text=_("Adresse und Raum; bei Online-Terminen leer lassen."),
    )
    meeting_url = forms.CharField(
        label=_("Link zur Videokonferenz"),
        required=False,
        max_length=500,
        validators=[validate_web_url],
        help_text=_("Sehen nur bestätigte Teilnehmende und Sie."),
    )
    capacity = forms.IntegerField(label=_("Plätze"), min_value=1, max_value=MAX_CAPACITY)
    registration_deadline = _datetime_field(
        _("Anmeldeschluss"),
        required=False,
        help_text=_("Leer lassen: Anmeldung bis zum Beginn möglich."),
    )

    def clean_meeting_url(self) -> str:
        return self.cleaned_data["meeting_url"].strip()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        if data.get("starts_at") and data["starts_at"] - dt.timedelta(days=730) > dt.datetime.now(
            tz=data["starts_at"].tzinfo
        ):
            self.add_error(
                "starts_at", _("Termine lassen sich höchstens zwei Jahre im Voraus planen.")
            )
        return data


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=150)
    body = forms.CharField(
        label=_("Nachricht"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Wie hilfreich war der Termin?"),
        choices=[
            (number, _("%(count)d von 5 Sternen") % {"count": number}) for number in range(5, 0, -1)
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Trainer*innen sehen Bewertung und Kommentar ohne Ihren Namen."),
    )


class WishForm(forms.Form):
    title = forms.CharField(
        label=_("Was möchten Sie lernen?"),
        max_length=200,
        help_text=_("Zum Beispiel: „Wie führe ich eine Bürgerbeteiligung online durch?“"),
    )
    text = forms.CharField(
        label=_("Worum es Ihnen genau geht"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was Sie schon wissen, was Sie brauchen, wofür Sie es nutzen möchten."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        required=False,
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.ChoiceField(
        label=_("Bevorzugtes Format"),
        choices=WishFormat.choices,
        initial=WishFormat.ANY,
        widget=forms.RadioSelect,
    )


def course_form_initial_from_wish(wish: LearningWish) -> dict[str, Any]:
    """ "Ich biete das an": the course offer form starts from the wish."""
    return {
        "title": wish.title[:120],
        "summary": (wish.text or wish.title)[:300],
        "description_text": wish.text,
        "topics": list(wish.topics.all()),
    }


class WishFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Thema"),
        required=False,
        queryset=Topic.objects.filter(learning_wishes__isnull=False).distinct(),
        to_field_name="slug",
        empty_label=_("Alle Themen"),
        error_messages={"invalid_choice": _("Dieses Thema gibt es nicht.")},
    )
    order = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            (WISH_ORDER_INTEREST, _("Meistgewünscht zuerst")),
            (WISH_ORDER_NEWEST, _("Neueste zuerst")),
        ],
        error_messages={"invalid_choice": _("Diese Sortierung gibt es nicht.")},
    )
