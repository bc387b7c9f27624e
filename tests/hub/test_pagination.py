"""The one pagination partial: paginator pages and pages counted elsewhere (search) alike."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def test_a_paginator_page_links_both_ways_and_keeps_the_filters() -> None:
    page = Paginator(range(50), 20).page(2)

    html = render_to_string(
        "includes/pagination.html", {"page": page, "query_string": "q=akte&thema=vergabe"}
    )

    assert 'aria-label="Seiten"' in html
    assert 'href="?q=akte&amp;thema=vergabe&amp;seite=1" rel="prev">Vorherige Seite' in html
    assert 'href="?q=akte&amp;thema=vergabe&amp;seite=3" rel="next">Nächste Seite' in html
    assert '<li aria-current="page">Seite 2 von 3</li>' in html


def test_pages_counted_elsewhere_and_a_label_of_their_own() -> None:
    html = render_to_string(
        "includes/pagination.html",
        {"number": 1, "num_pages": 4, "label": "Seiten der Suchergebnisse"},
    )

    assert 'aria-label="Seiten der Suchergebnisse"' in html
    assert "Vorherige Seite" not in html
    assert 'href="?seite=2" rel="next"' in html


def test_a_single_page_shows_no_navigation() -> None:
    single = Paginator([1], 20).page(1)
    assert render_to_string("includes/pagination.html", {"page": single}).strip() == ""
