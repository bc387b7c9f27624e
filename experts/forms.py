from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RoutingPreferenceForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Fragen an mich weiterleiten"),
        help_text=_(
            "Passt eine neue Frage zu Ihren Angaben unter „Ich kann helfen bei“, Ihren Impulsen "
            "oder Ihren Praxisbeiträgen, bekommen Sie sie angeboten – höchstens dreimal pro Woche."
        ),
        required=False,
    )
