"""The search page, the suggestions the search field shows while typing, and the similar
solutions a submit form shows while its title and summary are typed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.ratelimit import rate_limit_exceeded, rate_limit_key
from search import api
from search.forms import FACET_PARAMETERS, SearchForm, SimilarForm, page_number, search_request
from search.gaps import record_search
from search.models import Kind
from search.query import MAX_QUERY_LENGTH
from search.similar import similar_solutions

# Suggestions are requested on every keystroke (debounced in the browser).
SUGGESTIONS_PER_MINUTE = 120
# Asked while a title or summary is typed (debounced longer than suggestions).
SIMILAR_PER_MINUTE = 60
# Fewer letters than this say too little to look for anything similar.
SIMILAR_MIN_LETTERS = 5


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    notes = []
    page = page_number(request.GET.get("seite"))
    if page is None:
        notes.append(_("Die Seitenzahl war ungültig; angezeigt wird die erste Seite."))
        page = 1
    search = search_request(form, request.GET, page)
    # Each ticked facet value and each date bound counts once in the "Filter (n)" control.
    active_filter_count = sum(
        1 for name in FACET_PARAMETERS for value in request.GET.getlist(name) if value
    ) + sum(1 for name in ("von", "bis") if request.GET.get(name))
    has_filters = active_filter_count > 0
    if form.truncated:
        notes.append(
            _("Ihre Suchanfrage war sehr lang; gesucht wurde mit den ersten %(count)d Zeichen.")
            % {"count": MAX_QUERY_LENGTH}
        )
    context = {
        "form": form,
        "notes": notes,
        "query": search.text,
        "results": None,
        "active_filter_count": active_filter_count,
        "script_texts": {
            "available": _("%(count)s Vorschläge. Mit den Pfeiltasten auswählen."),
            "kinds": {**{kind.value: str(kind.label) for kind in Kind}, "query": _("Suche")},
        },
    }
    if search.text or has_filters:
        results = api.search(search, viewer=request.user)
        requested = {
            name: set(request.GET.getlist(parameter))
            for parameter, name in FACET_PARAMETERS.items()
        }
        known = {
            name: {facet.value for facet in values if facet.selected}
            for name, values in results.facets.items()
        }
        if search.text and not has_filters and page == 1:
            # Filters narrow on purpose and later pages repeat the search: neither is a gap.
            # Texts found by meaning alone may not be what was asked for: the words decide.
            record_search(search.text, results.word_matches)
        if any(requested[name] - known[name] for name in requested):
            notes.append(_("Unbekannte Filter wurden nicht berücksichtigt."))
        if results.page != page:
            notes.append(
                _("Diese Seite gibt es nicht; angezeigt wird Seite %(page)d.")
                % {"page": results.page}
            )
        params = request.GET.copy()
        params.pop("seite", None)
        context.update(
            results=results,
            hits=[(hit, Kind(hit.kind).label) for hit in results.hits],
            query_string=params.urlencode(),
            facet_groups=_facet_groups(results),
            related_topics=api.related_topics(search.text) if not results.total else [],
        )
    return render(request, "search/search.html", context)


def _facet_groups(results: api.SearchResults) -> list[dict]:
    legends = {
        "kind": _("Art"),
        "topic": _("Thema"),
        "administration_level": _("Verwaltungsebene"),
        "state": _("Bundesland"),
    }
    return [
        {"parameter": parameter, "legend": legends[name], "values": results.facets[name]}
        for parameter, name in FACET_PARAMETERS.items()
        if results.facets[name]
    ]


@require_GET
def suggestions(request: HttpRequest) -> JsonResponse:
    if rate_limit_exceeded(
        scope="search-suggestions",
        key=rate_limit_key(request),
        limit=SUGGESTIONS_PER_MINUTE,
        period=60,
    ):
        return JsonResponse(
            {"error": _("Zu viele Anfragen. Bitte warten Sie einen Moment.")}, status=429
        )
    text = " ".join(request.GET.get("q", "").split())[:100]
    return JsonResponse({"suggestions": api.autocomplete(text, viewer=request.user)})


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """ "Gibt es das schon?": an HTML fragment with up to five solutions like the title and
    summary typed so far; empty while too little is typed or nothing is found, a German message
    with status 400 for parameters the submit forms never send, 429 when asked too often."""
    template = "search/similar_fragment.html"
    if rate_limit_exceeded(
        scope="search-similar", key=rate_limit_key(request), limit=SIMILAR_PER_MINUTE, period=60
    ):
        busy = _("Zu viele Anfragen. Bitte warten Sie einen Moment.")
        return render(request, template, {"message": busy}, status=429)
    form = SimilarForm(request.GET)
    if not form.is_valid():
        first_error = next(iter(form.errors.values()))[0]
        return render(request, template, {"message": first_error}, status=400)
    text = form.text()
    hits = []
    if sum(char.isalpha() for char in text) >= SIMILAR_MIN_LETTERS:
        found = similar_solutions(
            viewer=request.user,
            key=form.cleaned_data["ohne"] or None,
            text=text,
            kinds=form.cleaned_data["art"],
        )
        hits = [(hit, Kind(hit.kind).label) for hit in found]
    asking = form.cleaned_data["zweck"] == "frage"
    return render(request, template, {"hits": hits, "asking": asking})
