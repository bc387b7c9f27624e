"""The search page and the suggestions endpoint: accessible markup, bad input, rate limit."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.fixture
def url():
    return reverse("search:search")


def test_search_page_shows_highlighted_hits_and_facets(client, world, url):
    response = client.get(url, {"q": "Beteiligung"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Bürgerbeteiligung in der Kommune" in html
    assert "<mark>Beteiligung</mark>" in html
    assert '<label for="id_q">Suchbegriff</label>' in html
    assert 'role="combobox"' in html and 'role="status"' in html
    assert 'type="checkbox" name="art" value="practice"' in html


def test_empty_page_has_only_the_form(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Treffer" not in response.content.decode()


def test_zero_results_page_helps(client, world, url):
    html = client.get(url, {"q": "Quantenkryptographie"}).content.decode()

    assert "Dazu haben wir nichts gefunden." in html
    assert reverse("discussions:index") in html
    assert reverse("knowledge:topic", kwargs={"slug": world.topics["E-Akte"].slug}) in html


def test_did_you_mean_is_offered(client, world, url):
    html = client.get(url, {"q": "Bürgerhaushlt"}).content.decode()
    assert "Meinten Sie" in html and "Bürgerhaushalt" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "Ihre Suchanfrage war sehr lang"),
        ({"q": "Kommune", "art": "erfunden"}, "Unbekannte Filter wurden nicht berücksichtigt."),
        ({"q": "Kommune", "seite": "999"}, "Diese Seite gibt es nicht"),
        ({"q": "Kommune", "seite": "abc"}, "Die Seitenzahl war ungültig"),
        ({"q": "Kommune", "von": "kein-datum"}, "Datum von"),
        ({"q": "Kommune", "von": "2030-01-02", "bis": "2030-01-01"}, "Das Enddatum liegt vor"),
    ],
)
def test_bad_input_gets_a_clear_message(client, world, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("text", ['"', "*", ":", "(", "AND", "' OR 1=1 --", "Kommune)"])
def test_syntax_characters_never_fail(client, world, url, text):
    assert client.get(url, {"q": text}).status_code == 200


def test_members_find_messages_on_the_page(client, world, url):
    client.force_login(world.member)
    html = client.get(url, {"q": "Losverfahren"}).content.decode()

    assert "Unser Bürgerhaushalt lief mit <mark>Losverfahren</mark>." in html
    assert "Vertraulich" not in html


def test_suggestions_endpoint_answers_json(client, world):
    response = client.get(reverse("search:suggestions"), {"q": "Bürgerbet"})

    assert response.status_code == 200
    labels = [item["label"] for item in response.json()["suggestions"]]
    assert "Bürgerbeteiligung in der Kommune" in labels


def test_suggestions_endpoint_is_rate_limited(client, db, settings):
    answers = [
        client.get(reverse("search:suggestions"), {"q": "Ak"}).status_code for _ in range(125)
    ]
    assert answers.count(429) == 5


def test_facets_sit_in_a_sidebar_outside_the_search_landmark(client, world, url):
    # A sidebar may not sit inside another landmark, so the filters join the form by its id.
    html = client.get(url, {"q": "Beteiligung", "art": "practice", "von": "2020-01-01"}).content
    html = html.decode()
    form_end = html.index("</form>")
    assert html.index('<aside class="page-grid__aside"') > form_end
    assert re.search(r'value="practice" form="search-form" id="facet-art-\d+" checked', html)
    assert 'form="search-form" id="id_von"' in html
    assert "Filter (2)</summary>" in html
