"""The search form: the query, sort order and date range as a Django form; the facet
checkboxes as plain GET lists, because unknown values there are dropped, not errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from search.query import MAX_QUERY_LENGTH
from search.types import SearchRequest

# GET parameter of each facet on the page, with the API's name of the facet.
FACET_PARAMETERS = {
    "art": "kind",
    "thema": "topic",
    "ebene": "administration_level",
    "land": "state",
}
PAGE_SIZE = 20
# Facet values a request may carry; more are ignored.
MAX_FACET_VALUES = 30
# The page's search form. The filters sit in a sidebar beside the results, outside the <form>
# element (a sidebar may not sit inside the search landmark), and join it by this id.
FORM_ID = "search-form"
FILTER_FIELDS = ("sortierung", "von", "bis")


class DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), required=False)
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[("relevance", _("Beste Treffer zuerst")), ("date", _("Neueste zuerst"))],
    )
    von = forms.DateField(label=_("Datum von"), required=False, widget=DateInput)
    bis = forms.DateField(label=_("Datum bis"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.truncated = False
        for name in FILTER_FIELDS:
            self.fields[name].widget.attrs["form"] = FORM_ID

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) > MAX_QUERY_LENGTH:
            self.truncated = True
            text = text[:MAX_QUERY_LENGTH]
        return text

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("Das Enddatum liegt vor dem Anfangsdatum."))
        return data


def page_number(raw: str | None) -> int | None:
    """The requested page, or None when the parameter is not a sensible page number."""
    if raw is None or raw == "":
        return 1
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 1 <= number <= 100_000 else None


def search_request(form: SearchForm, params: QueryDict, page: int) -> SearchRequest:
    data = form.cleaned_data if form.is_valid() else {}
    facets = {
        api_name: frozenset(params.getlist(parameter)[:MAX_FACET_VALUES])
        for parameter, api_name in FACET_PARAMETERS.items()
    }
    return SearchRequest(
        text=data.get("q") or " ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH],
        kinds=facets["kind"],
        topics=facets["topic"],
        administration_levels=facets["administration_level"],
        states=facets["state"],
        date_from=data.get("von"),
        date_to=data.get("bis") if "bis" not in form.errors else None,
        sort=data.get("sortierung") or "relevance",
        page=page,
        page_size=PAGE_SIZE,
    )
