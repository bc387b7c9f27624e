from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.images import process_avatar
from members.models import (
    MAX_CONTACT_LINKS,
    AdministrationLevel,
    FederalState,
    Organisation,
    Profile,
    validate_contact_url,
)
from members.selectors import current_terms
from members.services import terms_accept

MAX_TAGS = 15
MAX_TAG_LENGTH = 50


def _clean_tags(tags: list[str]) -> list[str]:
    if len(tags) > MAX_TAGS:
        raise forms.ValidationError(
            _("Bitte höchstens %(max)d Themen angeben."), params={"max": MAX_TAGS}
        )
    too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
    if too_long:
        raise forms.ValidationError(
            _("Ein Thema darf höchstens %(max)d Zeichen lang sein."), params={"max": MAX_TAG_LENGTH}
        )
    return tags


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "display_name",
            "display_name_visibility",
            "organisation",
            "organisation_visibility",
            "position",
            "position_visibility",
            "bio",
            "bio_visibility",
            "avatar",
            "avatar_visibility",
            "expertise",
            "expertise_visibility",
            "interests",
            "interests_visibility",
            "contact_links_visibility",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs["autocomplete"] = "name"
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.empty_label = _("– keine Angabe –")
        # Contact links are a short list of label/address pairs, one row of fields each, so the
        # form needs no script to add rows.
        stored = self.instance.contact_links if self.instance.pk else []
        for slot in range(1, MAX_CONTACT_LINKS + 1):
            link = stored[slot - 1] if slot <= len(stored) else {"label": "", "url": ""}
            self.fields[f"contact_link_{slot}_label"] = forms.CharField(
                label=_("Kontaktlink %(number)d: Bezeichnung") % {"number": slot},
                max_length=60,
                required=False,
                initial=link["label"],
                help_text=_("z. B. „Dienstliche Website“ oder „Telefon“") if slot == 1 else "",
            )
            self.fields[f"contact_link_{slot}_url"] = forms.CharField(
                label=_("Kontaktlink %(number)d: Adresse") % {"number": slot},
                max_length=500,
                required=False,
                initial=link["url"],
                validators=[validate_contact_url],
                help_text=(
                    _("https://…, mailto:name@behoerde.de oder tel:+49 30 1234-5678")
                    if slot == 1
                    else ""
                ),
            )
        self.order_fields([*self.Meta.fields[:-1], *self._contact_slot_fields()])

    @staticmethod
    def _contact_slot_fields() -> list[str]:
        return [
            name
            for slot in range(1, MAX_CONTACT_LINKS + 1)
            for name in (f"contact_link_{slot}_label", f"contact_link_{slot}_url")
        ] + ["contact_links_visibility"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        links = []
        for slot in range(1, MAX_CONTACT_LINKS + 1):
            label = cleaned.pop(f"contact_link_{slot}_label", "").strip()
            url = cleaned.pop(f"contact_link_{slot}_url", "").strip()
            if url:
                fallback = url.partition(":")[2].lstrip("/")[:60]
                links.append({"label": label or fallback, "url": url})
            elif label:
                self.add_error(
                    f"contact_link_{slot}_url",
                    _("Bitte geben Sie zur Bezeichnung eine Adresse an."),
                )
        cleaned["contact_links"] = links
        return cleaned

    def clean_avatar(self) -> Any:
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            return process_avatar(avatar)
        return avatar

    def clean_expertise(self) -> list[str]:
        return _clean_tags(self.cleaned_data["expertise"])

    def clean_interests(self) -> list[str]:
        return _clean_tags(self.cleaned_data["interests"])


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), required=False, max_length=100)
    expertise = forms.SlugField(label=_("Thema"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Verwaltungsebene"),
        required=False,
        choices=[("", _("Alle Ebenen")), *AdministrationLevel.choices],
    )
    state = forms.ChoiceField(
        label=_("Bundesland"),
        required=False,
        choices=[("", _("Alle Bundesländer")), *FederalState.choices],
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.all(),
        empty_label=_("Alle Organisationen"),
    )


class AccountDeletionForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Ich möchte mein Konto und alle meine persönlichen Daten endgültig löschen."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


class TermsConsentForm(forms.Form):
    """Consent to the terms in force; also added to allauth's sign-up form."""

    accept_terms = forms.BooleanField(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = current_terms()
        if self.terms is None:
            del self.fields["accept_terms"]
            return
        field = self.fields["accept_terms"]
        field.label = _(
            "Ich stimme den Nutzungsbedingungen und Datenschutzhinweisen (Version %(version)d) zu."
        ) % {"version": self.terms.version}
        field.help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("members:terms"),
            _("Nutzungsbedingungen lesen (öffnet in neuem Tab)"),
        )

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth's hook (ACCOUNT_SIGNUP_FORM_CLASS): store the consent with the new account."""
        if self.terms is not None:
            terms_accept(user=user, terms=self.terms)
