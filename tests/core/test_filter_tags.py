"""The count behind "Filter (n)": the filters a visitor has set, not the view's own state."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from core.templatetags.filter_tags import active_filter_count


class ExampleFilterForm(forms.Form):
    q = forms.CharField(required=False)
    thema = forms.CharField(required=False)
    monat = forms.CharField(required=False, widget=forms.HiddenInput)


def test_counts_visible_fields_with_a_value():
    form = ExampleFilterForm(QueryDict("q=Akte&thema=+&monat=2026-12"))
    assert active_filter_count(form) == 1


def test_an_unbound_form_has_no_filters():
    assert active_filter_count(ExampleFilterForm()) == 0
