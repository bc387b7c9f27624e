"""What both backends need to shape an answer alike: facet values from counts, the page
actually shown, and the date range as instants."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone

from search.backends.base import Query
from search.types import FacetValue, SearchRequest


def facet_values(
    counts: dict[str, int], labels: dict[str, str], selected: Iterable[str]
) -> list[FacetValue]:
    """Known values with hits, plus the selected ones (so they can be unticked), by count."""
    selected = set(selected)
    values = [
        FacetValue(value=value, label=labels[value], count=counts.get(value, 0), selected=True)
        for value in selected
        if value in labels
    ]
    values += [
        FacetValue(value=value, label=labels[value], count=count, selected=False)
        for value, count in counts.items()
        if value in labels and value not in selected and count
    ]
    return sorted(values, key=lambda facet: (-facet.count, facet.label))


def ticked(request: SearchRequest) -> dict[str, frozenset[str]]:
    """The values the request chose, per facet."""
    return {
        "kind": request.kinds,
        "topic": request.topics,
        "administration_level": request.administration_levels,
        "state": request.states,
    }


def query_facets(query: Query, counts: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
    """Every facet of the answer from its value counts, with the request's choices ticked."""
    return {
        name: facet_values(counts.get(name, {}), query.facet_labels[name], chosen)
        for name, chosen in ticked(query.request).items()
    }


def page_bounds(total: int, request: SearchRequest) -> tuple[int, int]:
    """The page actually shown (out-of-range pages fall back to the nearest one) and the page
    count."""
    num_pages = max(1, math.ceil(total / request.page_size))
    return min(max(1, request.page), num_pages), num_pages


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))
