from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import (
    Channel,
    ChannelVisibility,
    DigestFrequency,
    DigestKind,
    FlagReason,
    QuestionState,
    ReactionEmoji,
)
from discussions.selectors import QUESTION_ORDER_NEWEST, QUESTION_ORDER_UNANSWERED
from discussions.services.messages import MESSAGE_MAX_LENGTH
from discussions.services.questions import TITLE_MAX_LENGTH
from hub.models import Topic

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MessageForm(forms.Form):
    """The length limit is checked by the service, which also serves the websocket."""

    body = forms.CharField(
        label=_("Ihre Nachricht"),
        widget=forms.Textarea(attrs={"rows": 3, "data-max-length": MESSAGE_MAX_LENGTH}),
        help_text=_(
            "Markdown ist möglich: **fett**, *kursiv*, `Code`, Listen und Links. Mitglieder "
            "erwähnen Sie mit @ und ihrem Namen. Höchstens 4.000 Zeichen."
        ),
        error_messages={"required": _("Bitte schreiben Sie eine Nachricht.")},
        strip=False,
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def _question_title_field(label: StrOrPromise) -> forms.CharField:
    """The service checks the title's length, with the message the form shows."""
    return forms.CharField(
        label=label,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        help_text=_(
            "Eine kurze, konkrete Frage, z. B. „Wie führen Sie die E-Akte im Bürgeramt ein?“"
        ),
        error_messages={"required": _("Bitte geben Sie Ihrer Frage einen Titel.")},
    )


class ChannelMessageForm(MessageForm):
    """The channel's composer: a new message may be asked as a question, with a title. The title
    field shows only while the box is ticked (plain CSS), so it works without JavaScript."""

    is_question = forms.BooleanField(
        label=_("Als Frage stellen (mit Titel, erscheint in der Fragenliste)"), required=False
    )
    title = _question_title_field(_("Titel der Frage"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The title is needed only for a question; it is marked as needed, as it shows only then.
        if self.is_bound and not self.data.get("is_question"):
            self.fields["title"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_question") and data.get("reply_to"):
            self.add_error(
                "is_question",
                _("Eine Antwort kann keine eigene Frage sein. Stellen Sie sie im Kanal neu."),
            )
        return data


class QuestionForm(forms.Form):
    """The "Frage stellen" page. The channel choices are the ones the member may ask in."""

    title = _question_title_field(_("Ihre Frage in einem Satz"))
    body = forms.CharField(
        label=_("Beschreibung"),
        widget=forms.Textarea(attrs={"rows": 8, "data-max-length": MESSAGE_MAX_LENGTH}),
        help_text=_(
            "Was haben Sie schon versucht, was ist der Rahmen? Markdown ist möglich: **fett**, "
            "*kursiv*, Listen und Links; mit @ und einem Namen erwähnen Sie Mitglieder des "
            "Kanals. Höchstens 4.000 Zeichen."
        ),
        error_messages={"required": _("Bitte beschreiben Sie Ihre Frage.")},
        strip=False,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Themen schlagen einen passenden Kanal vor."),
        error_messages={"invalid_choice": _("Bitte wählen Sie Themen aus der Liste.")},
    )
    channel = forms.ModelChoiceField(
        label=_("Kanal"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("Passend zu den Themen wählen"),
        help_text=_("Wo die Frage erscheint; wer den Kanal lesen kann, kann antworten."),
        error_messages={
            "invalid_choice": _("In diesem Kanal können Sie keine Frage stellen."),
        },
    )

    # "Frage an die Autor:innen": the article's id, carried from the article page's link; the
    # view checks it (an id that is no article is ignored with a message, never an error).
    article = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, channels: list[Channel], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["channel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Channel.objects.filter(pk__in=[channel.pk for channel in channels])
        # Each option names the channel's topics, for the script that suggests one.
        field.widget.attrs["data-channel-topics"] = " ".join(
            f"{channel.pk}:{','.join(str(topic.pk) for topic in channel.topics.all())}"
            for channel in channels
        )


class QuestionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Stand"),
        required=False,
        choices=[("", _("Alle Fragen")), *QuestionState.choices],
        error_messages={"invalid_choice": _("Diesen Stand gibt es nicht.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Thema"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("Alle Themen"),
        error_messages={"invalid_choice": _("Dieses Thema gibt es nicht.")},
    )
    order = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            (QUESTION_ORDER_NEWEST, _("Neueste zuerst")),
            (QUESTION_ORDER_UNANSWERED, _("Unbeantwortete zuerst")),
        ],
        error_messages={"invalid_choice": _("Diese Sortierung gibt es nicht.")},
    )


class SolutionForm(forms.Form):
    """Which reply is the solution; empty unmarks it."""

    reply = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Nachricht bearbeiten"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Bitte schreiben Sie eine Nachricht.")},
        strip=False,
    )


class ReactionForm(forms.Form):
    emoji = forms.ChoiceField(
        choices=ReactionEmoji.choices,
        error_messages={"invalid_choice": _("Diese Reaktion gibt es nicht.")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse des Mitglieds"),
        error_messages={
            "required": _("Bitte geben Sie eine E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
        },
    )


class ChannelForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = forms.ChoiceField(
        label=_("Wer darf mitlesen?"),
        choices=ChannelVisibility.choices,
        widget=forms.RadioSelect,
        initial=ChannelVisibility.OPEN,
    )

    class Meta:
        model = Channel
        fields = ["name", "description", "topics", "visibility"]
        error_messages = {"name": {"required": _("Bitte geben Sie dem Kanal einen Namen.")}}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund"),
        choices=FlagReason.choices,
        error_messages={
            "required": _("Bitte wählen Sie einen Grund."),
            "invalid_choice": _("Bitte wählen Sie einen Grund aus der Liste."),
        },
    )
    note = forms.CharField(
        label=_("Erläuterung (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Bitte fassen Sie sich kürzer (höchstens 1.000 Zeichen).")},
    )


class SlowModeForm(forms.Form):
    seconds = forms.IntegerField(
        label=_("Langsamer Modus: Sekunden zwischen zwei Nachrichten (0 = aus)"),
        min_value=0,
        max_value=3600,
        error_messages={
            "required": _("Bitte geben Sie eine Zahl an."),
            "invalid": _("Bitte geben Sie eine ganze Zahl an."),
            "min_value": _("Der langsame Modus liegt zwischen 0 und 3.600 Sekunden."),
            "max_value": _("Der langsame Modus liegt zwischen 0 und 3.600 Sekunden."),
        },
    )


FREQUENCY_INVALID = _("Bitte wählen Sie täglich, wöchentlich oder nie.")


class DigestForm(forms.Form):
    """How often the digest mail brings each kind of news: one choice per `DigestKind`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in DigestKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=DigestFrequency.choices,
                error_messages={
                    "invalid_choice": _("Bitte wählen Sie täglich, wöchentlich oder nie.")
                },
            )

    def frequencies(self) -> dict[DigestKind, str]:
        return {kind: self.cleaned_data[kind.value] for kind in DigestKind}
