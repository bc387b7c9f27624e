from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.Form):
    """Only the message is needed: reporting a barrier must not hinge on giving a name."""

    message = forms.CharField(
        label=_("Ihre Nachricht"),
        help_text=_("Welche Barriere ist Ihnen begegnet, und was wollten Sie gerade tun?"),
        max_length=AccessibilityFeedback._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Bitte beschreiben Sie die Barriere, auf die Sie gestoßen sind.")
        },
    )
    name = forms.CharField(
        label=_("Ihr Name (freiwillig)"),
        required=False,
        max_length=AccessibilityFeedback._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (freiwillig)"),
        help_text=_("Nur nötig, wenn Sie eine Antwort wünschen."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")
        },
    )
    page_address = forms.CharField(
        label=_("Betroffene Seite (freiwillig)"),
        help_text=_("Die Adresse der Seite, z. B. https://…/suche/ oder /suche/."),
        required=False,
        max_length=AccessibilityFeedback._meta.get_field("page_address").max_length,
    )
