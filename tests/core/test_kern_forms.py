"""Form fields render in KERN's markup (includes/form_fields.html with core.templatetags.
kern_forms): label, hint, input and error tied together, groups as a fieldset."""

from django import forms
from django.template.loader import render_to_string


class ExampleForm(forms.Form):
    title = forms.CharField(label="Titel", help_text="Kurz und klar.")
    role = forms.ChoiceField(
        label="Rolle", choices=[("a", "Autorin"), ("b", "Leser")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="Notiz", required=False)
    agree = forms.BooleanField(label="Einverstanden", required=False)


def test_a_failed_text_field_ties_hint_and_error_to_its_kern_input():
    html = render_to_string("includes/form_fields.html", {"form": ExampleForm(data={})})

    assert '<label class="kern-label" for="id_title">Titel:</label>' in html
    assert '<div class="kern-hint" id="id_title_helptext">Kurz und klar.</div>' in html
    assert (
        'class="kern-form-input__input kern-form-input__input--error" required '
        'aria-invalid="true" aria-describedby="id_title_helptext id_title_error"'
    ) in html
    assert '<div class="kern-error" id="id_title_error">' in html
    assert 'class="kern-alert kern-alert--danger error-summary" role="alert"' in html
    assert '<a class="kern-link" href="#id_role_0">Rolle:' in html


def test_a_choice_group_is_a_fieldset_with_a_kern_check_per_option():
    html = render_to_string("includes/form_fields.html", {"form": ExampleForm()})

    assert '<legend class="kern-label">Rolle:</legend>' in html
    assert (
        '<input type="radio" name="role" value="a" id="id_role_0" class="kern-form-check__radio" '
        "required>"
    ) in html
    assert '<label class="kern-label" for="id_role_0">Autorin</label>' in html


def test_optional_fields_say_so_inside_their_label_but_a_checkbox_does_not():
    html = render_to_string("includes/form_fields.html", {"form": ExampleForm()})

    assert (
        '<label class="kern-label" for="id_note">Notiz: '
        '<span class="kern-label__optional">– optional</span></label>'
    ) in html
    assert '<label class="kern-label" for="id_agree">Einverstanden:</label>' in html
