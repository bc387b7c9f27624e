from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.discussions.models import Channel, ChannelVisibility, ReactionEmoji
from hub.discussions.services import MESSAGE_MAX_LENGTH
from hub.models import Topic


class MessageForm(forms.Form):
    """The length limit is checked by the service, which also serves the websocket."""

    body = forms.CharField(
        label=_("Ihre Nachricht"),
        widget=forms.Textarea(attrs={"rows": 3, "data-max-length": MESSAGE_MAX_LENGTH}),
        help_text=_(
            "Markdown ist möglich: **fett**, *kursiv*, `Code`, Listen und Links. "
            "Höchstens 4.000 Zeichen."
        ),
        error_messages={"required": _("Bitte schreiben Sie eine Nachricht.")},
        strip=False,
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


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
