from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import Channel, ChannelVisibility, FlagReason, ReactionEmoji
from discussions.services.messages import MESSAGE_MAX_LENGTH
from hub.models import Topic


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


class DigestForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Einmal täglich eine E-Mail mit neuen ungelesenen Benachrichtigungen"),
        required=False,
    )
