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


# Longer than the submit forms allow (title 120, summary 500 characters), so typing in them never
# reaches these limits; a longer request does not come from them.
SIMILAR_TITLE_MAX_LENGTH = 200
SIMILAR_SUMMARY_MAX_LENGTH = 1000
SIMILAR_KEY_PATTERN = r"^(practice|course|question):[0-9]{1,12}$"


class SimilarForm(forms.Form):
    """What the "Gibt es das schon?" box asks: the title and summary typed so far, the kinds of
    solution to show, the item being edited, which is not its own duplicate, and whether a
    question is being asked ("Gibt es schon Antworten?")."""

    titel = forms.CharField(
        required=False,
        max_length=SIMILAR_TITLE_MAX_LENGTH,
        error_messages={"max_length": _("Der Titel ist zu lang für die Suche nach Ähnlichem.")},
    )
    zusammenfassung = forms.CharField(
        required=False,
        max_length=SIMILAR_SUMMARY_MAX_LENGTH,
        error_messages={
            "max_length": _("Die Zusammenfassung ist zu lang für die Suche nach Ähnlichem.")
        },
    )
    art = forms.MultipleChoiceField(
        choices=[("practice", "practice"), ("course", "course"), ("question", "question")],
        error_messages={
            "required": _("Es fehlt, welche Art von Beiträgen gesucht werden soll."),
            "invalid_choice": _("Diese Art von Beiträgen gibt es nicht."),
        },
    )
    zweck = forms.ChoiceField(
        choices=[("", ""), ("frage", "frage")],
        required=False,
        error_messages={"invalid_choice": _("Diesen Zweck der Suche gibt es nicht.")},
    )
    ohne = forms.RegexField(
        regex=SIMILAR_KEY_PATTERN,
        required=False,
        error_messages={"invalid": _("Der ausgeschlossene Beitrag ist ungültig.")},
    )

    def text(self) -> str:
        """Title and summary as `search.similar.similar_solutions` reads them."""
        title = " ".join(self.cleaned_data["titel"].split())
        summary = " ".join(self.cleaned_data["zusammenfassung"].split())
        return f"{title}\n{summary}".strip()
